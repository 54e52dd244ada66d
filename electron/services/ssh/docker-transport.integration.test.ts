import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { join } from 'node:path';
import type { Client } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HomeportError } from '../../../shared/contract';
import { openDockerTransport, openLocalDockerTransport, type DockerTransport } from './docker-transport';
import { KnownHosts } from './known-hosts';
import { connectSsh, type SshTarget } from './ssh-connect';
import { MemoryStore } from '../test-support/memory-store';
import { requireLab, type Lab } from '../test-support/lab';

let lab: Lab;
let root: Client; // root@2222 through the agent, shared by most tests
let dir: string;
let garbageSock: string;
let httpSock: string;
const servers: Array<net.Server | http.Server> = [];
const clients: Client[] = [];
const garbageConns = new Set<net.Socket>();

async function connect(over: Partial<SshTarget>): Promise<Client> {
  const kh = new KnownHosts({ store: new MemoryStore(), userKnownHostsFile: null });
  const blob = Buffer.from(lab.ssh.hostPublicKey.split(' ')[1]!, 'base64');
  const port = over.port ?? lab.ssh.port;
  kh.accept(lab.ssh.host, port, blob);
  const c = await connectSsh(
    { hostname: lab.ssh.host, port, user: 'root', agentSocket: lab.agentSock, keys: [], password: null, ...over },
    { verifyHostKey: (b) => kh.check(lab.ssh.host, port, b) },
  );
  clients.push(c);
  return c;
}

async function failure(p: Promise<DockerTransport>): Promise<HomeportError> {
  const e = await p.then(
    (t) => {
      t.close();
      throw new Error(`opened a ${t.transport} transport, but a failure was expected`);
    },
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(HomeportError);
  expect((e as HomeportError).fix).toBeTruthy();
  return e as HomeportError;
}

beforeAll(async () => {
  lab = await requireLab();
  root = await connect({});
  // sshd (root) must be able to reach these sockets, so they live in /tmp, world-accessible.
  dir = mkdtempSync('/tmp/hp-dt-');
  chmodSync(dir, 0o755);
  garbageSock = join(dir, 'garbage.sock');
  httpSock = join(dir, 'http.sock');
  const garbage = net.createServer((s) => {
    garbageConns.add(s);
    s.on('close', () => garbageConns.delete(s));
    s.on('error', () => {});
    s.end('SSH-2.0-certainly not docker\r\n\r\n');
  });
  const web = http.createServer((_req, res) => {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('404 page not found');
  });
  await new Promise<void>((r) => garbage.listen(garbageSock, r));
  await new Promise<void>((r) => web.listen(httpSock, r));
  servers.push(garbage, web);
});

afterAll(async () => {
  for (const c of clients) c.end();
  for (const s of garbageConns) s.destroy();
  for (const s of servers) {
    if (s instanceof http.Server) s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('openDockerTransport over SSH', () => {
  it('streamlocal: lists the lab containers', async () => {
    const t = await openDockerTransport(root, lab.engine1.socket, { hostLabel: 'root@127.0.0.1:2222' });
    try {
      expect(t.transport).toBe('streamlocal');
      const list = await t.docker.listContainers({ all: true });
      expect(list.map((c) => c.Names[0])).toContain(`/${lab.compose.project}_web_1`);
      const version = await t.docker.version();
      expect(version.ApiVersion).toMatch(/^1\.\d+$/);
    } finally {
      t.close();
    }
  });

  it('50 concurrent listContainers on one connection', async () => {
    const t = await openDockerTransport(root, lab.engine1.socket);
    try {
      const t0 = Date.now();
      const all = await Promise.all(Array.from({ length: 50 }, () => t.docker.listContainers()));
      expect(all).toHaveLength(50);
      for (const l of all) expect(l.length).toBeGreaterThan(0);
      expect(Date.now() - t0).toBeLessThan(10_000);
    } finally {
      t.close();
    }
  });

  it('an open getEvents stream does not block other calls, and delivers events', async () => {
    const t = await openDockerTransport(root, lab.engine1.socket);
    const label = `hp-transport-${Date.now()}`;
    const events = (await t.docker.getEvents({ filters: { label: [`homeport.test=${label}`] } })) as NodeJS.ReadableStream & {
      destroy(): void;
    };
    const seen: string[] = [];
    let buf = '';
    events.on('data', (d: Buffer) => {
      buf += d.toString();
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (line.trim()) seen.push((JSON.parse(line) as { Action: string }).Action);
      }
    });
    try {
      // a few more long-lived streams, as the app would hold (events, logs…)
      const more = await Promise.all(
        [1, 2, 3, 4].map(() => t.docker.getEvents() as Promise<NodeJS.ReadableStream & { destroy(): void }>),
      );
      const t0 = Date.now();
      await t.docker.listContainers();
      await t.docker.info();
      expect(Date.now() - t0).toBeLessThan(3000);
      const c = await t.docker.createContainer({ Image: `${lab.image}:latest`, Cmd: ['true'], Labels: { 'homeport.test': label } });
      await c.remove();
      for (let i = 0; i < 100 && !seen.includes('destroy'); i++) await new Promise((r) => setTimeout(r, 30));
      expect(seen).toContain('create');
      expect(seen).toContain('destroy');
      for (const m of more) m.destroy();
    } finally {
      events.destroy();
      t.close();
    }
  });

  it('sshd without streamlocal forwarding: falls back to dial-stdio', async () => {
    const c = await connect({ port: lab.ssh.noForwardPort });
    const t = await openDockerTransport(c, lab.engine1.socket);
    try {
      expect(t.transport).toBe('dial-stdio');
      const list = await t.docker.listContainers();
      expect(list.map((x) => x.Names[0])).toContain(`/${lab.compose.project}_web_1`);
      // more requests than the channel pool: they queue instead of hitting MaxSessions
      const all = await Promise.all(Array.from({ length: 20 }, () => t.docker.listContainers()));
      expect(all).toHaveLength(20);
    } finally {
      t.close();
    }
  });

  it('preferDialStdio uses dial-stdio even where streamlocal works; engine2 is reachable too', async () => {
    const t = await openDockerTransport(root, lab.engine2.socket, { preferDialStdio: true });
    try {
      expect(t.transport).toBe('dial-stdio');
      const names = (await t.docker.listContainers()).map((x) => x.Names[0]);
      expect(names).toContain('/lab2-sleeper');
    } finally {
      t.close();
    }
  });

  it('missing socket path → SOCKET_MISSING', async () => {
    const e = await failure(openDockerTransport(root, '/var/run/homeport-nope/docker.sock', { hostLabel: 'lab' }));
    expect(e.code).toBe('SOCKET_MISSING');
    expect(e.message).toBe('No Docker socket at /var/run/homeport-nope/docker.sock on lab.');
    expect(e.fix).toContain('ls -l /var/run/homeport-nope/docker.sock');
  });

  it('a path that is not a socket → SOCKET_MISSING saying so', async () => {
    const file = join(dir, 'plain-file');
    writeFileSync(file, 'x');
    const e = await failure(openDockerTransport(root, file));
    expect(e.code).toBe('SOCKET_MISSING');
    expect(e.message).toContain('is not a socket');
    // without hostLabel, messages name the connection's own user@host:port
    expect(e.message).toContain(`on root@127.0.0.1:${lab.ssh.port}`);
  });

  it('a user outside the docker group → SOCKET_PERMISSION', async () => {
    const { user, password } = lab.users.noDocker;
    const c = await connect({ user, password, agentSocket: null });
    const e = await failure(openDockerTransport(c, lab.engine1.socket, { hostLabel: 'lab' }));
    expect(e.code).toBe('SOCKET_PERMISSION');
    expect(e.message).toContain(user);
    expect(e.fix).toContain(`sudo usermod -aG docker ${user}`);
  });

  it('a user in the docker group works (password login)', async () => {
    const { user, password } = lab.users.password;
    const c = await connect({ user, password, agentSocket: null });
    const t = await openDockerTransport(c, lab.engine1.socket);
    expect(t.transport).toBe('streamlocal');
    expect((await t.docker.listContainers()).length).toBeGreaterThan(0);
    t.close();
  });

  it('forwarding disabled and no docker CLI → FORWARDING_DISABLED', async () => {
    const c = await connect({ port: lab.ssh.noForwardPort });
    const e = await failure(openDockerTransport(c, lab.engine1.socket, { dockerCli: '/nonexistent/docker' }));
    expect(e.code).toBe('FORWARDING_DISABLED');
    expect(e.fix).toContain('AllowStreamLocalForwarding yes');
  });

  it('a socket that is not Docker → NOT_DOCKER (garbage or another HTTP server)', async () => {
    const e1 = await failure(openDockerTransport(root, garbageSock));
    expect(e1.code).toBe('NOT_DOCKER');
    expect(e1.message).toContain(garbageSock);
    const e2 = await failure(openDockerTransport(root, httpSock));
    expect(e2.code).toBe('NOT_DOCKER');
    expect(e2.message).toContain('HTTP 404');
    // through dial-stdio too
    const e3 = await failure(openDockerTransport(root, httpSock, { preferDialStdio: true }));
    expect(e3.code).toBe('NOT_DOCKER');
  });

  it('refuses socket paths that could reach a shell, before opening anything', async () => {
    for (const bad of ["/tmp/x'; touch /tmp/pwned; '", 'relative/docker.sock', '/tmp/a b.sock', '/tmp/$(id).sock']) {
      const e = await failure(openDockerTransport(root, bad, { preferDialStdio: true }));
      expect(e.code).toBe('VALIDATION');
    }
    const e = await failure(openDockerTransport(root, lab.engine1.socket, { dockerCli: 'docker; id' }));
    expect(e.code).toBe('VALIDATION');
  });

  it('a closed SSH connection → DISCONNECTED', async () => {
    const c = await connect({});
    c.end();
    await new Promise<void>((r) => c.once('close', () => r()));
    const e = await failure(openDockerTransport(c, lab.engine1.socket));
    expect(e.code).toBe('DISCONNECTED');
  });
});

describe('openLocalDockerTransport', () => {
  it('talks to the local engines', async () => {
    for (const sock of [lab.engine1.socket, lab.engine2.socket]) {
      const t = await openLocalDockerTransport(sock);
      try {
        expect(t.transport).toBe('local');
        expect((await t.docker.listContainers()).length).toBeGreaterThan(0);
        const all = await Promise.all(Array.from({ length: 20 }, () => t.docker.listContainers()));
        expect(all).toHaveLength(20);
      } finally {
        t.close();
      }
    }
  });

  it('diagnoses a missing path, a non-socket, and a socket that is not Docker', async () => {
    expect((await failure(openLocalDockerTransport(join(dir, 'missing.sock')))).code).toBe('SOCKET_MISSING');
    const file = join(dir, 'plain-file-2');
    writeFileSync(file, 'x');
    const notSock = await failure(openLocalDockerTransport(file));
    expect(notSock.code).toBe('SOCKET_MISSING');
    expect(notSock.message).toContain('not a socket');
    expect((await failure(openLocalDockerTransport(garbageSock))).code).toBe('NOT_DOCKER');
    expect((await failure(openLocalDockerTransport(httpSock))).code).toBe('NOT_DOCKER');
  });

  it('a stale socket (nobody listening) → SOCKET_MISSING', async () => {
    const stale = join(dir, 'stale.sock');
    // Python does not unlink a bound unix socket at exit: that leaves a socket file nobody listens on.
    execFileSync('python3', ['-c', 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])', stale]);
    const e = await failure(openLocalDockerTransport(stale));
    expect(e.code).toBe('SOCKET_MISSING');
    expect(e.message).toContain('no engine listens');
  });
});
