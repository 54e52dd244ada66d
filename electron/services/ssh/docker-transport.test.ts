import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Duplex, PassThrough } from 'node:stream';
import { EventEmitter } from 'node:events';
import type { Client } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HomeportError } from '../../../shared/contract';
import { dialStdioCommand, openDockerTransport, validateSocketPath } from './docker-transport';

/**
 * Unit tests with a fake ssh2 Client: "channels" are plain unix-socket connections to servers in
 * this process, so the agent, probe and diagnosis logic run without sshd. The real thing is in
 * docker-transport.integration.test.ts.
 */

let dir: string;
let dockerSock: string;
let garbageSock: string;
const servers: net.Server[] = [];
const conns = new Set<net.Socket>();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hp-dtu-'));
  dockerSock = join(dir, 'docker.sock');
  garbageSock = join(dir, 'garbage.sock');
  const fakeDocker = http.createServer((req, res) => {
    if (req.url === '/_ping') {
      res.writeHead(200, { 'content-type': 'text/plain', 'api-version': '1.41' });
      res.end('OK');
    } else if (req.url?.startsWith('/containers/json')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify([{ Id: 'abc', Names: ['/fake'] }]));
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  const garbage = net.createServer((s) => {
    conns.add(s);
    s.on('close', () => conns.delete(s));
    s.end('garbage\r\n\r\n');
  });
  await new Promise<void>((r) => fakeDocker.listen(dockerSock, r));
  await new Promise<void>((r) => garbage.listen(garbageSock, r));
  servers.push(fakeDocker, garbage);
});
afterAll(async () => {
  for (const c of conns) c.destroy();
  for (const s of servers) {
    if (s instanceof http.Server) s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
  rmSync(dir, { recursive: true, force: true });
});

interface FakeOpts {
  /** Refuse streamlocal channels like sshd with AllowStreamLocalForwarding no. */
  refuseStreamLocal?: boolean;
  /** Exit status of `docker … dial-stdio` when it is not connected through. */
  dialStdio?: 'connect' | { code: number; stderr: string };
  stat?: { mode: number; uid: number; gid: number } | 'missing';
  id?: string;
}

/** An exec channel whose process prints, exits and closes, as ssh2 reports it: `exit`, EOF, `close`. */
function fakeExecChannel(stdout: string, stderr: string, code: number): Duplex & { stderr: PassThrough } {
  const ch = new Duplex({
    read() {},
    write(_c, _e, cb) {
      cb(); // the process does not read its stdin
    },
  }) as Duplex & { stderr: PassThrough };
  ch.stderr = new PassThrough();
  setImmediate(() => {
    ch.stderr.end(stderr);
    ch.emit('exit', code);
    if (stdout) ch.push(stdout);
    ch.push(null);
    ch.end();
  });
  return ch;
}

/** The POSIX text inside a `portableCommand` (what /bin/sh on the host would run). */
function posixOf(command: string): string {
  const m = /^exec \/bin\/sh -c '[^']*' sh '([^']*)'$/.exec(command);
  if (!m) throw new Error(`not a portable command: ${command}`);
  return Buffer.from(m[1]!.replace(/\\0([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))), 'latin1').toString('utf8');
}

function fakeClient(o: FakeOpts): Client & { commands: string[] } {
  const commands: string[] = [];
  const c = Object.assign(new EventEmitter(), {
    commands,
    config: { host: 'fake', port: 22, username: 'ann' },
    openssh_forwardOutStreamLocal(path: string, cb: (err: Error | undefined, ch?: Duplex) => void) {
      if (o.refuseStreamLocal) {
        setImmediate(() => cb(Object.assign(new Error('(SSH) Channel open failure: open failed'), { reason: 2 })));
        return;
      }
      const s = net.connect(path);
      s.once('connect', () => cb(undefined, s));
      s.once('error', () => cb(Object.assign(new Error('(SSH) Channel open failure: open failed'), { reason: 2 })));
    },
    exec(sent: string, cb: (err: Error | undefined, ch: Duplex) => void) {
      const cmd = posixOf(sent);
      commands.push(cmd);
      if (cmd.includes('dial-stdio')) {
        if (o.dialStdio === 'connect') {
          const m = /unix:\/\/([^']+)'/.exec(cmd)!;
          const s = net.connect(m[1]!);
          (s as unknown as { stderr: PassThrough }).stderr = new PassThrough();
          s.once('connect', () => cb(undefined, s));
        } else {
          const d = o.dialStdio ?? { code: 127, stderr: 'bash: docker: command not found' };
          setImmediate(() => cb(undefined, fakeExecChannel('', d.stderr, d.code)));
        }
      } else if (cmd.startsWith('id ')) {
        setImmediate(() => cb(undefined, fakeExecChannel(o.id ?? 'ann\n1000\n1000 27\ndocker\n', '', 0)));
      } else {
        setImmediate(() => cb(undefined, fakeExecChannel('', 'unexpected', 1)));
      }
    },
    sftp(cb: (err: Error | undefined, sftp: unknown) => void) {
      setImmediate(() =>
        cb(undefined, {
          stat(_p: string, scb: (err: Error | undefined, st?: unknown) => void) {
            if (o.stat === 'missing' || o.stat === undefined) scb(Object.assign(new Error('No such file'), { code: 2 }));
            else scb(undefined, o.stat);
          },
          end() {},
        }),
      );
    },
  });
  return c as unknown as Client & { commands: string[] };
}

async function code(p: Promise<unknown>): Promise<HomeportError> {
  const e = await p.then(
    () => {
      throw new Error('expected a failure');
    },
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(HomeportError);
  return e as HomeportError;
}

describe('socket paths and the dial-stdio command', () => {
  it('validates and single-quotes', () => {
    expect(dialStdioCommand('/var/run/docker.sock')).toBe("'docker' -H 'unix:///var/run/docker.sock' system dial-stdio");
    expect(dialStdioCommand('/run/user/1000/docker.sock', '/usr/local/bin/docker')).toBe(
      "'/usr/local/bin/docker' -H 'unix:///run/user/1000/docker.sock' system dial-stdio",
    );
    for (const bad of ['', 'docker.sock', "/x'y", '/a b', '/x;id', '/$(id)', '/x\ny', '/`id`']) {
      expect(() => validateSocketPath(bad)).toThrow(HomeportError);
    }
    expect(() => dialStdioCommand('/ok.sock', 'docker; id')).toThrow(/not a usable docker command/);
  });
});

describe('openDockerTransport (fake SSH client)', () => {
  it('streamlocal: probes /_ping, then dockerode works through the agent', async () => {
    const t = await openDockerTransport(fakeClient({}), dockerSock);
    expect(t.transport).toBe('streamlocal');
    expect(await t.docker.listContainers()).toEqual([{ Id: 'abc', Names: ['/fake'] }]);
    t.close();
  });

  it('falls back to dial-stdio when streamlocal is refused', async () => {
    const c = fakeClient({ refuseStreamLocal: true, dialStdio: 'connect' });
    const t = await openDockerTransport(c, dockerSock);
    expect(t.transport).toBe('dial-stdio');
    expect(await t.docker.listContainers()).toHaveLength(1);
    expect(c.commands[0]).toBe(`exec 'docker' -H 'unix://${dockerSock}' system dial-stdio`);
    t.close();
  });

  it('NOT_DOCKER when the socket answers garbage', async () => {
    const e = await code(openDockerTransport(fakeClient({}), garbageSock));
    expect(e.code).toBe('NOT_DOCKER');
    expect(e.message).toContain('on ann@fake:22');
  });

  it('SOCKET_MISSING when stat says so', async () => {
    const e = await code(
      openDockerTransport(fakeClient({ refuseStreamLocal: true, dialStdio: { code: 1, stderr: 'dial unix /x: connect: no such file or directory' }, stat: 'missing' }), '/x.sock'),
    );
    expect(e.code).toBe('SOCKET_MISSING');
  });

  it('SOCKET_PERMISSION from mode/uid/gid against id -u / id -G', async () => {
    const e = await code(
      openDockerTransport(
        fakeClient({
          refuseStreamLocal: true,
          dialStdio: { code: 1, stderr: 'permission denied' },
          stat: { mode: 0o140660, uid: 0, gid: 999 },
          id: 'ann\n1000\n1000 27\ndocker\n',
        }),
        '/var/run/docker.sock',
      ),
    );
    expect(e.code).toBe('SOCKET_PERMISSION');
    expect(e.fix).toContain('sudo usermod -aG docker ann');
    expect(e.message).toContain('srw-rw----');
  });

  it('group membership grants access; then no docker CLI → FORWARDING_DISABLED', async () => {
    const c = fakeClient({ refuseStreamLocal: true, stat: { mode: 0o140660, uid: 0, gid: 27 }, id: 'ann\n1000\n1000 27\ndocker\n' });
    const e = await code(openDockerTransport(c, '/var/run/docker.sock'));
    expect(e.code).toBe('FORWARDING_DISABLED');
    expect(e.message).toContain('no docker CLI');
    // the id command is fixed text plus a number from stat: no user text
    expect(c.commands.find((x) => x.startsWith('id '))).toBe('id -un; id -u; id -G; getent group 27 | cut -d: -f1');
  });

  it('a stale socket (connection refused from dial-stdio) → SOCKET_MISSING', async () => {
    const e = await code(
      openDockerTransport(
        fakeClient({ refuseStreamLocal: true, dialStdio: { code: 1, stderr: 'dial unix /x.sock: connect: connection refused' }, stat: { mode: 0o140660, uid: 1000, gid: 1000 } }),
        '/x.sock',
      ),
    );
    expect(e.code).toBe('SOCKET_MISSING');
    expect(e.message).toContain('no engine listens');
  });
});
