import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { DocumentStore, SecretBox } from '../platform/platform';

/** In-memory DocumentStore for unit tests (JSON round-trip, like conf). */
export class MemoryStore implements DocumentStore {
  readonly data = new Map<string, string>();
  get(key: string): unknown {
    const v = this.data.get(key);
    return v === undefined ? undefined : JSON.parse(v);
  }
  set(key: string, value: unknown): void {
    this.data.set(key, JSON.stringify(value));
  }
  delete(key: string): void {
    this.data.delete(key);
  }
  /** Everything as it would be written to disk. */
  dump(): string {
    return JSON.stringify(Object.fromEntries(this.data));
  }
}

/** AES-256-GCM SecretBox with a random in-memory key, for unit tests. */
export class TestSecretBox implements SecretBox {
  readonly kind = 'test';
  private readonly key = randomBytes(32);
  encrypt(plain: Buffer): Buffer {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([c.update(plain), c.final()]);
    return Buffer.concat([iv, c.getAuthTag(), body]);
  }
  decrypt(sealed: Buffer): Buffer {
    const d = createDecipheriv('aes-256-gcm', this.key, sealed.subarray(0, 12));
    d.setAuthTag(sealed.subarray(12, 28));
    return Buffer.concat([d.update(sealed.subarray(28)), d.final()]);
  }
}
