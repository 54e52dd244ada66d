import { randomBytes } from 'node:crypto';
// ssh2 is CommonJS: Node's ESM loader cannot see its named exports, so take the default export.
import ssh2, { type ParsedKey } from 'ssh2';
import { HomeportError, KeyId, type KeyInfo } from '../../../shared/contract';
import type { DocumentStore, SecretBox } from '../platform/platform';
import { fingerprintOf } from './known-hosts';

/**
 * Homeport's own SSH keys: imported or generated, stored sealed by the platform's SecretBox.
 * On disk (DocumentStore `keys`) only public facts are in clear text; the private key and its
 * passphrase live inside `sealed`. `material()` hands them to the SSH layer and nowhere else
 * (secrets never cross the contract).
 */

export const KEYS_STORE_KEY = 'keys';

const { utils } = ssh2;

interface StoredKey extends Omit<KeyInfo, 'id'> {
  id: string;
  /** base64 of secrets.encrypt(JSON.stringify({ pem, passphrase })) */
  sealed: string;
}

export interface KeyMaterial {
  privateKey: Buffer;
  passphrase: string | null;
}

/** How a private key text fared against ssh2's parser. */
export type KeyCheck =
  | { ok: true; key: ParsedKey; encrypted: boolean }
  | { ok: false; code: 'KEY_PASSPHRASE'; reason: 'missing' | 'wrong' }
  | { ok: false; code: 'KEY_INVALID'; reason: 'public' | 'unreadable' };

function firstKey(parsed: ParsedKey | ParsedKey[] | Error): ParsedKey | Error {
  if (Array.isArray(parsed)) return parsed[0] ?? new Error('no key');
  return parsed;
}

/**
 * Parse a private key the way the SSH layer will use it. ssh2's parseKey returns an Error instead
 * of throwing; its messages tell an encrypted key apart ("… but no passphrase given").
 */
export function checkPrivateKey(pem: Buffer | string, passphrase: string | null): KeyCheck {
  const plain = firstKey(utils.parseKey(pem));
  if (!(plain instanceof Error)) {
    return plain.isPrivateKey() ? { ok: true, key: plain, encrypted: false } : { ok: false, code: 'KEY_INVALID', reason: 'public' };
  }
  if (!/no passphrase given/i.test(plain.message)) return { ok: false, code: 'KEY_INVALID', reason: 'unreadable' };
  if (passphrase === null || passphrase === '') return { ok: false, code: 'KEY_PASSPHRASE', reason: 'missing' };
  const dec = firstKey(utils.parseKey(pem, passphrase));
  if (dec instanceof Error || !dec.isPrivateKey()) return { ok: false, code: 'KEY_PASSPHRASE', reason: 'wrong' };
  return { ok: true, key: dec, encrypted: true };
}

type KeyProblem = Exclude<KeyCheck, { ok: true }>['reason'];

/** What a user is told for each way a key can fail the check; `label` names the key (never its content). */
const KEY_PROBLEMS: Record<KeyProblem, { message(label: string): string; fix: string }> = {
  missing: { message: (label) => `This key is protected by a passphrase (${label}).`, fix: 'Enter the key\'s passphrase.' },
  wrong: {
    message: (label) => `The passphrase does not unlock this key (${label}).`,
    fix: 'Enter the passphrase again; it is the one chosen when the key was created (ssh-keygen -p changes it).',
  },
  public: {
    message: (label) => `This is a public key, not a private key (${label}).`,
    fix: 'Use the private key file: the one without .pub, starting with "-----BEGIN".',
  },
  unreadable: {
    message: (label) => `This is not a private key Homeport can read (${label}).`,
    fix: 'Use an OpenSSH private key ("-----BEGIN OPENSSH PRIVATE KEY-----") or a PEM RSA/ECDSA key; ssh-keygen -p -f <file> rewrites other formats as OpenSSH.',
  },
};

/** The HomeportError for a failed check; `label` names the key in the message (never its content). */
export function keyCheckError(check: Exclude<KeyCheck, { ok: true }>, label: string): HomeportError {
  const problem = KEY_PROBLEMS[check.reason];
  return new HomeportError({ code: check.code, message: problem.message(label), fix: problem.fix, details: { key: label, reason: check.reason } });
}

function newKeyId(): KeyId {
  return KeyId('k_' + randomBytes(12).toString('base64url'));
}

/** Pasted keys often carry CRLF line ends, indentation or missing final newline. */
function normalisePem(pem: string): string {
  return pem.replace(/\r\n?/g, '\n').split('\n').map((l) => l.trim()).join('\n').trim() + '\n';
}

function isStoredKey(v: unknown): v is StoredKey {
  if (typeof v !== 'object' || v === null) return false;
  const k = v as Record<string, unknown>;
  return typeof k.id === 'string' && typeof k.sealed === 'string' && typeof k.fingerprint === 'string';
}

/** The key signs a probe and its public half verifies it: the pair is whole. */
function signsAndVerifies(key: ParsedKey): boolean {
  const probe = Buffer.from('homeport key check');
  const sig = key.sign(probe);
  return !(sig instanceof Error) && key.verify(probe, sig) === true;
}

export class KeyVault {
  constructor(
    private readonly store: DocumentStore,
    private readonly secrets: SecretBox,
  ) {}

  list(): KeyInfo[] {
    return this.stored().map(toInfo);
  }

  get(id: KeyId): KeyInfo {
    return toInfo(this.find(id));
  }

  import(input: { name: string; pem: string; passphrase: string | null }): KeyInfo {
    const pem = normalisePem(input.pem);
    const label = input.name.trim() || 'pasted key';
    const check = checkPrivateKey(pem, input.passphrase);
    if (!check.ok) throw keyCheckError(check, label);
    const comment = input.name.trim() || check.key.comment.trim() || 'imported key';
    return this.save(check.key, comment, pem, check.encrypted ? input.passphrase : null);
  }

  generate(input: { comment: string; passphrase: string | null }): KeyInfo {
    const comment = input.comment.trim();
    const passphrase = input.passphrase === '' ? null : input.passphrase;
    // ssh2's encoder drops leading zero bytes of the key material, so about one ed25519 key in
    // three hundred comes out malformed (OpenSSH refuses it too). Every key is read back and
    // proven by a signature before it is kept; a malformed one is simply generated again.
    for (let attempt = 0; attempt < 20; attempt++) {
      const pair = utils.generateKeyPairSync(
        'ed25519',
        passphrase === null ? { comment } : { comment, passphrase, cipher: 'aes256-ctr' },
      );
      const check = checkPrivateKey(pair.private, passphrase);
      if (check.ok && signsAndVerifies(check.key)) return this.save(check.key, comment, pair.private, passphrase);
    }
    throw new HomeportError({ code: 'INTERNAL', message: 'A freshly generated key could not be read back.', fix: 'Try again, or generate the key with ssh-keygen and import it.' });
  }

  remove(id: KeyId): void {
    const all = this.stored();
    const keep = all.filter((k) => k.id !== id);
    if (keep.length === all.length) throw notFound(id);
    this.store.set(KEYS_STORE_KEY, keep);
  }

  /** The private key and passphrase, for the SSH layer only (never returned through the contract). */
  material(id: KeyId): KeyMaterial {
    const k = this.find(id);
    let opened: { pem?: unknown; passphrase?: unknown };
    try {
      opened = JSON.parse(this.secrets.decrypt(Buffer.from(k.sealed, 'base64')).toString('utf8')) as typeof opened;
    } catch (e) {
      throw new HomeportError(
        {
          code: 'KEY_INVALID',
          message: `The stored key "${k.comment}" (${k.fingerprint}) could not be decrypted (${this.secrets.kind}).`,
          fix: 'The encryption key of this computer changed; import or generate the key again.',
          details: { keyId: k.id },
        },
        { cause: e },
      );
    }
    if (typeof opened.pem !== 'string') {
      throw new HomeportError({ code: 'KEY_INVALID', message: `The stored key "${k.comment}" is damaged.`, fix: 'Import or generate it again.' });
    }
    return { privateKey: Buffer.from(opened.pem), passphrase: typeof opened.passphrase === 'string' ? opened.passphrase : null };
  }

  private save(key: ParsedKey, comment: string, pem: string, passphrase: string | null): KeyInfo {
    const blob = key.getPublicSSH();
    const fingerprint = fingerprintOf(blob);
    const all = this.stored();
    const dup = all.find((k) => k.fingerprint === fingerprint);
    if (dup) {
      throw new HomeportError({
        code: 'CONFLICT',
        message: `This key is already in Homeport as "${dup.comment}" (${fingerprint}).`,
        fix: 'Use the existing key, or remove it first.',
        details: { keyId: dup.id, fingerprint },
      });
    }
    const info: KeyInfo = {
      id: newKeyId(),
      type: key.type,
      comment,
      fingerprint,
      publicLine: `${key.type} ${blob.toString('base64')}${comment ? ` ${comment}` : ''}`,
      hasPassphrase: passphrase !== null,
      createdAt: Date.now(),
    };
    const sealed = this.secrets.encrypt(Buffer.from(JSON.stringify({ pem, passphrase }), 'utf8')).toString('base64');
    this.store.set(KEYS_STORE_KEY, [...all, { ...info, sealed }]);
    return info;
  }

  private stored(): StoredKey[] {
    const raw = this.store.get(KEYS_STORE_KEY);
    return Array.isArray(raw) ? raw.filter(isStoredKey) : [];
  }

  private find(id: KeyId): StoredKey {
    const k = this.stored().find((x) => x.id === id);
    if (!k) throw notFound(id);
    return k;
  }
}

function toInfo(k: StoredKey): KeyInfo {
  return {
    id: KeyId(k.id),
    type: k.type,
    comment: k.comment,
    fingerprint: k.fingerprint,
    publicLine: k.publicLine,
    hasPassphrase: k.hasPassphrase,
    createdAt: k.createdAt,
  };
}

function notFound(id: string): HomeportError {
  return new HomeportError({
    code: 'NOT_FOUND',
    message: `There is no key ${id} in Homeport.`,
    fix: 'Reload the list of keys; it may have been removed.',
    details: { keyId: id },
  });
}
