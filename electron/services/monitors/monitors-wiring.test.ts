import { describe, expect, it } from 'vitest';
import { HostId } from '../../../shared/model/ids';
import { labelMonitorId, labelMonitorInput, referenceTargetsFromEnv } from './monitors-wiring';

const ROUTE = `Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
eth0\t00000000\t0101A8C0\t0003\t0\t0\t0\t00000000\t0\t0\t0
eth0\t0001A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0
`;
const files = (m: Record<string, string>) => (f: string) => {
  if (m[f] === undefined) throw new Error('ENOENT');
  return m[f];
};

describe('reference targets', () => {
  it('default to the default gateway (53, 80, 443) and the non-loopback DNS servers', () => {
    const read = files({ '/proc/net/route': ROUTE, '/etc/resolv.conf': '# x\nnameserver 127.0.0.53\nnameserver 9.9.9.9\nnameserver 192.168.1.1\n' });
    expect(referenceTargetsFromEnv({}, read)).toEqual([
      { host: '192.168.1.1', port: 53 },
      { host: '192.168.1.1', port: 80 },
      { host: '192.168.1.1', port: 443 },
      { host: '9.9.9.9', port: 53 },
    ]);
  });

  it('are none without a route or resolver, and follow HOMEPORT_REFERENCE_TARGETS', () => {
    expect(referenceTargetsFromEnv({}, files({}))).toEqual([]);
    expect(referenceTargetsFromEnv({ HOMEPORT_REFERENCE_TARGETS: 'none' }, files({ '/proc/net/route': ROUTE }))).toEqual([]);
    expect(referenceTargetsFromEnv({ HOMEPORT_REFERENCE_TARGETS: '1.1.1.1:443, [2606:4700::1111]:53, bad, x:99999' }, files({}))).toEqual([
      { host: '1.1.1.1', port: 443 },
      { host: '2606:4700::1111', port: 53 },
    ]);
  });
});

describe('label monitors', () => {
  const c = (labels: Record<string, string>, ports: number[] = []) => ({ name: 'app', labels, ports });

  it('declare a container monitor by default, with the common options', () => {
    expect(labelMonitorInput(c({ 'homeport.monitor.interval': '30', 'homeport.monitor.retries': '2', 'homeport.monitor.upside_down': 'true' }), 'h1', 'nas.lan')).toEqual({
      input: { name: 'app', type: 'container', hostId: 'h1', container: 'app', intervalSec: 30, retries: 2, upsideDown: true },
    });
  });

  it('declare HTTP monitors with a URL, or on the first published port', () => {
    expect(labelMonitorInput(c({ 'homeport.monitor.type': 'http', 'homeport.monitor.name': 'App', 'homeport.monitor.keyword': 'Welcome', 'homeport.monitor.status': '200-299, 401' }, [8080]), 'h1', 'nas.lan')).toEqual({
      input: { name: 'App', type: 'http', url: 'http://nas.lan:8080/', keyword: { text: 'Welcome' }, acceptedStatus: ['200-299', '401'] },
    });
    expect(labelMonitorInput(c({ 'homeport.monitor.type': 'http', 'homeport.monitor.url': 'https://NAS.lan:8443/health' }, [8080, 8443]), 'h1', 'nas.lan')).toMatchObject({ input: { url: 'https://NAS.lan:8443/health' } });
    expect(labelMonitorInput(c({ 'homeport.monitor.type': 'http', 'homeport.monitor.url': 'http://[fd00::1]:8080/' }, [8080]), 'h1', '[fd00::1]')).toMatchObject({ input: { url: 'http://[fd00::1]:8080/' } });
    expect(labelMonitorInput(c({ 'homeport.monitor.type': 'tcp' }, [5432]), 'h1', 'nas.lan')).toMatchObject({ input: { type: 'tcp', host: 'nas.lan', port: 5432 } });
  });

  it('name the label that is wrong', () => {
    expect(labelMonitorInput(c({ 'homeport.monitor.type': 'smtp' }), 'h1', 'x')).toEqual({ error: expect.stringContaining('homeport.monitor.type "smtp"') });
    expect(labelMonitorInput(c({ 'homeport.monitor.interval': 'soon' }), 'h1', 'x')).toEqual({ error: expect.stringContaining('homeport.monitor.interval must be a whole number') });
    expect(labelMonitorInput(c({ 'homeport.monitor.type': 'http' }), 'h1', 'x')).toEqual({ error: expect.stringContaining('publishes no port') });
  });

  it('may only point at their own container: the host\'s address and a port it publishes', () => {
    const refused = (labels: Record<string, string>, ports: number[] = [8080]) => labelMonitorInput(c(labels, ports), 'h1', 'nas.lan');
    expect(refused({ 'homeport.monitor.type': 'http', 'homeport.monitor.url': 'http://192.168.1.1/admin' })).toEqual({
      error: "homeport.monitor.url points at 192.168.1.1, not at the container's host (nas.lan); a label may only point at its own container",
    });
    expect(refused({ 'homeport.monitor.type': 'http', 'homeport.monitor.url': 'http://nas.lan.evil.example:8080/' })).toEqual({ error: expect.stringContaining('not at the container\'s host') });
    expect(refused({ 'homeport.monitor.type': 'http', 'homeport.monitor.url': 'http://nas.lan/' })).toEqual({
      error: "homeport.monitor.url: port 80 is not published by the container (it publishes 8080); a label may only point at its container's published ports",
    });
    expect(refused({ 'homeport.monitor.type': 'http', 'homeport.monitor.port': '22' })).toEqual({ error: expect.stringContaining('homeport.monitor.port: port 22 is not published') });
    expect(refused({ 'homeport.monitor.type': 'tcp', 'homeport.monitor.host': '10.0.0.5' })).toEqual({
      error: "homeport.monitor.host is 10.0.0.5, not the container's host (nas.lan); a label may only point at its own container",
    });
    expect(refused({ 'homeport.monitor.type': 'tcp', 'homeport.monitor.port': '5432' })).toEqual({ error: expect.stringContaining('port 5432 is not published by the container (it publishes 8080)') });
    expect(refused({ 'homeport.monitor.type': 'tcp', 'homeport.monitor.port': '5432' }, [])).toEqual({ error: expect.stringContaining('it publishes no port') });
    // A container monitor watches the container itself: nothing to point elsewhere.
    expect(refused({ 'homeport.monitor.port': '22' })).toMatchObject({ input: { type: 'container' } });
  });

  it('get a stable monitor id per host and container', () => {
    expect(labelMonitorId(HostId('h1'), 'app')).toBe(labelMonitorId(HostId('h1'), 'app'));
    expect(labelMonitorId(HostId('h1'), 'app')).not.toBe(labelMonitorId(HostId('h2'), 'app'));
    expect(labelMonitorId(HostId('h1'), 'app')).toMatch(/^m_[A-Za-z0-9_-]{4,40}$/);
  });
});
