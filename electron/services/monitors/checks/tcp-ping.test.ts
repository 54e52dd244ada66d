import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCheckEnv, type CheckEnv } from './env';
import { checkPing, parsePingOutput, pingArgs } from './ping';
import { checkTcp } from './tcp';
import type { PingMonitor, TcpMonitor } from './types';
import { validateMonitorConfig } from './validate';

let env: CheckEnv;
let server: net.Server;
let port: number;
let accepted = 0;

beforeAll(async () => {
  env = createCheckEnv();
  server = net.createServer((s) => {
    accepted++;
    s.on('error', () => {});
    s.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  env.close();
  await new Promise((r) => server.close(r));
});

const ctx = () => ({ signal: new AbortController().signal, env });
const tcp = (over: Partial<TcpMonitor>) => validateMonitorConfig({ type: 'tcp', id: 't', name: 't', host: '127.0.0.1', port, intervalSec: 20, timeoutSec: 2, ...over }) as TcpMonitor;
const ping = (over: Partial<PingMonitor>) => validateMonitorConfig({ type: 'ping', id: 'p', name: 'p', host: '127.0.0.1', intervalSec: 20, timeoutSec: 3, ...over }) as PingMonitor;

describe('checkTcp', () => {
  it('connects, measures and closes', async () => {
    const before = accepted;
    const r = await checkTcp(tcp({}), ctx());
    expect(r).toMatchObject({ status: 'up', message: `Port ${port} open`, details: { address: '127.0.0.1' } });
    expect(r.latencyMs).toBeGreaterThan(0);
    expect(r.latencyMs).toBeLessThan(500);
    await new Promise((res) => setTimeout(res, 20));
    expect(accepted).toBe(before + 1);
  });

  it('says "refused" for a closed port', async () => {
    const s = net.createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const closed = (s.address() as AddressInfo).port;
    await new Promise((r) => s.close(r));
    expect(await checkTcp(tcp({ port: closed }), ctx())).toEqual({ status: 'down', latencyMs: null, message: `Connection refused by 127.0.0.1:${closed}` });
  });

  it('resolves localhost through the lookup cache', async () => {
    const r = await checkTcp(tcp({ host: 'localhost' }), ctx());
    // localhost may resolve to ::1 first; the server listens on 127.0.0.1 only (happy eyeballs tries both)
    expect(r.status).toBe('up');
  });

  it('stops when the owner aborts', async () => {
    const ac = new AbortController();
    ac.abort();
    expect(await checkTcp(tcp({}), { signal: ac.signal, env })).toMatchObject({ status: 'down', message: 'Check cancelled' });
  });
});

describe('checkPing', () => {
  it('pings 127.0.0.1 with the system ping and parses the round trip', async () => {
    const r = await checkPing(ping({ count: 2 }), ctx());
    expect(r).toMatchObject({ status: 'up', details: { transmitted: 2, received: 2, packetLoss: 0, address: '127.0.0.1' } });
    expect(r.message).toMatch(/^Reply from 127.0.0.1 in [\d.]+ ms$/);
    expect(r.latencyMs).toBeGreaterThan(0);
    expect(r.latencyMs).toBeLessThan(50);
  });

  it('says clearly when ping is not installed', async () => {
    const r = await checkPing(ping({}), { ...ctx(), pingCommand: '/nonexistent/ping' });
    expect(r).toMatchObject({ status: 'down', message: expect.stringMatching(/^The ping command is not installed on this computer/) });
  });

  it('passes arguments as an array, with the host after "--"', () => {
    expect(pingArgs('linux', '127.0.0.1', 1, 10)).toEqual(['-c', '1', '-W', '9', '-n', '--', '127.0.0.1']);
    expect(pingArgs('linux', 'nas', 3, 5)).toEqual(['-c', '3', '-W', '4', '-n', '-i', '0.2', '--', 'nas']);
    expect(pingArgs('darwin', 'nas', 1, 5)).toEqual(['-c', '1', '-W', '4000', '-n', '--', 'nas']);
    expect(pingArgs('win32', 'nas', 2, 5)).toEqual(['-n', '2', '-w', '4500', 'nas']);
  });

  it('parses the output of iputils, busybox, macOS and Windows', () => {
    const iputilsLoss = `PING 10.0.0.9 (10.0.0.9) 56(84) bytes of data.\n\n--- 10.0.0.9 ping statistics ---\n2 packets transmitted, 0 received, 100% packet loss, time 1001ms\n`;
    expect(parsePingOutput(iputilsLoss, 1, '10.0.0.9', 2)).toMatchObject({ status: 'down', message: 'No reply from 10.0.0.9 (2 of 2 packets lost)' });
    expect(parsePingOutput('ping: nas.lan: Name or service not known\n', 2, 'nas.lan', 1)).toMatchObject({
      status: 'down',
      message: 'DNS lookup of nas.lan failed (ping: nas.lan: Name or service not known)',
    });
    const busybox = `PING 127.0.0.1 (127.0.0.1): 56 data bytes\n64 bytes from 127.0.0.1: seq=0 ttl=64 time=0.071 ms\n\n--- 127.0.0.1 ping statistics ---\n1 packets transmitted, 1 packets received, 0% packet loss\nround-trip min/avg/max = 0.071/0.071/0.071 ms\n`;
    expect(parsePingOutput(busybox, 0, '127.0.0.1', 1)).toMatchObject({ status: 'up', latencyMs: 0.071 });
    const partial = `PING nas (10.0.0.2): 56 data bytes\n64 bytes from 10.0.0.2: icmp_seq=0 ttl=64 time=1.5 ms\n--- nas ping statistics ---\n3 packets transmitted, 1 packets received, 66.7% packet loss\nround-trip min/avg/max/stddev = 1.5/1.5/1.5/0.000 ms\n`;
    expect(parsePingOutput(partial, 0, 'nas', 3)).toMatchObject({ status: 'up', latencyMs: 1.5, message: 'Reply from nas in 1.5 ms, 2 of 3 lost', details: { packetLoss: 67 } });
    const windows = `\r\nPinging nas [10.0.0.2] with 32 bytes of data:\r\nAntwort von 10.0.0.2: Bytes=32 Zeit=3ms TTL=64\r\nAntwort von 10.0.0.2: Bytes=32 Zeit<1ms TTL=64\r\n`;
    expect(parsePingOutput(windows, 0, 'nas', 2)).toMatchObject({ status: 'up', latencyMs: 2, details: { received: 2, address: '10.0.0.2' } });
  });
});
