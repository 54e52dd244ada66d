/**
 * Nothing the user configured is dropped without a word. Each case damages a real data folder the
 * way it happens to people — a hand edit gone wrong, a `secret.key` replaced or lost, a settings
 * file of the wrong shape or not JSON at all — then starts the real headless platform (conf on
 * disk, the key-file secret box) and every service on it, and checks what a user would see: what
 * can be read works, what cannot is kept in the file exactly as it was (a later save never removes
 * it), and `app.problems` names the entry, why, and what to do, until the user decides.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelInfo, HeartbeatInfo, HostInfo, KeyInfo, KumaAddResultInfo, KumaInstanceInfo, MonitorInfo, SettingsProblemInfo } from '../../shared/contract';
import { createServices, type Services } from '../services/app';
import { createConsoleLogger } from '../services/platform/logger';
import { loadLab } from '../services/test-support/lab';
import { contractCalls, until } from '../services/test-support/wait';
import { createHeadlessPlatform } from './headless-platform';

const KUMA_METRICS = `# TYPE monitor_status gauge
monitor_status{monitor_id="1",monitor_name="Immich",monitor_type="http",monitor_url="https://photos.lan/",monitor_hostname="null",monitor_port="null"} 1
`;
const repo = path.resolve(import.meta.dirname, '../..');
const roots: string[] = [];
let target: Server;
let targetUrl: string;

beforeAll(async () => {
  // Everything answers "ok"; /metrics answers as Uptime Kuma's does, for the Kuma cases.
  target = createServer((q, r) => (q.url === '/metrics' ? r.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(KUMA_METRICS) : r.end('ok')));
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
});
afterAll(async () => {
  target.closeAllConnections();
  await new Promise((r) => target.close(r));
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

type Doc = Record<string, unknown> & { monitors?: Array<Record<string, unknown>>; alertChannels?: Array<Record<string, unknown>>; monitorSecrets?: Record<string, string> };

function newRoot(): { dataDir: string; home: string } {
  const root = mkdtempSync(path.join(tmpdir(), 'homeport-damage-'));
  roots.push(root);
  return { dataDir: path.join(root, 'data'), home: path.join(root, 'home') };
}
const settingsPath = (dataDir: string) => path.join(dataDir, 'settings.json');
const keyPath = (dataDir: string) => path.join(dataDir, 'secret.key');
const readSettings = (dataDir: string) => JSON.parse(readFileSync(settingsPath(dataDir), 'utf8')) as Doc;
const writeSettings = (dataDir: string, doc: unknown) => writeFileSync(settingsPath(dataDir), JSON.stringify(doc, null, '\t'), { mode: 0o600 });

/** True when `value` appears, deep-equal, anywhere in the document (where it is kept is the services' choice). */
function keptSomewhere(doc: unknown, value: unknown): boolean {
  if (isDeepStrictEqual(doc, value)) return true;
  if (doc && typeof doc === 'object') return Object.values(doc).some((v) => keptSomewhere(v, value));
  return false;
}

interface Running {
  services: Services;
  ok: <T>(method: Parameters<ReturnType<typeof contractCalls>['ok']>[0], input?: unknown) => Promise<T>;
  call: ReturnType<typeof contractCalls>['call'];
  stop(): Promise<void>;
}
const running: Running[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) await r.stop();
});

/** The headless platform and every service on `dataDir`, as `npm run serve` builds them. */
async function boot(dirs: { dataDir: string; home: string }): Promise<Running> {
  const platform = createHeadlessPlatform({ dataDir: dirs.dataDir, version: 'test', logger: createConsoleLogger('test'), homeDir: dirs.home, agentSocket: null });
  const services = await createServices(platform, { monitors: { referenceTargets: [] } });
  const { ok, call } = contractCalls(() => services);
  let stopped = false;
  const r: Running = {
    services,
    ok,
    call,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      running.splice(running.indexOf(r), 1);
      await services.dispose();
    },
  };
  running.push(r);
  return r;
}

const problems = (r: Running) => r.ok<SettingsProblemInfo[]>('app.problems');
const webInput = (name: string, extra: Record<string, unknown> = {}) => ({ type: 'http', name, url: `${targetUrl}/${name}`, intervalSec: 20, ...extra });

/** A data folder with one of everything that is sealed: a channel, a monitor with a password, an SSH key, a host password. */
async function seed(dirs: { dataDir: string; home: string }) {
  const r = await boot(dirs);
  const channel = await r.ok<ChannelInfo>('monitors.addChannel', { type: 'webhook', name: 'phone hook', url: `${targetUrl}/hook`, secret: 'signing-secret' });
  const monitor = await r.ok<MonitorInfo>('monitors.add', webInput('private api', { auth: { kind: 'basic', user: 'admin', password: 'monitor-password' } }));
  const plain = await r.ok<MonitorInfo>('monitors.add', webInput('public page'));
  const key = await r.ok<KeyInfo>('keys.generate', { comment: 'laptop key', passphrase: null });
  const host = await r.ok<HostInfo>('hosts.add', { name: 'nas', kind: 'ssh', address: 'root@127.0.0.1:1', socketPath: '/var/run/docker.sock', useAgent: false, keyId: null, identityFile: null, password: 'host-password' });
  await r.stop();
  const doc = readSettings(dirs.dataDir);
  return {
    channel,
    monitor,
    plain,
    key,
    host,
    storedChannel: doc.alertChannels!.find((c) => c.id === channel.id)!,
    storedMonitor: doc.monitors!.find((m) => m.id === monitor.id)!,
    sealedMonitorSecret: doc.monitorSecrets![monitor.id]!,
  };
}

describe('one stored monitor that cannot be read', () => {
  it('is kept in the file through later saves and restarts, named in app.problems with the reason, until removed explicitly', async () => {
    const dirs = newRoot();
    let r = await boot(dirs);
    const web = await r.ok<MonitorInfo>('monitors.add', webInput('web'));
    const db = await r.ok<MonitorInfo>('monitors.add', { type: 'tcp', name: 'database', host: '127.0.0.1', port: 5432, intervalSec: 20 });
    await r.stop();

    // A hand edit gets one entry wrong.
    const doc = readSettings(dirs.dataDir);
    const broken = doc.monitors!.find((m) => m.id === db.id)!;
    broken.port = 'five thousand';
    writeSettings(dirs.dataDir, doc);

    r = await boot(dirs);
    expect((await r.ok<MonitorInfo[]>('monitors.list')).map((m) => m.id)).toEqual([web.id]);
    const added = await r.ok<MonitorInfo>('monitors.add', webInput('added later'));
    expect(readSettings(dirs.dataDir).monitors).toContainEqual(broken);

    const listed = (await problems(r)).find((p) => p.id === `monitor:${db.id}`);
    expect(listed).toMatchObject({ area: 'monitors', actions: ['discard'] });
    expect(listed!.entry).toContain('database');
    expect(listed!.reason).toMatch(/port/);
    expect(listed!.fix).toMatch(/settings\.json/);
    await r.stop();

    // Still there after another start, and the good ones all load.
    r = await boot(dirs);
    expect((await r.ok<MonitorInfo[]>('monitors.list')).map((m) => m.id).sort()).toEqual([web.id, added.id].sort());
    expect((await problems(r)).map((p) => p.id)).toContain(`monitor:${db.id}`);
    await r.ok('app.resolveProblem', { id: `monitor:${db.id}`, action: 'discard' });
    expect(readSettings(dirs.dataDir).monitors!.map((m) => m.id)).not.toContain(db.id);
    expect((await problems(r)).map((p) => p.id)).not.toContain(`monitor:${db.id}`);
    expect((await r.ok<MonitorInfo[]>('monitors.list')).map((m) => m.id).sort()).toEqual([web.id, added.id].sort());
  });
});

describe('secrets sealed with a secret.key that changed', () => {
  it('keeps every sealed entry, names each in app.problems, and reads them again once the original key is back', async () => {
    const dirs = newRoot();
    const s = await seed(dirs);
    const original = readFileSync(keyPath(dirs.dataDir));
    writeFileSync(keyPath(dirs.dataDir), randomBytes(32), { mode: 0o600 });

    const r = await boot(dirs);
    // Saves of every kind the user makes meanwhile.
    await r.ok('monitors.addChannel', { type: 'webhook', name: 'new hook', url: `${targetUrl}/new` });
    await r.ok('monitors.add', webInput('new page'));
    const doc = readSettings(dirs.dataDir);
    expect(doc.alertChannels).toContainEqual(s.storedChannel);
    expect(doc.monitors).toContainEqual(s.storedMonitor);
    expect(doc.monitorSecrets![s.monitor.id]).toBe(s.sealedMonitorSecret);
    expect((await r.ok<MonitorInfo[]>('monitors.list')).map((m) => m.id)).toContain(s.plain.id);

    const list = await problems(r);
    const byId = new Map(list.map((p) => [p.id, p]));
    for (const [id, area, name] of [
      [`channel:${s.channel.id}`, 'channels', 'phone hook'],
      [`monitor:${s.monitor.id}`, 'monitors', 'private api'],
      [`key:${s.key.id}`, 'keys', 'laptop key'],
      [`host-password:${s.host.id}`, 'hosts', 'nas'],
    ] as const) {
      const p = byId.get(id);
      expect(p, `${id} in ${JSON.stringify(list)}`).toBeDefined();
      expect(p!.area).toBe(area);
      expect(p!.entry).toContain(name);
      expect(p!.reason).toMatch(/different key|another key/);
      expect(p!.fix).toContain(keyPath(dirs.dataDir));
      expect(p!.actions).toContain('discard');
      expect(p!.actions).toContain('check-again');
    }

    // The original key goes back: everything reads again, without a restart.
    writeFileSync(keyPath(dirs.dataDir), original, { mode: 0o600 });
    await r.ok('app.resolveProblem', { id: `channel:${s.channel.id}`, action: 'check-again' });
    expect(await problems(r)).toEqual([]);
    expect((await r.ok<ChannelInfo[]>('monitors.listChannels')).map((c) => c.name).sort()).toEqual(['new hook', 'phone hook']);
    expect((await r.ok<MonitorInfo[]>('monitors.list')).map((m) => m.name).sort()).toEqual(['new page', 'private api', 'public page']);
  });

  it('removes an unreadable entry only when asked to', async () => {
    const dirs = newRoot();
    const s = await seed(dirs);
    writeFileSync(keyPath(dirs.dataDir), randomBytes(32), { mode: 0o600 });
    const r = await boot(dirs);
    await r.ok('app.resolveProblem', { id: `channel:${s.channel.id}`, action: 'discard' });
    await r.ok('app.resolveProblem', { id: `key:${s.key.id}`, action: 'discard' });
    await r.ok('app.resolveProblem', { id: `host-password:${s.host.id}`, action: 'discard' });
    const doc = readSettings(dirs.dataDir);
    expect(doc.alertChannels!.map((c) => c.id)).not.toContain(s.channel.id);
    expect((doc.keys as Array<{ id: string }>).map((k) => k.id)).not.toContain(s.key.id);
    // The host stays; only its password is gone (the form asks for it again).
    const host = (await r.ok<HostInfo[]>('hosts.list')).find((h) => h.id === s.host.id)!;
    expect(host.hasPassword).toBe(false);
    expect((await problems(r)).map((p) => p.id)).toEqual([`monitor:${s.monitor.id}`]);
  });
});

describe('Uptime Kuma secrets sealed with a secret.key that changed', () => {
  const kumaInput = (url: string, apiKey: string) => ({ name: 'Kuma on nas', url, mode: 'metrics', username: '', password: '', totp: '', apiKey, slug: '', allowSelfSigned: false });

  /** A data folder with a Kuma instance read with an API key, and Homeport's heartbeat to a push URL: both sealed. */
  async function seedKuma(dirs: { dataDir: string; home: string }) {
    const r = await boot(dirs);
    const added = await r.ok<KumaAddResultInfo>('kuma.add', kumaInput(targetUrl, 'uk1_secret-api-key'));
    if (added.status !== 'added') throw new Error(`kuma.add answered ${added.status}`);
    await r.ok<HeartbeatInfo>('kuma.setHeartbeat', { url: `${targetUrl}/api/push/beat`, intervalSec: 60 });
    await r.stop();
    const doc = readSettings(dirs.dataDir);
    return { instance: added.instance, stored: (doc.kumaInstances as Array<Record<string, unknown>>).find((k) => k.id === added.instance.id)!, heartbeat: doc.pushHeartbeat };
  }

  it('do not stop Homeport from starting; the instance and the heartbeat are kept, listed with "Check again" and "Remove", and run again once the original key is back', async () => {
    const dirs = newRoot();
    const s = await seedKuma(dirs);
    const original = readFileSync(keyPath(dirs.dataDir));
    writeFileSync(keyPath(dirs.dataDir), randomBytes(32), { mode: 0o600 });

    const r = await boot(dirs);
    // A save meanwhile (another Kuma, nothing sealed) keeps the one that cannot be opened.
    await r.ok<KumaAddResultInfo>('kuma.add', { ...kumaInput(targetUrl.replace('127.0.0.1', 'localhost'), ''), name: 'Kuma again' });
    const doc = readSettings(dirs.dataDir);
    expect(doc.kumaInstances).toContainEqual(s.stored);
    expect(doc.pushHeartbeat).toEqual(s.heartbeat);

    const list = await problems(r);
    const instance = list.find((p) => p.id === `kuma:${s.instance.id}`);
    expect(instance, JSON.stringify(list)).toBeDefined();
    expect(instance!.area).toBe('kuma');
    expect(instance!.entry).toContain('Kuma on nas');
    expect(instance!.reason).toMatch(/different key|another key/);
    expect(instance!.fix).toContain(keyPath(dirs.dataDir));
    expect(instance!.actions).toEqual(['check-again', 'discard']);
    const heartbeat = list.find((p) => p.id === 'kuma:heartbeat');
    expect(heartbeat, JSON.stringify(list)).toBeDefined();
    expect(heartbeat!.entry).toMatch(/heartbeat/);
    expect(heartbeat!.actions).toEqual(['check-again', 'discard']);

    // The original key goes back: the instance is read and the heartbeat beats, without a restart.
    writeFileSync(keyPath(dirs.dataDir), original, { mode: 0o600 });
    await r.ok('app.resolveProblem', { id: `kuma:${s.instance.id}`, action: 'check-again' });
    expect(await problems(r)).toEqual([]);
    await until('the instance is read again', async () => (await r.ok<KumaInstanceInfo[]>('kuma.list')).find((k) => k.id === s.instance.id)?.monitors.length === 1, 30_000);
    const beat = await r.ok<HeartbeatInfo>('kuma.heartbeat');
    expect(beat.configured).toBe(true);
    expect(beat.target).toContain('127.0.0.1');
  });

  it('removes the instance and the heartbeat only when asked to', async () => {
    const dirs = newRoot();
    const s = await seedKuma(dirs);
    writeFileSync(keyPath(dirs.dataDir), randomBytes(32), { mode: 0o600 });
    const r = await boot(dirs);
    // While it waits, the same Kuma cannot be added a second time (both would run once the key is back).
    const again = await r.call('kuma.add', kumaInput(targetUrl, 'uk1_secret-api-key'));
    expect(again.ok).toBe(false);
    if (!again.ok) {
      expect(again.error.code).toBe('CONFLICT');
      expect(again.error.message).toContain('Kuma on nas');
      expect(again.error.fix).toMatch(/remove/i);
    }
    await r.ok('app.resolveProblem', { id: `kuma:${s.instance.id}`, action: 'discard' });
    await r.ok('app.resolveProblem', { id: 'kuma:heartbeat', action: 'discard' });
    const doc = readSettings(dirs.dataDir);
    expect((doc.kumaInstances as Array<{ id: string }>).map((k) => k.id)).not.toContain(s.instance.id);
    expect(doc.pushHeartbeat).toBeUndefined();
    expect(await problems(r)).toEqual([]);
    expect(await r.ok<KumaInstanceInfo[]>('kuma.list')).toEqual([]);
    expect((await r.ok<HeartbeatInfo>('kuma.heartbeat')).configured).toBe(false);
    // Once removed, it can be added again.
    expect((await r.ok<KumaAddResultInfo>('kuma.add', kumaInput(targetUrl, 'uk1_secret-api-key'))).status).toBe('added');
  });
});

describe('secret.key missing while sealed data exists', () => {
  it('is not silently replaced: the sealed data is kept, app.problems says so, and nothing new is sealed until the user decides', async () => {
    const dirs = newRoot();
    const s = await seed(dirs);
    const original = readFileSync(keyPath(dirs.dataDir));
    rmSync(keyPath(dirs.dataDir));

    const r = await boot(dirs);
    expect(existsSync(keyPath(dirs.dataDir))).toBe(false);
    const [first] = await problems(r);
    expect(first).toMatchObject({ id: 'secret-key', area: 'secret-key' });
    expect(first!.reason).toContain(keyPath(dirs.dataDir));
    expect(first!.reason).toMatch(/missing/);
    expect(first!.actions).toEqual(['check-again', 'new-secret-key']);

    // Sealing with a key that is not the user's would orphan the old secrets for good.
    const refused = await r.call('monitors.addChannel', { type: 'webhook', name: 'another', url: `${targetUrl}/x` });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.message).toContain(keyPath(dirs.dataDir));
    // The monitors that need no secret run; the others are kept.
    expect((await r.ok<MonitorInfo[]>('monitors.list')).map((m) => m.id)).toEqual([s.plain.id]);
    await r.ok('monitors.add', webInput('meanwhile'));
    const doc = readSettings(dirs.dataDir);
    expect(doc.alertChannels).toContainEqual(s.storedChannel);
    expect(doc.monitors).toContainEqual(s.storedMonitor);

    // Put back: everything reads again.
    writeFileSync(keyPath(dirs.dataDir), original, { mode: 0o600 });
    await r.ok('app.resolveProblem', { id: 'secret-key', action: 'check-again' });
    expect(await problems(r)).toEqual([]);
    expect((await r.ok<ChannelInfo[]>('monitors.listChannels')).map((c) => c.id)).toEqual([s.channel.id]);
  });

  it('starts over with a new key only when the user chooses it; the old entries stay, listed, until removed', async () => {
    const dirs = newRoot();
    const s = await seed(dirs);
    rmSync(keyPath(dirs.dataDir));
    const r = await boot(dirs);
    await r.ok('app.resolveProblem', { id: 'secret-key', action: 'new-secret-key' });
    expect(statSync(keyPath(dirs.dataDir)).size).toBe(32);
    const ids = (await problems(r)).map((p) => p.id).sort();
    expect(ids).toEqual([`channel:${s.channel.id}`, `host-password:${s.host.id}`, `key:${s.key.id}`, `monitor:${s.monitor.id}`].sort());
    await r.ok('monitors.addChannel', { type: 'webhook', name: 'fresh', url: `${targetUrl}/fresh`, secret: 'new-secret' });
    expect(readSettings(dirs.dataDir).alertChannels).toContainEqual(s.storedChannel);
  });
});

describe('one entry of a list that cannot be used', () => {
  /** The problem `app.problems` lists for one entry of `setting` whose entry text contains `name`. */
  const entryProblem = (list: SettingsProblemInfo[], setting: string, name: string) => list.find((p) => p.id.startsWith(`setting:${setting}#`) && p.entry.includes(name));
  const expectListed = (p: SettingsProblemInfo | undefined, list: SettingsProblemInfo[], dataDir: string, why: RegExp) => {
    expect(p, JSON.stringify(list)).toBeDefined();
    expect(p!.area).toBe('settings-file');
    expect(p!.reason).toMatch(why);
    expect(p!.reason).toContain(settingsPath(dataDir));
    expect(p!.fix).toMatch(/Correct it in .*settings\.json.*"Remove"/);
    expect(p!.actions).toEqual(['discard']);
  };

  it('an SSH key or an accepted host key is kept through later saves of its list, named in app.problems with what is wrong, until removed', async () => {
    const lab = loadLab();
    const dirs = newRoot();
    const r0 = await boot(dirs);
    const good = await r0.ok<KeyInfo>('keys.generate', { comment: 'laptop key', passphrase: null });
    await r0.stop();
    const doc0 = readSettings(dirs.dataDir);
    const storedGood = (doc0.keys as Array<Record<string, unknown>>)[0]!;
    // A hand edit lost the fingerprint of one key; another pasted an accepted host key's blob wrongly.
    const brokenKey = { ...storedGood, id: 'k_oldlaptop', comment: 'old laptop' } as Record<string, unknown>;
    delete brokenKey.fingerprint;
    const brokenHostKey = { host: '[nas.lan]:2200', keyType: 'ssh-ed25519', key: 'AAAA pasted wrongly', addedAt: 1_700_000_000_000 };
    const untypedHostKey = { host: 'router.lan', key: 'AAAAC3NzaC1lZDI1NTE5AAAAIABCCV6DKwUbb1cJ6CY4Za+PoM0ATFQuGDMTp+FYD8Ne', addedAt: 1_700_000_000_000 };
    writeSettings(dirs.dataDir, { ...doc0, keys: [storedGood, brokenKey], knownHosts: [brokenHostKey, untypedHostKey] });

    const r = await boot(dirs);
    expect((await r.ok<KeyInfo[]>('keys.list')).map((k) => k.id)).toEqual([good.id]);
    // Saves of both lists: a new key, and the lab's host key accepted.
    await r.ok<KeyInfo>('keys.generate', { comment: 'new key', passphrase: null });
    const host = await r.ok<HostInfo>('hosts.add', { name: 'lab', kind: 'ssh', address: `root@127.0.0.1:${lab.ssh.port}`, socketPath: '/var/run/docker.sock', useAgent: false, keyId: null, identityFile: null });
    await until('the host key asked', async () => (await r.ok<HostInfo[]>('hosts.list')).find((h) => h.id === host.id)?.state.status === 'needs-hostkey', 30_000);
    await r.ok('hosts.acceptHostKey', { hostname: '127.0.0.1', port: lab.ssh.port, fingerprint: lab.ssh.hostKeyFingerprint });
    let doc = readSettings(dirs.dataDir);
    expect(doc.keys).toContainEqual(brokenKey);
    expect(doc.keys).toHaveLength(3);
    expect(doc.knownHosts).toContainEqual(brokenHostKey);
    expect(doc.knownHosts).toContainEqual(untypedHostKey);
    expect((doc.knownHosts as Array<{ host: string }>).map((e) => e.host)).toContain(`[127.0.0.1]:${lab.ssh.port}`);

    const list = await problems(r);
    const keyProblem = entryProblem(list, 'keys', 'old laptop');
    expectListed(keyProblem, list, dirs.dataDir, /has no "fingerprint"/);
    expect(keyProblem!.entry).toMatch(/SSH key "old laptop"/);
    const hostKeyProblem = entryProblem(list, 'knownHosts', 'nas.lan');
    expectListed(hostKeyProblem, list, dirs.dataDir, /not a ssh-ed25519 public key/);
    const untypedProblem = entryProblem(list, 'knownHosts', 'router.lan');
    expectListed(untypedProblem, list, dirs.dataDir, /has no "keyType"/);

    // A restart keeps them too; then the user removes them, one by one.
    await r.stop();
    const r2 = await boot(dirs);
    expect((await problems(r2)).map((p) => p.id).sort()).toEqual([keyProblem!.id, hostKeyProblem!.id, untypedProblem!.id].sort());
    for (const p of [keyProblem!, hostKeyProblem!, untypedProblem!]) await r2.ok('app.resolveProblem', { id: p.id, action: 'discard' });
    doc = readSettings(dirs.dataDir);
    expect(keptSomewhere(doc, brokenKey)).toBe(false);
    expect(keptSomewhere(doc, brokenHostKey)).toBe(false);
    expect(keptSomewhere(doc, untypedHostKey)).toBe(false);
    expect(doc.keys).toHaveLength(2);
    expect(doc.knownHosts).toHaveLength(1);
    expect(await problems(r2)).toEqual([]);
  });

  it('a host or an Uptime Kuma instance that cannot be used, or a heartbeat setting that cannot, is kept and listed; the others work', async () => {
    const dirs = newRoot();
    const r0 = await boot(dirs);
    await r0.ok<HostInfo>('hosts.add', { name: 'nas', kind: 'ssh', address: 'root@127.0.0.1:1', socketPath: '/var/run/docker.sock', useAgent: false, keyId: null, identityFile: null });
    const kuma = await r0.ok<KumaAddResultInfo>('kuma.add', { name: 'Kuma on nas', url: targetUrl, mode: 'metrics', username: '', password: '', totp: '', apiKey: '', slug: '', allowSelfSigned: false });
    if (kuma.status !== 'added') throw new Error(`kuma.add answered ${kuma.status}`);
    await r0.stop();
    const doc0 = readSettings(dirs.dataDir);
    const hosts0 = doc0.hosts as Array<Record<string, unknown>>;
    // Hand edits gone wrong: a host that lost its address, an instance read in a way Homeport does not know, a heartbeat without its URL.
    const brokenHost = { ...hosts0[0]!, id: 'h_oldnas', name: 'old nas' } as Record<string, unknown>;
    delete brokenHost.hostname;
    const brokenKuma = { id: 'ku_old', name: 'old Kuma', url: 'http://127.0.0.1:1', mode: 'carrier-pigeon', slug: null, allowSelfSigned: false, sealed: null };
    const brokenHeartbeat = { intervalSec: 60 };
    writeSettings(dirs.dataDir, { ...doc0, hosts: [brokenHost, ...hosts0], kumaInstances: [...(doc0.kumaInstances as unknown[]), brokenKuma], pushHeartbeat: brokenHeartbeat });

    const r = await boot(dirs);
    expect((await r.ok<HostInfo[]>('hosts.list')).map((h) => h.name)).toEqual(['nas']);
    await until('the good instance is read', async () => (await r.ok<KumaInstanceInfo[]>('kuma.list')).find((k) => k.id === kuma.instance.id)?.monitors.length === 1, 30_000);
    expect((await r.ok<KumaInstanceInfo[]>('kuma.list')).map((k) => k.name)).toEqual(['Kuma on nas']);
    const list = await problems(r);
    const hostProblem = entryProblem(list, 'hosts', 'old nas');
    expectListed(hostProblem, list, dirs.dataDir, /has no "hostname"/);
    const kumaProblem = entryProblem(list, 'kumaInstances', 'old Kuma');
    expectListed(kumaProblem, list, dirs.dataDir, /"mode" that is "carrier-pigeon"/);
    const heartbeatProblem = list.find((p) => p.id === 'setting:pushHeartbeat');
    expect(heartbeatProblem, JSON.stringify(list)).toBeDefined();
    expect(heartbeatProblem!.reason).toMatch(/has no "sealedUrl"/);
    expect(heartbeatProblem!.entry).toContain('pushHeartbeat');

    // Saves of each keep them as they were.
    await r.ok<HostInfo>('hosts.add', { name: 'nas 2', kind: 'ssh', address: 'root@127.0.0.1:2', socketPath: '/var/run/docker.sock', useAgent: false, keyId: null, identityFile: null });
    await r.ok<KumaAddResultInfo>('kuma.add', { name: 'Kuma again', url: targetUrl.replace('127.0.0.1', 'localhost'), mode: 'metrics', username: '', password: '', totp: '', apiKey: '', slug: '', allowSelfSigned: false });
    await r.ok<HeartbeatInfo>('kuma.setHeartbeat', { url: `${targetUrl}/api/push/beat`, intervalSec: 60 });
    let doc = readSettings(dirs.dataDir);
    expect(doc.hosts).toContainEqual(brokenHost);
    expect(doc.hosts).toHaveLength(3);
    expect(doc.kumaInstances).toContainEqual(brokenKuma);
    expect(doc.kumaInstances).toHaveLength(3);
    expect(keptSomewhere(doc, brokenHeartbeat)).toBe(true);
    expect((await r.ok<HeartbeatInfo>('kuma.heartbeat')).configured).toBe(true);

    const ids = (await problems(r)).map((p) => p.id);
    expect(ids).toEqual(expect.arrayContaining([hostProblem!.id, kumaProblem!.id]));
    expect(ids).toHaveLength(3);
    for (const id of ids) await r.ok('app.resolveProblem', { id, action: 'discard' });
    doc = readSettings(dirs.dataDir);
    expect(keptSomewhere(doc, brokenHost)).toBe(false);
    expect(keptSomewhere(doc, brokenKuma)).toBe(false);
    expect(keptSomewhere(doc, brokenHeartbeat)).toBe(false);
    expect(doc.hosts).toHaveLength(2);
    expect(await problems(r)).toEqual([]);
  });

  it('a mute, a recent alert or a label source that cannot be used, and routing or maintenance windows that cannot, are kept and listed; the rest of the alert settings work', async () => {
    const dirs = newRoot();
    const r0 = await boot(dirs);
    const monitor = await r0.ok<MonitorInfo>('monitors.add', webInput('web'));
    const channel = await r0.ok<ChannelInfo>('monitors.addChannel', { type: 'webhook', name: 'phone hook', url: `${targetUrl}/hook` });
    await r0.stop();
    const doc0 = readSettings(dirs.dataDir);
    const mutedUntil = Date.now() + 3_600_000;
    const goodAlert = { id: 'a_1', kind: 'down', title: 'web is down', body: 'timeout', monitorIds: [monitor.id], at: Date.now() - 60_000, severity: 'critical' };
    const brokenAlert = { id: 'a_0', title: 'disk full on nas', at: 'yesterday' };
    const brokenRouting = { defaultChannelIds: [channel.id], monitors: { [monitor.id]: { channelIds: 'all' } } };
    const brokenMaintenance = { global: [{ kind: 'weekly', days: 'mon', start: '22:00', end: '23:00', utcOffsetMinutes: 0 }], monitors: {} };
    writeSettings(dirs.dataDir, {
      ...doc0,
      monitorMutes: { [monitor.id]: mutedUntil, m_gone: 'tomorrow' },
      recentAlerts: [goodAlert, brokenAlert],
      monitorLabels: { m_fromlabel: { hostId: 'h_gone' } },
      alertRouting: brokenRouting,
      monitorMaintenance: brokenMaintenance,
    });

    const r = await boot(dirs);
    const settings = await r.ok<{ monitors: Record<string, { mutedUntil: number | null }>; globalMaintenance: unknown[]; defaultChannelIds: string[] }>('monitors.alertSettings');
    expect(settings.monitors[monitor.id]!.mutedUntil).toBe(mutedUntil);
    expect((await r.ok<Array<{ id: string }>>('monitors.recentAlerts')).map((a) => a.id)).toEqual(['a_1']);
    const list = await problems(r);
    expectListed(entryProblem(list, 'monitorMutes', 'm_gone'), list, dirs.dataDir, /is text, not a number/);
    expectListed(entryProblem(list, 'recentAlerts', 'disk full on nas'), list, dirs.dataDir, /has no "kind"/);
    expectListed(entryProblem(list, 'monitorLabels', 'm_fromlabel'), list, dirs.dataDir, /has no "container"/);
    expect(list.find((p) => p.id === 'setting:alertRouting')?.reason, JSON.stringify(list)).toMatch(/routing of the monitor .* "channelIds" that is text/);
    expect(list.find((p) => p.id === 'setting:monitorMaintenance')?.reason, JSON.stringify(list)).toMatch(/global window 1 has "days" that are not a list/);

    // Saves of each keep them as they were.
    await r.ok('monitors.mute', { id: monitor.id, preset: '4h', utcOffsetMinutes: 0 });
    await r.ok('monitors.setDefaultChannels', { channelIds: [channel.id] });
    await r.ok('monitors.setMaintenance', { id: null, windows: [] });
    let doc = readSettings(dirs.dataDir);
    expect((doc.monitorMutes as Record<string, unknown>).m_gone).toBe('tomorrow');
    expect(doc.recentAlerts).toContainEqual(brokenAlert);
    expect(keptSomewhere(doc, brokenRouting)).toBe(true);
    expect(keptSomewhere(doc, brokenMaintenance)).toBe(true);
    expect((await r.ok<{ defaultChannelIds: string[] }>('monitors.alertSettings')).defaultChannelIds).toEqual([channel.id]);

    const ids = (await problems(r)).map((p) => p.id);
    expect(ids).toHaveLength(5);
    for (const id of ids) await r.ok('app.resolveProblem', { id, action: 'discard' });
    doc = readSettings(dirs.dataDir);
    for (const v of [brokenAlert, brokenRouting, brokenMaintenance]) expect(keptSomewhere(doc, v)).toBe(false);
    expect(doc.monitorMutes).not.toHaveProperty('m_gone');
    expect(doc.recentAlerts).toEqual([goodAlert]);
    expect(await problems(r)).toEqual([]);
  });

  it('the stacks remembered for a host that cannot be used are kept and listed; the host\'s stacks are listed from its containers', async () => {
    const lab = loadLab();
    const dirs = newRoot();
    const r0 = await boot(dirs);
    const host = await r0.ok<HostInfo>('hosts.add', { name: 'lab', kind: 'ssh', address: `root@127.0.0.1:${lab.ssh.port}`, socketPath: '/var/run/docker.sock', useAgent: false, keyId: null, identityFile: lab.keys.plain });
    await until('the host key asked', async () => (await r0.ok<HostInfo[]>('hosts.list')).find((h) => h.id === host.id)?.state.status === 'needs-hostkey', 30_000);
    await r0.ok('hosts.acceptHostKey', { hostname: '127.0.0.1', port: lab.ssh.port, fingerprint: lab.ssh.hostKeyFingerprint });
    await r0.stop();
    // A project remembered from an earlier deploy, its list of compose files lost in a hand edit.
    const brokenRemembered = { oldapp: { workingDir: '/srv/oldapp', services: ['web'] } };
    writeSettings(dirs.dataDir, { ...readSettings(dirs.dataDir), 'stacks.known': { [host.id]: brokenRemembered } });

    const r = await boot(dirs);
    await until('the lab connected', async () => (await r.ok<HostInfo[]>('hosts.list')).find((h) => h.id === host.id)?.state.status === 'connected', 60_000);
    const listed = (await r.ok<Array<{ hostId: string; stacks: Array<{ project: string }>; error: unknown }>>('stacks.list')).find((h) => h.hostId === host.id)!;
    expect(listed.error).toBeNull();
    expect(listed.stacks.map((s) => s.project)).toContain(lab.compose.project);
    // Listing saved what it saw; the entry it could not read is still in the file.
    const doc = readSettings(dirs.dataDir);
    expect((doc['stacks.known'] as Record<string, Record<string, unknown>>)[host.id]).toHaveProperty(lab.compose.project);
    expect(keptSomewhere(doc, brokenRemembered)).toBe(true);

    const list = await problems(r);
    const p = list.find((x) => x.id.startsWith('setting:stacks.known'));
    expect(p, JSON.stringify(list)).toBeDefined();
    expect(p!.reason).toMatch(/project "oldapp" that has no "configFiles"/);
    expect(p!.entry).toContain('the host "lab"');
    expect(p!.actions).toEqual(['discard']);
    await r.ok('app.resolveProblem', { id: p!.id, action: 'discard' });
    expect(keptSomewhere(readSettings(dirs.dataDir), brokenRemembered)).toBe(false);
    expect(await problems(r)).toEqual([]);
  });
});

describe('a settings file of the wrong shape', () => {
  it('starts, names each damaged entry and the file, keeps the values as they were, and works for everything else', async () => {
    const dirs = newRoot();
    const r0 = await boot(dirs);
    await r0.stop();
    const damaged = {
      hosts: 'nas.lan',
      monitors: { web: { type: 'http', name: 'web', url: 'http://nas.lan/' } },
      alertChannels: 42,
      monitorMutes: [1, 2],
    };
    writeSettings(dirs.dataDir, damaged);

    const r = await boot(dirs);
    const list = await problems(r);
    for (const key of Object.keys(damaged)) {
      const p = list.find((x) => x.id === `setting:${key}`);
      expect(p, `${key} in ${JSON.stringify(list)}`).toBeDefined();
      expect(p!.area).toBe('settings-file');
      expect(p!.entry).toContain(key);
      expect(p!.reason).toContain(settingsPath(dirs.dataDir));
      expect(p!.actions).toEqual(['discard']);
    }
    expect(list.find((x) => x.id === 'setting:hosts')!.reason).toMatch(/text, not a list/);
    expect(list.find((x) => x.id === 'setting:monitors')!.reason).toMatch(/not a list/);

    // Everything else works, and saving over a damaged entry keeps the old value in the file.
    await r.ok('monitors.add', webInput('web'));
    await r.ok('hosts.add', { name: 'nas', kind: 'ssh', address: 'root@127.0.0.1:1', socketPath: '/var/run/docker.sock', useAgent: false, keyId: null, identityFile: null });
    await r.ok('monitors.addChannel', { type: 'webhook', name: 'hook', url: `${targetUrl}/h` });
    const doc = readSettings(dirs.dataDir);
    for (const v of Object.values(damaged)) expect(keptSomewhere(doc, v), JSON.stringify(v)).toBe(true);
    expect((await problems(r)).map((p) => p.id).sort()).toEqual(Object.keys(damaged).map((k) => `setting:${k}`).sort());

    await r.ok('app.resolveProblem', { id: 'setting:hosts', action: 'discard' });
    expect(keptSomewhere(readSettings(dirs.dataDir), 'nas.lan')).toBe(false);
    expect((await r.ok<HostInfo[]>('hosts.list')).map((h) => h.name)).toEqual(['nas']);
  });

  function cli(dataDir: string, home: string) {
    const child = spawn(process.execPath, ['--import', 'tsx', 'electron/server/cli.ts', '--port', '0', '--data-dir', dataDir], {
      cwd: repo,
      env: { ...process.env, HOME: home },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    const exited = new Promise<number | null>((ok) => child.on('exit', (code) => ok(code)));
    return {
      exited,
      err: () => stderr,
      out: () => stdout,
      kill: () => child.kill('SIGTERM'),
    };
  }

  it.each([
    ['not JSON', '{\n  "hosts": [\n    { "id": "h_abcd", "name": "nas" },\n  ]\n', /not valid JSON.*line 4/s],
    ['a list instead of the settings object', '[{"id":"h_abcd"}]', /holds a list/],
    ['empty', '', /empty/],
  ])('refuses to start on a file that is %s, naming the file and the fix, and leaves it untouched', async (_what, text, reason) => {
    const dirs = newRoot();
    const p0 = cli(dirs.dataDir, dirs.home);
    // From source through tsx: slow to start on a busy machine.
    await until('first start', () => p0.out().includes('Homeport is running'), 90_000);
    p0.kill();
    await p0.exited;
    writeFileSync(settingsPath(dirs.dataDir), text, { mode: 0o600 });

    const p = cli(dirs.dataDir, dirs.home);
    const started = until('a start', () => p.out().includes('Homeport is running'), 90_000).then(() => 'started, over the damaged file', () => 'neither');
    const outcome = await Promise.race([p.exited, started]);
    p.kill();
    expect(outcome).toBe(1);
    expect(p.err()).toContain(settingsPath(dirs.dataDir));
    expect(p.err()).toMatch(reason);
    expect(p.err()).toMatch(/restore it from a backup|move it away/i);
    expect(p.err()).not.toMatch(/TypeError|SyntaxError|\n\s+at /);
    expect(readFileSync(settingsPath(dirs.dataDir), 'utf8')).toBe(text);
  }, 240_000);
});
