import type { StateCreator } from 'zustand';
import { client } from '../api/client';
import type { AppState, KeysSlice } from './types';

export const createKeysSlice: StateCreator<AppState, [], [], KeysSlice> = (set) => ({
  keys: [],
  keysLoaded: false,
  async importKey(input) {
    const key = await client().keys.import(input);
    set((s) => (s.keys.some((k) => k.id === key.id) ? {} : { keys: [...s.keys, key] }));
    return key;
  },
  async generateKey(input) {
    const key = await client().keys.generate(input);
    set((s) => (s.keys.some((k) => k.id === key.id) ? {} : { keys: [...s.keys, key] }));
    return key;
  },
  async removeKey(id) {
    await client().keys.remove({ id });
    set((s) => ({ keys: s.keys.filter((k) => k.id !== id) }));
  },
});
