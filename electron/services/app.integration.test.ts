import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerInfo, Envelope, HostContainersInfo, HostInfo, HostInput, KeyId, MethodName } from '../../shared/contract';
import { createServices, type Services } from './app';
import { createTestPlatform, type TestPlatform } from './test-support/temp-platform';
import { loadLab, type Lab } from './test-support/lab';
import { startPrivateSshd } from './test-support/private-sshd';
import { until } from './test-support/wait';

// The services as the UI uses them — through the dispatcher, with real validation — against the
// real lab: an sshd on 127.0.0.1, two Docker engines, the agent and the test keys.

let lab: Lab;
let tp: TestPlatform;
let services: Services;
const seen: string[] = [];

const hostInput = (over: Partial<HostInput> = {}): HostInput => ({
  name: 'lab',
  kind: 'ssh',
  address: `root@127.0.0.1:${lab.ssh.port}`,
  socketPath: '/var/run/docker.sock',
  useAgent: true,
  keyId: null,
  identityFile: null,
  ...over,
});

async function call<T>(method: MethodName, input?: unknown, clientId = 'c1', s = services): Promise<Envelope<T>> {
  const r = (await s.dispatch(method, input, { clientId })) as Envelope<T>;
  seen.push(JSON.stringify(r));
  return r;
}
async function ok<T>(method: MethodName, input?: unknown, clientId = 'c1', s = services): Promise<T> {
  const r = await call<T>(method, input, clientId, s);
  if (!r.ok) throw new Error(`${method} failed: ${r.error.code} ${r.error.message}`);
  return r.value;
}

const hostNamed = async (name: string, s = services) => (await ok<HostInfo[]>('hosts.list', undefined, 'c1', s)).find((h) => h.name === name);
const stateOf = async (name: string, s = services) => (await hostNamed(name, s))?.state;
const containersOf = async (hostId: string): Promise<ContainerInfo[]> =>
  (await ok<HostContainersInfo[]>('containers.list')).find((h) => h.hostId === hostId)?.containers ?? [];
const docker = (...args: string[]) => execFileSync('docker', ['-H', 'unix:///var/run/docker.sock', ...args], { encoding: 'utf8' }).trim();

beforeAll(async () => {
  lab = loadLab();
  tp = createTestPlatform({ agentSocket: lab.agentSock });
  services = await createServices(tp.platform);
  services.events.subscribe((event, payload, target) => seen.push(JSON.stringify({ event, payload, target })));
});

afterAll(async () => {
  await services?.dispose();
  tp?.cleanup();
});

describe('hosts over SSH', () => {
  let labId: string;

  it('stops at an unknown host key until the user accepts the fingerprint shown', async () => {
    const host = await ok<HostInfo>('hosts.add', hostInput());
    labId = host.id;
    const state = await until('needs-hostkey', async () => {
      const s = await stateOf('lab');
      return s?.status === 'needs-hostkey' && s;
    });
    expect(state).toMatchObject({ hostname: '127.0.0.1', port: lab.ssh.port, keyType: 'ssh-ed25519', fingerprint: lab.ssh.hostKeyFingerprint });

    const wrong = await call('hosts.acceptHostKey', { hostname: '127.0.0.1', port: lab.ssh.port, fingerprint: 'SHA256:' + 'A'.repeat(43) });
    expect(wrong.ok).toBe(false);

    await ok('hosts.acceptHostKey', { hostname: '127.0.0.1', port: lab.ssh.port, fingerprint: lab.ssh.hostKeyFingerprint });
    const connected = await until('connected', async () => {
      const s = await stateOf('lab');
      return s?.status === 'connected' && s;
    });
    expect(connected).toMatchObject({ transport: 'streamlocal', engine: { apiVersion: expect.any(String) } });
  });

  it('lists the containers, grouped by compose project, with published ports', async () => {
    const list = await until('labweb listed', async () => {
      const l = await containersOf(labId);
      return l.some((c) => c.name === 'labweb_web_1') && l;
    });
    const web = list.find((c) => c.name === 'labweb_web_1')!;
    expect(web).toMatchObject({ project: 'labweb', service: 'web', state: 'running', image: expect.stringContaining('busybox') });
    expect(list.find((c) => c.name === 'labweb_worker_1')).toMatchObject({ project: 'labweb', service: 'worker' });
    expect(list.find((c) => c.name === 'lab-stopped')).toMatchObject({ project: null, state: 'exited' });
    const api = list.find((c) => c.project === 'labapi');
    expect(api?.ports).toContainEqual({ ip: '127.0.0.1', privatePort: 8080, publicPort: 18082, protocol: 'tcp' });
  });

  it('stops, starts and restarts a container', async () => {
    const id = (await containersOf(labId)).find((c) => c.name === 'labweb_worker_1')!.id;
    await ok('containers.stop', { hostId: labId, containerId: id });
    expect((await containersOf(labId)).find((c) => c.id === id)?.state).toBe('exited');
    expect(docker('inspect', '-f', '{{.State.Running}}', id)).toBe('false');
    await ok('containers.start', { hostId: labId, containerId: id });
    expect((await containersOf(labId)).find((c) => c.id === id)?.state).toBe('running');
    const startedAt = docker('inspect', '-f', '{{.State.StartedAt}}', id);
    await ok('containers.restart', { hostId: labId, containerId: id });
    expect(docker('inspect', '-f', '{{.State.StartedAt}}', id)).not.toBe(startedAt);
    expect((await containersOf(labId)).find((c) => c.id === id)?.state).toBe('running');
  });

  it('updates the list from the engine event stream, without being asked', async () => {
    const name = `hp-event-${process.pid}`;
    const mark = seen.length;
    docker('run', '-d', '--network', 'host', '--name', name, '--label', 'homeport.lab=1', `${lab.image}:latest`, 'sleep', '300');
    try {
      await until('containers.changed with the new container', () =>
        seen.slice(mark).some((s) => s.includes('"event":"containers.changed"') && s.includes(`"name":"${name}"`) && s.includes('"state":"running"')),
      );
    } finally {
      docker('rm', '-f', name);
    }
    const after = seen.length;
    await until('containers.changed without it', () =>
      seen.slice(after).some((s) => s.includes('"event":"containers.changed"') && s.includes(labId) && !s.includes(`"name":"${name}"`)),
    );
  });

  it('removes a container, and its anonymous volumes only when asked', async () => {
    for (const removeVolumes of [true, false]) {
      const name = `hp-remove-${removeVolumes}-${process.pid}`;
      const id = docker('create', '--name', name, '-v', '/data', '--label', 'homeport.lab=1', `${lab.image}:latest`, 'true');
      const volume = docker('inspect', '-f', '{{range .Mounts}}{{.Name}}{{end}}', id);
      await until('listed', async () => (await containersOf(labId)).some((c) => c.id === id));
      await ok('containers.remove', { hostId: labId, containerId: id, removeVolumes, force: false });
      expect((await containersOf(labId)).some((c) => c.id === id)).toBe(false);
      const volumes = docker('volume', 'ls', '-q').split('\n');
      expect(volumes.includes(volume)).toBe(!removeVolumes);
      if (!removeVolumes) docker('volume', 'rm', volume);
    }
  });

  it("shows the engine's own message when the engine refuses", async () => {
    const r = await call('containers.start', { hostId: labId, containerId: 'no-such-container-here' });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('ENGINE');
      expect(r.error.message).toMatch(/no such container/i);
    }
  });

  it('rejects hostile input before it reaches a service', async () => {
    const r = await call('containers.stop', { hostId: labId, containerId: 'x; rm -rf /' });
    expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const m = await call('hosts.nope' as MethodName, {});
    expect(m).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('streams engine events only to the client that opened the stream', async () => {
    const { streamId } = await ok<{ streamId: string }>('streams.open', { kind: 'engine.events', hostId: labId }, 'client-a');
    const mark = seen.length;
    const name = `hp-stream-${process.pid}`;
    docker('create', '--name', name, `${lab.image}:latest`, 'true');
    docker('rm', name);
    await until('stream.data to client-a', () =>
      seen.slice(mark).some((s) => s.includes('"event":"stream.data"') && s.includes(streamId) && s.includes('"target":"client-a"') && s.includes(name)),
    );
    expect((await call('streams.close', { streamId }, 'client-b')).ok).toBe(false);
    await ok('streams.close', { streamId }, 'client-a');
    expect(seen.slice(mark).some((s) => s.includes('"event":"stream.end"') && s.includes(streamId))).toBe(true);
  });

  it('reaches a second engine on its own socket as a second host', async () => {
    const h = await ok<HostInfo>('hosts.add', hostInput({ name: 'lab2', socketPath: lab.engine2.socket }));
    await until('lab2 connected', async () => (await stateOf('lab2'))?.status === 'connected');
    const list = await until('lab2 containers', async () => {
      const l = await containersOf(h.id);
      return l.length > 0 && l;
    });
    expect(list.map((c) => c.name)).toContain('lab2-sleeper');
    expect(list.map((c) => c.name)).not.toContain('labweb_web_1');
  });

  it("reaches this computer's engine over its unix socket, without SSH", async () => {
    const h = await ok<HostInfo>('hosts.add', hostInput({ name: 'here', kind: 'local', address: '' }));
    expect(h).toMatchObject({ kind: 'local', address: 'local' });
    const s = await until('here connected', async () => {
      const st = await stateOf('here');
      return st?.status === 'connected' && st;
    });
    expect(s).toMatchObject({ transport: 'local' });
    expect((await until('here lists', async () => (await containersOf(h.id)).length > 0 && containersOf(h.id))).map((c) => c.name)).toContain('labweb_web_1');
    await ok('hosts.remove', { id: h.id });
    expect((await ok<HostContainersInfo[]>('containers.list')).some((x) => x.hostId === h.id)).toBe(false);
  });

  it('falls back to docker system dial-stdio where the server forbids forwarding', async () => {
    await ok('hosts.add', hostInput({ name: 'nofwd', address: `root@127.0.0.1:${lab.ssh.noForwardPort}` }));
    const s = await until('nofwd asks for its key', async () => {
      const st = await stateOf('nofwd');
      return st?.status === 'needs-hostkey' && st;
    });
    await ok('hosts.acceptHostKey', { hostname: '127.0.0.1', port: lab.ssh.noForwardPort, fingerprint: s.fingerprint });
    const c = await until('nofwd connected', async () => {
      const st = await stateOf('nofwd');
      return st?.status === 'connected' && st;
    });
    expect(c).toMatchObject({ transport: 'dial-stdio' });
    await ok('hosts.remove', { id: (await hostNamed('nofwd'))!.id });
  });

  it('comes back by itself when sshd is restarted', async () => {
    // An sshd of this test's own: restarting the lab's would cut every other test's connection
    // to it (tests of other worktrees run at the same time).
    const sshd = await startPrivateSshd(lab);
    try {
      const host = await ok<HostInfo>('hosts.add', hostInput({ name: 'restarted', address: `root@127.0.0.1:${sshd.port}` }));
      await until('restarted asks for its key', async () => (await stateOf('restarted'))?.status === 'needs-hostkey');
      await ok('hosts.acceptHostKey', { hostname: '127.0.0.1', port: sshd.port, fingerprint: sshd.hostKeys[0]!.fingerprint });
      await until('restarted connected', async () => (await stateOf('restarted'))?.status === 'connected');
      const mark = seen.length;
      await sshd.restart();
      await until('a reconnecting state', () => seen.slice(mark).some((s) => s.includes('"event":"hosts.changed"') && /"status":"(reconnecting|connecting)"/.test(s)), 30_000);
      await until('connected again', async () => (await stateOf('restarted'))?.status === 'connected', 60_000);
      // A host that has just connected again lists its containers a moment later: wait for the list.
      const id = await until('its containers listed again', async () => (await containersOf(host.id)).find((c) => c.name === 'labweb_web_1')?.id, 30_000);
      expect(id).toBeTruthy();
      await ok('containers.restart', { hostId: host.id, containerId: id });
      await ok('hosts.remove', { id: host.id });
    } finally {
      await sshd.stop();
    }
  });
});

describe('credentials and keys', () => {
  it('authenticates with a stored passphrase key, and refuses a wrong passphrase', async () => {
    const wrong = await call('keys.import', { name: 'lab pass', path: lab.keys.passphrase, privateKey: null, passphrase: 'not it' });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'KEY_PASSPHRASE' } });
    const key = await ok<{ id: KeyId; fingerprint: string }>('keys.import', { name: 'lab pass', path: lab.keys.passphrase, privateKey: null, passphrase: lab.keys.passphraseText });
    const expected = execFileSync('ssh-keygen', ['-lf', lab.keys.passphrase + '.pub'], { encoding: 'utf8' }).split(' ')[1];
    expect(key.fingerprint).toBe(expected);
    await ok('hosts.add', hostInput({ name: 'bykey', useAgent: false, keyId: key.id }));
    await until('bykey connected', async () => (await stateOf('bykey'))?.status === 'connected');
  });

  it('authenticates with a password, and fails clearly with a wrong one', async () => {
    const { user, password } = lab.users.password;
    await ok('hosts.add', hostInput({ name: 'bypass', address: `${user}@127.0.0.1:${lab.ssh.port}`, useAgent: false, password }));
    await until('bypass connected', async () => (await stateOf('bypass'))?.status === 'connected');
    await ok('hosts.add', hostInput({ name: 'badpass', address: `${user}@127.0.0.1:${lab.ssh.port}`, useAgent: false, password: 'wrong-password' }));
    const s = await until('badpass failed', async () => {
      const st = await stateOf('badpass');
      return st?.status === 'failed' && st;
    });
    expect(s.error.code).toBe('AUTH_FAILED');
    expect(s.error.fix).toBeTruthy();
  });

  it('says when the login user may not use the Docker socket', async () => {
    const { user, password } = lab.users.noDocker;
    await ok('hosts.add', hostInput({ name: 'noperm', address: `${user}@127.0.0.1:${lab.ssh.port}`, useAgent: false, password }));
    const s = await until('noperm failed', async () => {
      const st = await stateOf('noperm');
      return st?.status === 'failed' && st;
    });
    expect(s.error.code).toBe('SOCKET_PERMISSION');
    expect(s.error.fix).toMatch(/docker/);
  });

  it('tests a connection without saving it, and names a refused port', async () => {
    const good = await ok<{ transport: string; engine: { version: string } }>('hosts.test', { id: null, host: hostInput({ name: 'probe' }) });
    expect(good.transport).toBe('streamlocal');
    expect((await ok<HostInfo[]>('hosts.list')).some((h) => h.name === 'probe')).toBe(false);
    const refused = await call('hosts.test', { id: null, host: hostInput({ name: 'probe', address: 'root@127.0.0.1:1' }) });
    expect(refused).toMatchObject({ ok: false, error: { code: 'CONNECTION_REFUSED' } });
    const missing = await call('hosts.test', { id: null, host: hostInput({ name: 'probe', socketPath: '/run/no-such/docker.sock' }) });
    expect(missing).toMatchObject({ ok: false, error: { code: 'SOCKET_MISSING' } });
  });

  it('generates an ed25519 key and shows only its public side', async () => {
    const k = await ok<Record<string, unknown>>('keys.generate', { comment: 'homeport@test', passphrase: null });
    expect(k.publicLine).toMatch(/^ssh-ed25519 AAAA\S+ homeport@test$/);
    expect(k.fingerprint).toMatch(/^SHA256:/);
    expect(Object.keys(k).sort()).toEqual(['comment', 'createdAt', 'fingerprint', 'hasPassphrase', 'id', 'publicLine', 'type']);
  });

  it('imports hosts from ~/.ssh/config, skipping ones already added, and lists its problems', async () => {
    mkdirSync(path.join(tp.home, '.ssh'), { recursive: true });
    writeFileSync(
      path.join(tp.home, '.ssh', 'config'),
      [
        `Host labcfg`,
        `  HostName 127.0.0.1`,
        `  Port ${lab.ssh.noForwardPort}`,
        `  User root`,
        `  IdentityFile ${lab.keys.plain}`,
        `Host broken`,
        `  Port notaport`,
        `Host labdup`,
        `  HostName 127.0.0.1`,
        `  Port ${lab.ssh.port}`,
        `  User root`,
        `Host *`,
        `  ServerAliveInterval 30`,
        '',
      ].join('\n'),
    );
    const scan = await ok<{ hosts: Array<{ alias: string; existingHostId: string | null }>; problems: Array<{ line: number }> }>('hosts.scanSshConfig');
    expect(scan.hosts.find((h) => h.alias === 'labcfg')?.existingHostId).toBeNull();
    expect(scan.hosts.find((h) => h.alias === 'labdup')?.existingHostId).toBeTruthy();
    expect(scan.problems.some((p) => p.line === 7)).toBe(true);
    const added = await ok<HostInfo[]>('hosts.importSshConfig', { aliases: ['labcfg', 'labdup'] });
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ name: 'labcfg', address: `root@127.0.0.1:${lab.ssh.noForwardPort}`, identityFile: lab.keys.plain, useAgent: true });
    await until('labcfg connected', async () => (await stateOf('labcfg'))?.status === 'connected');
  });

  it('keeps keys and passwords encrypted at rest', () => {
    const files = readdirSync(tp.dataDir).map((f) => path.join(tp.dataDir, f));
    const settings = files.find((f) => f.endsWith('.json'));
    expect(settings, 'settings file').toBeTruthy();
    const text = readFileSync(settings!, 'utf8');
    expect(text).toContain('"sealed"');
    for (const secret of ['PRIVATE KEY', lab.users.password.password, lab.keys.passphraseText, 'wrong-password']) {
      expect(text.includes(secret), secret).toBe(false);
    }
    expect(statSync(path.join(tp.dataDir, 'secret.key')).mode & 0o077).toBe(0);
  });

  it('never lets a secret reach the UI', () => {
    const all = seen.join('\n');
    for (const secret of [lab.users.password.password, lab.keys.passphraseText, 'PRIVATE KEY', 'wrong-password']) {
      expect(all.includes(secret), secret).toBe(false);
    }
  });
});

describe('host keys across restarts', () => {
  it('remembers accepted keys, and refuses a changed key showing both fingerprints', async () => {
    await services.dispose();
    // Same data folder: the key accepted above is remembered, the host connects straight away.
    services = await createServices(tp.platform);
    await until('lab connected after restart', async () => (await stateOf('lab'))?.status === 'connected');
    await services.dispose();

    // A fresh profile whose ~/.ssh/known_hosts names another key for the server: refused.
    const other = createTestPlatform({ agentSocket: lab.agentSock });
    try {
      const otherKey = path.join(other.home, 'other');
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', otherKey]);
      const pub = execFileSync('cat', [otherKey + '.pub'], { encoding: 'utf8' }).split(' ').slice(0, 2).join(' ');
      mkdirSync(path.join(other.home, '.ssh'), { recursive: true });
      writeFileSync(path.join(other.home, '.ssh', 'known_hosts'), `[127.0.0.1]:${lab.ssh.port} ${pub}\n`);
      const s2 = await createServices(other.platform);
      try {
        await ok('hosts.add', hostInput(), 'c1', s2);
        const st = await until('changed key refused', async () => {
          const x = await stateOf('lab', s2);
          return x?.status === 'failed' && x;
        });
        expect(st.error.code).toBe('HOSTKEY_CHANGED');
        expect(st.error.message).toContain(lab.ssh.hostKeyFingerprint);
        const expected = execFileSync('ssh-keygen', ['-lf', otherKey + '.pub'], { encoding: 'utf8' }).split(' ')[1]!;
        expect(JSON.stringify(st.error)).toContain(expected);
      } finally {
        await s2.dispose();
      }
    } finally {
      other.cleanup();
    }
    services = await createServices(tp.platform);
  });
});

