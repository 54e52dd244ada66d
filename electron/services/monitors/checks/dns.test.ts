import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import dns from 'node:dns';
import http from 'node:http';
import type { AddressInfo, LookupFunction } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDns } from './dns';
import { createCheckEnv, type CheckEnv } from './env';
import { checkHttp } from './http';
import { checkTcp } from './tcp';
import type { DnsMonitor, HttpMonitor, TcpMonitor } from './types';
import { validateMonitorConfig } from './validate';

/** A real dnsmasq on 127.0.0.1 and a random high port, answering only from its command line. */

let dnsmasq: ChildProcess;
let port: number;
let resolver: string;
let env: CheckEnv;
let web: http.Server;
let webPort: number;

function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket('udp4');
    s.on('error', reject);
    s.bind(0, '127.0.0.1', () => {
      const p = (s.address() as AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

async function startDnsmasq(): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    port = await freeUdpPort();
    const child = spawn(
      '/usr/sbin/dnsmasq',
      [
        '--no-daemon',
        `--port=${port}`,
        '--listen-address=127.0.0.1',
        '--bind-interfaces',
        '--no-resolv',
        '--no-hosts',
        '--conf-file=/dev/null',
        '--pid-file=',
        '--user=root',
        // everything under .test is answered here or is NXDOMAIN — nothing is forwarded anywhere
        '--local=/test/',
        '--address=/lab.test/127.0.0.7',
        '--txt-record=lab.test,hello',
        // no shell: dnsmasq gets the text as is, so no quotes (a comma separates the record's strings)
        '--txt-record=multi.lab.test,part one ,part two',
        '--mx-host=lab.test,mail.lab.test,10',
        '--srv-host=_sip._tcp.lab.test,sip.lab.test,5060,10,5',
        '--host-record=host.example.test,127.0.0.8,fd00::8',
        '--host-record=web.example.test,127.0.0.1',
        '--cname=alias.example.test,host.example.test',
        '--caa-record=example.test,0,issue,letsencrypt.org',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const ready = await waitForAnswer(child);
    if (ready) {
      dnsmasq = child;
      resolver = `127.0.0.1:${port}`;
      return;
    }
    child.kill('SIGKILL');
    if (attempt === 4) throw new Error(`dnsmasq did not start: ${err}`);
  }
}

async function waitForAnswer(child: ChildProcess): Promise<boolean> {
  const r = new dns.promises.Resolver({ timeout: 200, tries: 1 });
  r.setServers([`127.0.0.1:${port}`]);
  for (let i = 0; i < 50; i++) {
    if (child.exitCode !== null) return false;
    try {
      await r.resolve4('lab.test');
      return true;
    } catch {
      await new Promise((res) => setTimeout(res, 50));
    }
  }
  return false;
}

const ctx = () => ({ signal: new AbortController().signal, env });
const q = (over: Partial<DnsMonitor>) =>
  validateMonitorConfig({ type: 'dns', id: 'd', name: 'd', hostname: 'lab.test', recordType: 'A', resolver, intervalSec: 20, timeoutSec: 3, ...over }) as DnsMonitor;

beforeAll(async () => {
  await startDnsmasq();
  // A lookup that asks our dnsmasq, so HTTP/TCP checks can resolve names without touching any real DNS.
  const r = new dns.promises.Resolver({ timeout: 500, tries: 1 });
  r.setServers([resolver]);
  const lookup = ((host: string, opts: dns.LookupOptions, cb: (e: NodeJS.ErrnoException | null, a: string | dns.LookupAddress[], f?: number) => void) => {
    r.resolve4(host).then(
      (a) => (opts.all ? cb(null, a.map((address) => ({ address, family: 4 }))) : cb(null, a[0]!, 4)),
      (e: NodeJS.ErrnoException) => cb(e, opts.all ? [] : ''),
    );
  }) as unknown as LookupFunction;
  env = createCheckEnv({ lookup });
  web = http.createServer((_req, res) => res.end('hi'));
  await new Promise<void>((res) => web.listen(0, '127.0.0.1', res));
  webPort = (web.address() as AddressInfo).port;
});

afterAll(async () => {
  env?.close();
  dnsmasq?.kill('SIGTERM');
  if (web) {
    web.closeAllConnections();
    await new Promise((r) => web.close(r));
  }
});

describe('checkDns against dnsmasq', () => {
  it('answers an A record, with and without an expected value', async () => {
    const r = await checkDns(q({}), ctx());
    expect(r).toMatchObject({ status: 'up', message: 'A lab.test: 127.0.0.7', details: { answers: 1, values: '127.0.0.7' } });
    expect(r.latencyMs).toBeGreaterThan(0);
    expect(await checkDns(q({ expected: '127.0.0.7' }), ctx())).toMatchObject({ status: 'up' });
    expect(await checkDns(q({ hostname: 'sub.lab.test' }), ctx())).toMatchObject({ status: 'up', message: 'A sub.lab.test: 127.0.0.7' });
  });

  it('is down when the answer differs from the expected value', async () => {
    expect(await checkDns(q({ expected: '127.0.0.8' }), ctx())).toMatchObject({ status: 'down', message: 'A lab.test is 127.0.0.7 (expected 127.0.0.8)' });
  });

  it('reads TXT records (chunks joined, case kept)', async () => {
    expect(await checkDns(q({ recordType: 'TXT', expected: 'hello' }), ctx())).toMatchObject({ status: 'up', message: 'TXT lab.test: hello' });
    expect(await checkDns(q({ recordType: 'TXT', expected: 'HELLO' }), ctx())).toMatchObject({ status: 'down' });
    expect(await checkDns(q({ hostname: 'multi.lab.test', recordType: 'TXT', expected: 'part one part two' }), ctx())).toMatchObject({ status: 'up' });
  });

  it('says NXDOMAIN clearly for a name that does not exist', async () => {
    expect(await checkDns(q({ hostname: 'nope.test' }), ctx())).toEqual({ status: 'down', latencyMs: null, message: `DNS name nope.test does not exist (NXDOMAIN from ${resolver})` });
  });

  it('says when the name exists but has no record of the type', async () => {
    expect(await checkDns(q({ hostname: 'web.example.test', recordType: 'AAAA' }), ctx())).toMatchObject({ status: 'down', message: `No AAAA record for web.example.test from ${resolver}` });
  });

  it('normalises names, addresses and structured records before comparing', async () => {
    expect(await checkDns(q({ hostname: 'host.example.test', recordType: 'AAAA', expected: 'FD00:0:0:0:0:0:0:8' }), ctx())).toMatchObject({ status: 'up', message: 'AAAA host.example.test: fd00::8' });
    expect(await checkDns(q({ hostname: 'alias.example.test', recordType: 'CNAME', expected: 'HOST.example.test.' }), ctx())).toMatchObject({ status: 'up' });
    expect(await checkDns(q({ recordType: 'MX', expected: 'mail.lab.test' }), ctx())).toMatchObject({ status: 'up', message: 'MX lab.test: 10 mail.lab.test' });
    expect(await checkDns(q({ recordType: 'MX', expected: '20 mail.lab.test' }), ctx())).toMatchObject({ status: 'down' });
    expect(await checkDns(q({ hostname: '_sip._tcp.lab.test', recordType: 'SRV', expected: 'sip.lab.test:5060' }), ctx())).toMatchObject({ status: 'up', message: 'SRV _sip._tcp.lab.test: 10 5 5060 sip.lab.test' });
    expect(await checkDns(q({ hostname: '127.0.0.8', recordType: 'PTR', expected: 'host.example.test' }), ctx())).toMatchObject({ status: 'up' });
    expect(await checkDns(q({ hostname: 'example.test', recordType: 'CAA', expected: 'letsencrypt.org' }), ctx())).toMatchObject({ status: 'up', message: 'CAA example.test: 0 issue "letsencrypt.org"' });
  });

  it('says so when the resolver stays silent, within the timeout', async () => {
    const silent = dgram.createSocket('udp4');
    await new Promise<void>((r) => silent.bind(0, '127.0.0.1', r));
    const at = `127.0.0.1:${(silent.address() as AddressInfo).port}`;
    try {
      const t0 = Date.now();
      const r = await checkDns(q({ resolver: at, timeoutSec: 1 }), ctx());
      expect(r).toEqual({ status: 'down', latencyMs: null, message: `DNS server ${at} did not answer (ETIMEOUT)` });
      expect(Date.now() - t0).toBeLessThan(1500);
    } finally {
      silent.close();
    }
  });

  it('says so when nothing listens at the resolver', async () => {
    const t0 = Date.now();
    const r = await checkDns(q({ resolver: '127.0.0.1:9', timeoutSec: 1 }), ctx());
    expect(r.status).toBe('down');
    expect(r.message).toMatch(/^(DNS server 127\.0\.0\.1:9 (refused the connection \(ECONNREFUSED\)|did not answer \(ETIMEOUT\))|Timed out after 1 s)$/);
    expect(Date.now() - t0).toBeLessThan(1500);
  });
});

describe('HTTP and TCP checks resolving names through dnsmasq', () => {
  it('reach a name that resolves to 127.0.0.1', async () => {
    const h = validateMonitorConfig({ type: 'http', id: 'h', name: 'h', url: `http://web.example.test:${webPort}/`, intervalSec: 20, timeoutSec: 3 }) as HttpMonitor;
    expect(await checkHttp(h, ctx())).toMatchObject({ status: 'up', message: '200 OK' });
  });

  it('say which lookup failed', async () => {
    const h = validateMonitorConfig({ type: 'http', id: 'h', name: 'h', url: `http://nas.test:${webPort}/`, intervalSec: 20, timeoutSec: 3 }) as HttpMonitor;
    expect(await checkHttp(h, ctx())).toEqual({ status: 'down', latencyMs: null, message: 'DNS lookup of nas.test failed (ENOTFOUND)' });
    const t = validateMonitorConfig({ type: 'tcp', id: 't', name: 't', host: 'nas.test', port: webPort, intervalSec: 20, timeoutSec: 3 }) as TcpMonitor;
    expect(await checkTcp(t, ctx())).toEqual({ status: 'down', latencyMs: null, message: 'DNS lookup of nas.test failed (ENOTFOUND)' });
  });
});
