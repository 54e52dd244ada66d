/**
 * What the monitors' store and the channels share about their stored entries.
 *
 * Stored monitors and channels that cannot be read (an entry that is not valid, secrets sealed
 * with another key) are kept in the settings file as they were and written back with every save,
 * until the user removes them or they can be read again — never dropped silently.
 */
import path from 'node:path';
import { HomeportError } from '../../../shared/model/errors';
import type { Platform } from '../platform/platform';

/** A stored monitor or channel that cannot be read: kept in the file as it was, and reported. */
export interface UnreadableEntry {
  kind: 'monitor' | 'channel';
  /** Its id, or `#<position>` for an entry without one. */
  key: string;
  name: string;
  reason: string;
  fix: string;
  /** Its secrets cannot be opened (as opposed to an entry that is not valid). */
  sealedProblem: boolean;
}

/** The settings file, for messages. */
export function settingsFileOf(platform: Platform): string {
  return platform.store.file ?? path.join(platform.dataDir, 'settings.json');
}

/** What to do about secrets that cannot be opened, in this platform's terms. */
export function sealedFix(platform: Platform, what: string): string {
  const keyFile = platform.secrets.keyFile;
  return keyFile
    ? `If ${keyFile} was replaced or lost, put the original back and choose "Check again". Otherwise remove ${what} and add it again.`
    : `If this computer's keyring was reset, or the settings come from another computer or user, remove ${what} and add it again.`;
}

/** The id and the name a stored entry shows in messages (`#<position>` and "number N" when it has none). */
export function entryKey(o: Record<string, unknown> | null, index: number): { id: string | null; key: string; name: string } {
  const id = typeof o?.id === 'string' && o.id !== '' ? o.id : null;
  const name = typeof o?.name === 'string' && o.name.trim() ? o.name : (id ?? `number ${index + 1}`);
  return { id, key: id ?? `#${index}`, name };
}

/** A monitor or channel the user named is not there (any more). */
export function notFound(what: 'monitor' | 'channel'): HomeportError {
  return new HomeportError({ code: 'NOT_FOUND', message: `There is no such ${what}.`, fix: 'Reload the list.' });
}
