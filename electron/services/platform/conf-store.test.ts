import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createConfStore } from './conf-store';

describe('createConfStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'homeport-conf-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('stores JSON documents in <dataDir>/settings.json, readable by a new instance', () => {
    const store = createConfStore(dir);
    expect(store.get('hosts')).toBeUndefined();
    store.set('hosts', [{ id: 'h_abcd', name: 'nas' }]);
    store.set('version', 3);
    const file = join(dir, 'settings.json');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ hosts: [{ id: 'h_abcd', name: 'nas' }], version: 3 });
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(createConfStore(dir).get('hosts')).toEqual([{ id: 'h_abcd', name: 'nas' }]);
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
