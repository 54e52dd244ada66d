import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import http from 'node:http';
import type net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorInfo, HostInfo, StreamId } from '../../../shared/contract';
import { createServices, type Services } from '../app';
import { createTestPlatform, type TestPlatform } from '../test-support/temp-platform';
import { requireLab, type Lab } from '../test-support/lab';
import { startPrivateSshd, type PrivateSshd } from '../test-support/private-sshd';
import { contractCalls, until } from '../test-support/wait';

// What a user sees of the streams open on a host when its SSH connection drops (the sshd of this
// test's own is killed): a followed log, a container terminal, a host shell and a pull each end
// with a "disconnected" error soon after, never silently and never as if they had simply finished.
// The pull comes from a registry of this test's own that hands out a manifest and then stalls on
// the layer, so the engine has started its reply (progress) when the connection goes.

const P = `hp-dropstreams-${process.pid}`;
const ENDS_WITHIN_MS = 10_000;

let lab: Lab;
let tp: TestPlatform;
let services: Services;
let sshd: PrivateSshd;
let hostId: string;
let registry: http.Server;
let registryPort: number;
const registryConns = new Set<net.Socket>();
let layerAsked = false;
const events: Array<{ event: string; payload: unknown; at: number }> = [];
const { ok } = contractCalls(() => services);
const engine1 = (...args: string[]) => execFileSync('docker', ['-H', 'unix:///var/run/docker.sock', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

/** A registry (Docker Registry HTTP API v2) with one image whose only layer never comes. */
function startStallingRegistry(): Promise<void> {
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [`sha256:${'1'.repeat(64)}`] } }));
  const digest = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: config.length, digest: digest(config) },
      layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: 10_000_000, digest: `sha256:${'2'.repeat(64)}` }],
    }),
  );
  registry = http.createServer((req, res) => {
    const url = req.url ?? '';
    if (url === '/v2/' || url === '/v2') {
      res.writeHead(200, { 'content-type': 'application/json', 'docker-distribution-api-version': 'registry/2.0' });
      return void res.end('{}');
    }
    if (/\/manifests\//.test(url)) {
      res.writeHead(200, { 'content-type': 'application/vnd.docker.distribution.manifest.v2+json', 'docker-content-digest': digest(manifest), 'content-length': manifest.length });
      return void res.end(req.method === 'HEAD' ? undefined : manifest);
    }
    if (url.endsWith(`/blobs/${digest(config)}`)) {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': config.length });
      return void res.end(config);
    }
    if (/\/blobs\//.test(url)) {
      layerAsked = true; // and nothing more: the layer never comes
      return;
    }
    res.writeHead(404);
    res.end();
  });
  registry.on('connection', (s: net.Socket) => {
    registryConns.add(s);
    s.on('close', () => registryConns.delete(s));
  });
  return new Promise((r) =>
    registry.listen(0, '127.0.0.1', () => {
      registryPort = (registry.address() as net.AddressInfo).port;
      r();
    }),
  );
}

interface Opened {
  id: StreamId;
  ended(): { error: ErrorInfo | null; at: number } | undefined;
  dataCount(): number;
}

async function open(input: Record<string, unknown>): Promise<Opened> {
  const { streamId: id } = await ok<{ streamId: StreamId }>('streams.open', input);
  const mine = () => events.filter((e) => (e.payload as { streamId?: string }).streamId === id);
  return {
    id,
    ended: () => {
      const e = mine().find((x) => x.event === 'stream.end');
      return e ? { error: (e.payload as { error: ErrorInfo | null }).error, at: e.at } : undefined;
    },
    dataCount: () => mine().filter((x) => x.event === 'stream.data').length,
  };
}

beforeAll(async () => {
  lab = await requireLab();
  sshd = await startPrivateSshd(lab);
  await startStallingRegistry();
  engine1('run', '-d', '--network', 'none', '--name', P, `${lab.image}:latest`, 'sh', '-c', 'while :; do echo tick; sleep 1; done');
  tp = createTestPlatform({ agentSocket: lab.agentSock });
  services = await createServices(tp.platform);
  services.events.subscribe((event, payload) => events.push({ event, payload, at: Date.now() }));
  const host = await ok<HostInfo>('hosts.add', { name: 'drop', kind: 'ssh', address: `root@127.0.0.1:${sshd.port}`, socketPath: '/var/run/docker.sock', useAgent: true, keyId: null, identityFile: null });
  hostId = host.id;
  const state = async () => (await ok<HostInfo[]>('hosts.list')).find((h) => h.id === hostId)?.state.status;
  await until('needs-hostkey', async () => (await state()) === 'needs-hostkey');
  await ok('hosts.acceptHostKey', { hostname: '127.0.0.1', port: sshd.port, fingerprint: sshd.hostKeys[0]!.fingerprint });
  await until('connected', async () => (await state()) === 'connected');
}, 120_000);

afterAll(async () => {
  await services?.dispose();
  tp?.cleanup();
  await sshd?.stop();
  for (const s of registryConns) s.destroy();
  if (registry) await new Promise((r) => registry.close(r));
  if (lab) {
    execFileSync('docker', ['rm', '-f', P], { stdio: 'ignore' });
    execFileSync('docker', ['rmi', '-f', `127.0.0.1:${registryPort}/${P}:stall`], { stdio: 'ignore' });
  }
});

describe('streams open on a host whose SSH connection drops', () => {
  it('each ends with a disconnected error within seconds', async () => {
    const logs = await open({ kind: 'container.logs', hostId, containerId: P, tail: 0, since: null, timestamps: false, follow: true });
    const term = await open({ kind: 'container.exec', hostId, containerId: P, cols: 80, rows: 24 });
    const shell = await open({ kind: 'host.shell', hostId, cols: 80, rows: 24 });
    const pull = await open({ kind: 'image.pull', hostId, ref: `127.0.0.1:${registryPort}/${P}:stall` });
    await until('log lines arriving', () => logs.dataCount() >= 2, 30_000);
    await until('the engine asking the registry for the layer', () => layerAsked, 30_000);
    await until('pull progress arriving', () => pull.dataCount() >= 1, 30_000);
    const streams = { logs, term, shell, pull };
    expect(Object.entries(streams).filter(([, s]) => s.ended())).toEqual([]);

    const killedAt = Date.now();
    await sshd.kill();
    await until('every stream ended', () => Object.values(streams).every((s) => s.ended()), ENDS_WITHIN_MS + 5_000).catch(() => {});
    const outcome = Object.fromEntries(
      Object.entries(streams).map(([k, s]) => {
        const end = s.ended();
        return [k, end ? { code: end.error?.code ?? 'ended without an error', inTime: end.at - killedAt <= ENDS_WITHIN_MS } : 'still open'];
      }),
    );
    const want = { code: 'DISCONNECTED', inTime: true };
    expect(outcome).toEqual({ logs: want, term: want, shell: want, pull: want });
    for (const s of Object.values(streams)) expect(s.ended()!.error!.fix).toBeTruthy();
  }, 120_000);
});
