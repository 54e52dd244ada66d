import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createConfStore } from './conf-store';

// A host as the hosts service stores it (entries that cannot be used are hidden: settings-entries.ts).
const host = (id: string) => ({ id, name: 'nas', kind: 'ssh', user: 'root', hostname: 'nas.lan', port: 22, socketPath: '/var/run/docker.sock', useAgent: true, keyId: null, identityFile: null, passwordSealed: null });

describe('createConfStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'homeport-conf-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('stores JSON documents in <dataDir>/settings.json, readable by a new instance', () => {
    const store = createConfStore(dir);
    expect(store.get('hosts')).toBeUndefined();
    store.set('hosts', [host('h_abcd')]);
    store.set('version', 3);
    const file = join(dir, 'settings.json');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ hosts: [host('h_abcd')], version: 3 });
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(createConfStore(dir).get('hosts')).toEqual([host('h_abcd')]);
  });

  it('treats keys as plain names (dots included) and deletes', () => {
    const store = createConfStore(dir);
    store.set('known.host:22', 'x');
    expect(store.get('known.host:22')).toBe('x');
    expect(store.get('known')).toBeUndefined();
    store.delete('known.host:22');
    expect(store.get('known.host:22')).toBeUndefined();
  });

  it('setting undefined forgets the key instead of throwing', () => {
    const store = createConfStore(dir);
    store.set('a', 1);
    store.set('a', undefined);
    expect(store.get('a')).toBeUndefined();
  });

  it('returns copies: changing a returned object does not change the store', () => {
    const store = createConfStore(dir);
    store.set('list', [1, 2]);
    (store.get('list') as number[]).push(3);
    expect(store.get('list')).toEqual([1, 2]);
  });
});
