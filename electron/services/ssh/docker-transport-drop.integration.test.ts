import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import type Dockerode from 'dockerode';
import { afterEach, describe, expect, it } from 'vitest';
import { HomeportError } from '../../../shared/contract';
import { openDockerTransport, openLocalDockerTransport, type DockerTransport } from './docker-transport';
import { KnownHosts } from './known-hosts';
import { connectSsh } from './ssh-connect';
import { MemoryStore } from '../test-support/memory-store';
import { requireLab, type Lab } from '../test-support/lab';
import { startPrivateSshd } from '../test-support/private-sshd';
import { until } from '../test-support/wait';

// Engine calls in flight when the host's SSH connection goes: each must end with an error soon
// after the connection is declared dead, never wait for ever. The engine is the lab's, reached
// through an sshd of this test's own, which is killed (a crash: the TCP connection drops) or
// frozen (a hung host: only the keepalive notices). `wait` is the call that hung: the engine
// sends its reply's headers at once and the body only when the container exits, and a reply cut
// off after its headers was never reported by docker-modem.

const P = `hp-drop-${process.pid}`;
/** After the connection is declared dead, every call must have ended within this. */
const ENDS_WITHIN_MS = 5_000;

let lab: Lab;
const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Outcome {
  at: number;
  error: unknown;
}

/** When a call settled, and with what error (null: it succeeded or ended cleanly). */
function settle(p: Promise<unknown>): { done: Outcome | null } {
  const r: { done: Outcome | null } = { done: null };
  p.then(
    () => (r.done = { at: Date.now(), error: null }),
    (e: unknown) => (r.done = { at: Date.now(), error: e }),
  );
  return r;
}

/** When a stream ended, and the first error it gave (null: it ended without one). */
function watchStream(s: NodeJS.ReadableStream | Duplex): { done: Outcome | null; lines: number } {
  const r: { done: Outcome | null; lines: number } = { done: null, lines: 0 };
  let error: unknown = null;
  s.on('data', (d: Buffer) => (r.lines += d.toString('latin1').split('tick').length - 1));
  s.on('error', (e: unknown) => (error ??= e));
  s.on('close', () => (r.done ??= { at: Date.now(), error }));
  return r;
}

async function setUp(opts: { keepaliveIntervalMs?: number; keepaliveCountMax?: number } = {}) {
  lab = await requireLab();
  const sshd = await startPrivateSshd(lab);
  cleanups.push(() => sshd.stop());
  const name = `${P}-${Math.random().toString(36).slice(2, 8)}`;
  execFileSync('docker', ['run', '-d', '--name', name, `${lab.image}:latest`, 'sh', '-c', 'while :; do echo tick; sleep 1; done']);
  cleanups.push(() => void execFileSync('docker', ['rm', '-f', name], { stdio: 'ignore' }));
  const kh = new KnownHosts({ store: new MemoryStore(), userKnownHostsFile: null });
  kh.accept('127.0.0.1', sshd.port, sshd.hostKeys[0]!.blob);
  const client = await connectSsh(
    { hostname: '127.0.0.1', port: sshd.port, user: 'root', agentSocket: lab.agentSock, keys: [], password: null },
    { verifyHostKey: (b) => kh.check('127.0.0.1', sshd.port, b), ...opts },
  );
  client.on('error', () => {}); // the keepalive's "timeout" when frozen: the close below is what counts
  let closedAt = 0;
  client.on('close', () => (closedAt = Date.now()));
  cleanups.push(() => void client.end());
  const t = await openDockerTransport(client, '/var/run/docker.sock');
  cleanups.push(() => t.close());
  return { sshd, client, t, name, closedAt: () => closedAt };
}

/** Everything a user may have running on a container at once: a wait, a log, stats, events, a shell. */
async function startCalls(t: DockerTransport, name: string) {
  const ct = t.docker.getContainer(name);
  const wait = settle(ct.wait());
  const logs = watchStream((await ct.logs({ follow: true, stdout: true, stderr: true, tail: 0 })) as unknown as NodeJS.ReadableStream);
  const stats = watchStream((await ct.stats({ stream: true })) as unknown as NodeJS.ReadableStream);
  const events = watchStream((await t.docker.getEvents({})) as unknown as NodeJS.ReadableStream);
  const exec: Dockerode.Exec = await ct.exec({ Cmd: ['sh', '-c', 'while :; do echo tick; sleep 1; done'], AttachStdout: true, AttachStdin: true, Tty: true });
  const shell = watchStream((await exec.start({ hijack: true, stdin: true, Tty: true })) as unknown as Duplex);
  // Ticks that left the engine after the wait was asked for: its reply's headers, sent at once,
  // are here too, so the connection drops in the middle of that reply.
  const before = logs.lines;
  await until('log and shell output flowing', () => logs.lines >= before + 2 && shell.lines >= 2, 30_000);
  expect(wait.done).toBeNull();
  return { wait, logs, stats, events, shell };
}

function expectAllEnded(calls: Awaited<ReturnType<typeof startCalls>>, deadAt: number) {
  const late = Object.entries(calls)
    .filter(([, c]) => !c.done || c.done.at - deadAt > ENDS_WITHIN_MS)
    .map(([k, c]) => `${k} ${c.done ? `ended ${c.done.at - deadAt} ms after` : 'still pending'}`);
  expect(late).toEqual([]);
  // The calls that return something (wait) and the shell, a live channel, say why they ended.
  for (const c of [calls.wait, calls.shell]) {
    expect(c.done!.error).toBeInstanceOf(HomeportError);
    expect((c.done!.error as HomeportError).code).toBe('DISCONNECTED');
    expect((c.done!.error as HomeportError).fix).toBeTruthy();
  }
  // The streams end with an error, not as if the log or events had simply ended.
  for (const c of [calls.logs, calls.stats, calls.events]) expect(c.done!.error).toBeTruthy();
}

/** No socket, channel or request left behind on the agent. */
function expectNothingPending(t: DockerTransport) {
  const count = (o: NodeJS.ReadOnlyDict<unknown[]>) => Object.values(o).reduce((n, a) => n + (a?.length ?? 0), 0);
  expect({ sockets: count(t.agent.sockets), free: count(t.agent.freeSockets), queued: count(t.agent.requests) }).toEqual({ sockets: 0, free: 0, queued: 0 });
}

async function expectPromptFailure(t: DockerTransport, name: string) {
  const started = Date.now();
  const e = await t.docker
    .getContainer(name)
    .inspect()
    .then(
      () => null,
      (x: unknown) => x,
    );
  expect(e).toBeTruthy();
  expect(Date.now() - started).toBeLessThan(ENDS_WITHIN_MS);
}

describe('engine calls when the SSH connection drops mid-reply', () => {
  it('a killed sshd ends every call in flight with an error at once', async () => {
    const { sshd, t, name, closedAt } = await setUp();
    const calls = await startCalls(t, name);
    await sshd.kill();
    await until('the SSH connection closed', () => closedAt() > 0, 30_000);
    await until('every call ended', () => Object.values(calls).every((c) => c.done), ENDS_WITHIN_MS + 5_000).catch(() => {});
    expectAllEnded(calls, closedAt());
    expectNothingPending(t);
    await expectPromptFailure(t, name);
  }, 90_000);

  it('a frozen host: every call ends once the keepalive declares the connection dead', async () => {
    const { sshd, t, name, closedAt } = await setUp({ keepaliveIntervalMs: 1000, keepaliveCountMax: 2 });
    const calls = await startCalls(t, name);
    sshd.freeze();
    cleanups.push(() => sshd.thaw());
    await until('the keepalive declared the connection dead', () => closedAt() > 0, 30_000);
    await until('every call ended', () => Object.values(calls).every((c) => c.done), ENDS_WITHIN_MS + 5_000).catch(() => {});
    expectAllEnded(calls, closedAt());
    expectNothingPending(t);
    await expectPromptFailure(t, name);
  }, 90_000);

  it('a transport closed while the connection stays up (the link declared dead) ends every call in flight', async () => {
    const { client, t, name } = await setUp();
    const calls = await startCalls(t, name);
    const closedAt = Date.now();
    t.close();
    await until('every call ended', () => Object.values(calls).every((c) => c.done), ENDS_WITHIN_MS + 5_000).catch(() => {});
    expectAllEnded(calls, closedAt);
    expectNothingPending(t);
    // The SSH connection itself is still good: a new transport over it works.
    const again = await openDockerTransport(client, '/var/run/docker.sock');
    cleanups.push(() => again.close());
    expect((await again.docker.getContainer(name).inspect()).State.Running).toBe(true);
  }, 90_000);

  it("a local engine's transport closed (the link declared dead) ends the calls in flight on its socket too", async () => {
    lab = await requireLab();
    const name = `${P}-local`;
    execFileSync('docker', ['run', '-d', '--name', name, `${lab.image}:latest`, 'sh', '-c', 'while :; do echo tick; sleep 1; done']);
    cleanups.push(() => void execFileSync('docker', ['rm', '-f', name], { stdio: 'ignore' }));
    const t = await openLocalDockerTransport(lab.engine1.socket);
    cleanups.push(() => t.close());
    const ct = t.docker.getContainer(name);
    const wait = settle(ct.wait());
    const logs = watchStream((await ct.logs({ follow: true, stdout: true, stderr: true, tail: 0 })) as unknown as NodeJS.ReadableStream);
    const before = logs.lines;
    await until('log output flowing', () => logs.lines >= before + 2, 30_000);
    const closedAt = Date.now();
    t.close();
    await until('both ended', () => wait.done && logs.done, ENDS_WITHIN_MS + 5_000).catch(() => {});
    expect(wait.done && wait.done.at - closedAt).toBeLessThan(ENDS_WITHIN_MS);
    expect((wait.done!.error as HomeportError).code).toBe('DISCONNECTED');
    expect(logs.done).toBeTruthy();
    expectNothingPending(t);
  }, 90_000);
});

/**
 * A Docker API peer on a unix socket that answers the probe, then begins a reply to `wait` and a
 * followed log (headers, a first line) and goes away in the middle of them, as an engine that
 * crashes or is killed does.
 */
async function startVanishingEngine() {
  const dir = mkdtempSync('/tmp/hp-vanish-');
  chmodSync(dir, 0o755); // sshd reaches it as root; the test's own process too
  const socket = join(dir, 'd.sock');
  const conns = new Set<net.Socket>();
  let begun = 0;
  const server = http.createServer((req, res) => {
    if (req.url === '/_ping') return void res.end('OK');
    if (/\/wait/.test(req.url ?? '')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders();
      begun++;
      return;
    }
    if (/\/logs/.test(req.url ?? '')) {
      res.writeHead(200, { 'content-type': 'application/vnd.docker.raw-stream' });
      res.write('tick\n');
      begun++;
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"message":"not here"}');
  });
  server.on('connection', (c: net.Socket) => {
    conns.add(c);
    c.on('close', () => conns.delete(c));
  });
  await new Promise<void>((r) => server.listen(socket, r));
  chmodSync(socket, 0o666);
  return {
    socket,
    begun: () => begun,
    /** Every connection dropped at once, mid-reply. */
    vanish: () => {
      for (const c of conns) c.destroy();
    },
    stop: async () => {
      for (const c of conns) c.destroy();
      await new Promise((r) => server.close(r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe('an engine that goes away in the middle of a reply', () => {
  for (const over of ['ssh', 'local'] as const) {
    it(`${over}: a wait and a followed log whose replies had begun end with an error, not never`, async () => {
      lab = await requireLab();
      const engine = await startVanishingEngine();
      cleanups.push(() => engine.stop());
      let t: DockerTransport;
      if (over === 'ssh') {
        const sshd = await startPrivateSshd(lab);
        cleanups.push(() => sshd.stop());
        const kh = new KnownHosts({ store: new MemoryStore(), userKnownHostsFile: null });
        kh.accept('127.0.0.1', sshd.port, sshd.hostKeys[0]!.blob);
        const client = await connectSsh(
          { hostname: '127.0.0.1', port: sshd.port, user: 'root', agentSocket: lab.agentSock, keys: [], password: null },
          { verifyHostKey: (b) => kh.check('127.0.0.1', sshd.port, b) },
        );
        cleanups.push(() => void client.end());
        t = await openDockerTransport(client, engine.socket);
      } else {
        t = await openLocalDockerTransport(engine.socket);
      }
      cleanups.push(() => t.close());
      const ct = t.docker.getContainer('vanishing');
      const wait = settle(ct.wait());
      const logs = watchStream((await ct.logs({ follow: true, stdout: true, stderr: true })) as unknown as NodeJS.ReadableStream);
      await until('both replies begun', () => engine.begun() === 2 && logs.lines === 1, 10_000);
      const goneAt = Date.now();
      engine.vanish();
      await until('both ended', () => wait.done && logs.done, ENDS_WITHIN_MS + 5_000).catch(() => {});
      expect({ wait: wait.done ? wait.done.at - goneAt < ENDS_WITHIN_MS : 'still pending', logs: logs.done ? logs.done.at - goneAt < ENDS_WITHIN_MS : 'still open' }).toEqual({ wait: true, logs: true });
      expect(wait.done!.error).toBeInstanceOf(HomeportError);
      expect(wait.done!.error).toMatchObject({ code: 'DISCONNECTED', message: expect.stringMatching(/Docker engine/), fix: expect.any(String) });
      expect(logs.done!.error).toBeTruthy();
      // The transport goes on: the next call reaches the engine (here: refused by the fake, at once).
      await expect(t.docker.listContainers()).rejects.toThrow(/not here/);
    }, 60_000);
  }
});
