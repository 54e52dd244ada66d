import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { HomeportError, type KeyId, type KeyInfo, type KeysApi } from '../../../shared/contract';
import { Emitter } from '../platform/emitter';
import type { Logger } from '../platform/platform';
import type { KeyVault } from '../ssh/key-vault';

/** What the keys announce. */
export interface KeysEvents {
  /** The whole list, after a key was imported, generated or removed. */
  changed: KeyInfo[];
}

/** The contract's view of the key vault: ids, fingerprints and public lines; never key material. */
export class KeysService implements KeysApi {
  readonly events: Emitter<KeysEvents>;

  constructor(
    private readonly vault: KeyVault,
    logger: Logger,
    private readonly homeDir: string,
    /** Hosts that used a removed key forget it (before the key is announced gone; a failure fails the removal). */
    private readonly onRemoved: (id: KeyId) => void,
  ) {
    this.events = new Emitter(logger, 'keys');
  }

  async list(): Promise<KeyInfo[]> {
    return this.vault.list();
  }

  async import(input: { name: string; path: string | null; privateKey: string | null; passphrase: string | null }): Promise<KeyInfo> {
    let pem = input.privateKey;
    if (input.path !== null) {
      const file = input.path.startsWith('~/') ? path.join(this.homeDir, input.path.slice(2)) : input.path;
      try {
        pem = await readFile(file, 'utf8');
      } catch (e) {
        throw new HomeportError({
          code: 'KEY_INVALID',
          message: `Cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'}).`,
          fix: 'Check the path of the private key file (for example ~/.ssh/id_ed25519).',
          details: { field: 'path' },
        });
      }
    }
    const info = this.vault.import({ name: input.name, pem: pem ?? '', passphrase: input.passphrase || null });
    this.changed();
    return info;
  }

  async generate(input: { comment: string; passphrase: string | null }): Promise<KeyInfo> {
    const info = this.vault.generate({ comment: input.comment, passphrase: input.passphrase || null });
    this.changed();
    return info;
  }

  async remove({ id }: { id: KeyId }): Promise<void> {
    this.vault.remove(id);
    this.onRemoved(id);
    this.changed();
  }

  private changed(): void {
    this.events.emit('changed', this.vault.list());
  }
}
