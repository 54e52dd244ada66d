import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HomeportError } from '../../../shared/contract';
import { createConfStore } from './conf-store';
import { countSealed, jsonErrorOffset, KEPT_ASIDE_KEY, readSettingsFile } from './settings-store';
import { thrownError } from '../test-support/errors';

// A host as the hosts service stores it (entries that cannot be used are hidden: settings-entries.ts).
const host = (id: string) => ({ id, name: 'nas', kind: 'ssh', user: 'root', hostname: 'nas.lan', port: 22, socketPath: '/var/run/docker.sock', useAgent: true, keyId: null, identityFile: null, passwordSealed: null });

// The settings file on disk through the real conf, as the headless mode and tests use it.
describe('the settings store', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'homeport-settings-'));
    file = join(dir, 'settings.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const onDisk = () => JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;

  it('hides an entry of the wrong shape, reports it, and moves it aside (as it was) when a new value is saved', () => {
    writeFileSync(file, JSON.stringify({ hosts: 'nas.lan', monitors: [{ id: 'm_1' }], globalMute: 'soon' }));
    const store = createConfStore(dir);
    expect(store.get('hosts')).toBeUndefined();
    expect(store.get('globalMute')).toBeUndefined();
    expect(store.get('monitors')).toEqual([{ id: 'm_1' }]);
    expect(store.damaged().map((d) => [d.key, d.reason, d.keptAside])).toEqual([
      ['hosts', 'is text, not a list', false],
      ['globalMute', 'is text, not a number', false],
    ]);
    // Untouched until a service writes the entry.
    expect(onDisk().hosts).toBe('nas.lan');
    store.set('hosts', [host('h_new')]);
    const doc = onDisk();
    expect(doc.hosts).toEqual([host('h_new')]);
    expect((doc[KEPT_ASIDE_KEY] as Record<string, { value: unknown }>).hosts!.value).toBe('nas.lan');
    expect(store.damaged().find((d) => d.key === 'hosts')).toMatchObject({ keptAside: true, reason: 'is text, not a list' });
    // A new instance reads the same, and the user can drop it.
    const again = createConfStore(dir);
    expect(again.get('hosts')).toEqual([host('h_new')]);
    again.discardDamaged('hosts');
    again.discardDamaged('globalMute');
    expect(again.damaged()).toEqual([]);
    expect(onDisk()).toEqual({ hosts: [host('h_new')], monitors: [{ id: 'm_1' }] });
  });

  it('hides one entry of a list or object that cannot be used, writes it back with every save, and removes it only when asked', () => {
    const name = Buffer.from('ssh-ed25519');
    const blob = Buffer.concat([Buffer.from([0, 0, 0, name.length]), name, Buffer.from([0, 0, 0, 32]), Buffer.alloc(32, 7)]);
    const good = { host: '[nas.lan]:2222', keyType: 'ssh-ed25519', key: blob.toString('base64'), addedAt: 1 };
    const broken = { host: 'router.lan' };
    writeFileSync(file, JSON.stringify({ knownHosts: [broken, good], monitorMutes: { m1: 123, m2: 'soon' } }));
    const store = createConfStore(dir);
    expect(store.get('knownHosts')).toEqual([good]);
    expect(store.get('monitorMutes')).toEqual({ m1: 123 });
    const listed = store.damaged();
    expect(listed.map((d) => [d.key.replace(/#.*/, '#'), d.entry, d.reason])).toEqual([
      ['knownHosts#', 'the host key you accepted for router.lan', 'has no "keyType"'],
      ['monitorMutes#', 'the mute of the monitor m2', 'is text, not a number'],
    ]);

    // Saves keep them, as they were; a new value under the same name moves the old one aside.
    store.set('knownHosts', []);
    store.set('monitorMutes', { m1: 5 });
    expect(onDisk()).toMatchObject({ knownHosts: [broken], monitorMutes: { m1: 5, m2: 'soon' } });
    store.set('monitorMutes', { m2: 9 });
    expect(onDisk().monitorMutes).toEqual({ m2: 9 });
    // Under the same id as before: the problem the user sees does not change.
    expect((onDisk()[KEPT_ASIDE_KEY] as Record<string, { value: unknown }>)[listed[1]!.key]!.value).toBe('soon');

    const again = createConfStore(dir);
    expect(again.get('knownHosts')).toEqual([]);
    const ids = again.damaged().map((d) => d.key);
    expect(ids).toEqual([listed[0]!.key, listed[1]!.key]);
    for (const id of ids) again.discardDamaged(id);
    expect(again.damaged()).toEqual([]);
    expect(onDisk()).toEqual({ knownHosts: [], monitorMutes: { m2: 9 } });
  });

  it('reads the file once: a change made behind its back is not read (and not silently merged)', () => {
    const store = createConfStore(dir);
    store.set('a', 1);
    writeFileSync(file, JSON.stringify({ a: 2 }));
    expect(store.get('a')).toBe(1);
  });

  it('writes several entries in one go, and leaves memory as it was when the write fails', () => {
    const store = createConfStore(dir);
    store.setMany({ a: 1, b: [2] });
    expect(onDisk()).toEqual({ a: 1, b: [2] });
    // A folder where the file should be: the write fails (even for root).
    rmSync(file);
    mkdirSync(file);
    expect(() => store.set('c', 3)).toThrow();
    expect(store.get('c')).toBeUndefined();
    expect(store.get('a')).toBe(1);
  });

  it('refuses a file that is not JSON, empty or not an object, naming the file, where, and the fix', () => {
    for (const [text, why] of [
      ['{"hosts": [1,]}', /not valid JSON \(line 1, column 14\)/],
      ['   ', /is empty/],
      ['[1]', /holds a list/],
      ['"x"', /holds text/],
    ] as const) {
      writeFileSync(file, text);
      const err = thrownError(() => readSettingsFile(file));
      expect(err.code).toBe('SETTINGS');
      expect(err.message).toContain(file);
      expect(err.message).toMatch(why);
      expect(err.fix).toMatch(/restore it from a backup/);
      expect(() => createConfStore(dir)).toThrow(HomeportError);
      expect(readFileSync(file, 'utf8')).toBe(text);
    }
    rmSync(file);
    expect(readSettingsFile(file)).toBeNull();
  });

  it('finds where a JSON text goes wrong', () => {
    for (const ok of ['{}', '[]', '{"a":[1,2,{"b":"c\\n\\u00e9"}],"d":-1.5e3,"e":true,"f":null}', ' "x" ']) expect(jsonErrorOffset(ok)).toBeNull();
    const t = '{\n  "hosts": [\n    { "id": "h_abcd", "name": "nas" },\n  ]\n';
    expect(t.slice(jsonErrorOffset(t)!)).toMatch(/^\]/);
    expect(jsonErrorOffset('{"a":1')).toBe(6);
    expect(jsonErrorOffset('{"a":1}x')).toBe(7);
    expect(jsonErrorOffset("{'a':1}")).toBe(1);
  });

  it('counts sealed secrets wherever they are', () => {
    expect(countSealed({ hosts: [{ passwordSealed: 'x' }, { passwordSealed: null }], keys: [{ sealed: 'y' }], pushHeartbeat: { sealedUrl: 'z' }, monitorSecrets: { m_1: 'w' }, [KEPT_ASIDE_KEY]: { alertChannels: { value: [{ sealed: 'v' }] } } })).toBe(5);
    expect(countSealed({ hosts: [{ name: 'nas' }] })).toBe(0);
  });
});
