import type { Client } from '../../../shared/contract';

/**
 * The one typed client of the app. main.tsx installs it (from the selected bridge); tests install
 * one built on an in-memory bridge. Everything else reads it through `client()`.
 */
let current: Client | null = null;

export function installClient(c: Client | null): void {
  current = c;
}

export function client(): Client {
  if (!current) throw new Error('Homeport client used before main.tsx installed it');
  return current;
}
