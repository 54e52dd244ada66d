import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { HomeportError } from '../../../shared/contract';
import type { DocumentStore } from '../platform/platform';

/**
 * Host key checking as OpenSSH does it (sshconnect.c check_host_key, hostfile.c, match.c):
 * Homeport's own accepted keys (DocumentStore `knownHosts`) plus, read-only, the user's
 * ~/.ssh/known_hosts. An unknown key must be accepted by the user; a changed or revoked key is
 * refused and never replaced silently.
 */

export type HostKeyVerdict =
  | { verdict: 'trusted' }
  /**
   * `known`: keys of *other* types remembered for this host. Not empty means the server no longer
   * offers the type it was known by (a changed sshd, or someone in between): warned about, not
   * treated as a first contact.
   */
  | { verdict: 'unknown'; keyType: string; fingerprint: string; known: Array<{ keyType: string; fingerprint: string }> }
  /** `expected`: remembered fingerprints for this host and key type. `revoked`: the key is marked @revoked. */
  | { verdict: 'changed'; keyType: string; fingerprint: string; expected: string[]; revoked?: boolean };

/** One key Homeport accepted, as stored under the DocumentStore key `knownHosts`. */
export interface StoredHostKey {
  /** `hostname` for port 22, `[hostname]:port` otherwise, lowercase (as OpenSSH writes it). */
  host: string;
  keyType: string;
  /** The key blob, base64. */
  key: string;
  addedAt: number;
}

export const KNOWN_HOSTS_STORE_KEY = 'knownHosts';

/** `SHA256:<base64 without padding>`, as `ssh-keygen -lf` and OpenSSH print it. */
export function fingerprintOf(keyBlob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '');
}

/** The key type named inside an SSH public key blob (`ssh-ed25519`, `ssh-rsa`…), or null if malformed. */
export function keyTypeOf(keyBlob: Buffer): string | null {
  if (keyBlob.length < 4) return null;
  const len = keyBlob.readUInt32BE(0);
  if (len < 1 || len > 64 || keyBlob.length < 4 + len) return null;
  const type = keyBlob.subarray(4, 4 + len).toString('latin1');
  return /^[A-Za-z0-9@._+-]+$/.test(type) ? type : null;
}

/** How OpenSSH names a key type in its prompts: ED25519, RSA, ECDSA… */
export function displayKeyType(keyType: string): string {
  if (keyType === 'ssh-ed25519') return 'ED25519';
  if (keyType === 'ssh-rsa') return 'RSA';
  if (keyType === 'ssh-dss') return 'DSA';
  if (keyType.startsWith('ecdsa-sha2-')) return 'ECDSA';
  if (keyType.startsWith('sk-ssh-ed25519')) return 'ED25519-SK';
  if (keyType.startsWith('sk-ecdsa-')) return 'ECDSA-SK';
  return keyType.toUpperCase();
}

/** The name a host is filed under in known_hosts: `hostname` on port 22, `[hostname]:port` otherwise. */
export function knownHostsName(hostname: string, port: number): string {
  const h = hostname.toLowerCase();
  return port === 22 ? h : `[${h}]:${port}`;
}

/** OpenSSH's match_pattern: `*` is any run of characters, `?` exactly one. */
export function matchPattern(s: string, pattern: string): boolean {
  // Iterative glob with backtracking on the last `*` (linear enough for host names).
  let si = 0;
  let pi = 0;
  let star = -1;
  let mark = 0;
  while (si < s.length) {
    const pc = pattern[pi];
    if (pc === '?' || (pc !== undefined && pc !== '*' && pc === s[si])) {
      si++;
      pi++;
    } else if (pc === '*') {
      star = pi++;
      mark = si;
    } else if (star >= 0) {
      pi = star + 1;
      si = ++mark;
    } else {
      return false;
    }
  }
  while (pattern[pi] === '*') pi++;
  return pi === pattern.length;
}

/**
 * OpenSSH's match_pattern_list (match.c): a comma list; a matching `!pattern` rules the host out
 * whatever else matches; otherwise any positive match is a match. Case-insensitive.
 */
export function matchPatternList(s: string, list: string): boolean {
  const str = s.toLowerCase();
  let positive = false;
  for (const raw of list.toLowerCase().split(',')) {
    const negated = raw.startsWith('!');
    const pattern = negated ? raw.slice(1) : raw;
    if (pattern === '') continue;
    if (matchPattern(str, pattern)) {
      if (negated) return false;
      positive = true;
    }
  }
  return positive;
}

/** `|1|salt|hmac`: HMAC-SHA1 of the host name with the salt (hostfile.c host_hash). */
function hashedMatches(field: string, hostName: string): boolean {
  const parts = field.split('|');
  // ['', '1', salt, hash]
  if (parts.length !== 4 || parts[1] !== '1') return false;
  const salt = Buffer.from(parts[2]!, 'base64');
  const want = Buffer.from(parts[3]!, 'base64');
  if (salt.length !== 20 || want.length !== 20) return false;
  const got = createHmac('sha1', salt).update(hostName).digest();
  return timingSafeEqual(got, want);
}

interface HostKeyEntry {
  keyType: string;
  blob: Buffer;
  revoked: boolean;
}

/**
 * Entries of a known_hosts text that apply to `hostName` (as `knownHostsName` makes it). Bad lines
 * are skipped, as OpenSSH does; `@cert-authority` lines are ignored (Homeport does not do host
 * certificates).
 */
export function parseKnownHosts(text: string, hostName: string): HostKeyEntry[] {
  const out: HostKeyEntry[] = [];
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    let marker: string | null = null;
    if (fields[0]!.startsWith('@')) marker = fields.shift()!;
    if (marker !== null && marker !== '@revoked') continue; // @cert-authority or unknown marker
    const [hosts, keyType, b64] = fields;
    if (hosts === undefined || keyType === undefined || b64 === undefined) continue;
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) continue; // also drops SSH1 "bits e n" lines
    const blob = Buffer.from(b64, 'base64');
    if (keyTypeOf(blob) !== keyType) continue;
    const matches = hosts.startsWith('|') ? hashedMatches(hosts, hostName) : matchPatternList(hostName, hosts);
    if (matches) out.push({ keyType, blob, revoked: marker === '@revoked' });
  }
  return out;
}

function isStoredHostKey(v: unknown): v is StoredHostKey {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Record<string, unknown>;
  return typeof e.host === 'string' && typeof e.keyType === 'string' && typeof e.key === 'string';
}

export class KnownHosts {
  private readonly store: DocumentStore;
  private readonly userKnownHostsFile: string | null;
  /** Keys last seen as 'unknown', so an accept by fingerprint can be matched to the real blob. */
  private readonly pending = new Map<string, Buffer>();

  constructor(opts: { store: DocumentStore; userKnownHostsFile: string | null }) {
    this.store = opts.store;
    this.userKnownHostsFile = opts.userKnownHostsFile;
  }

  check(hostname: string, port: number, keyBlob: Buffer): HostKeyVerdict {
    const name = knownHostsName(hostname, port);
    const keyType = keyTypeOf(keyBlob) ?? 'unknown';
    const fingerprint = fingerprintOf(keyBlob);
    const entries = [...this.ownEntries(name), ...this.userEntries(name)];

    // A revoked key is refused even if another line trusts it (hostfile.c checks revocation first).
    if (entries.some((e) => e.revoked && e.blob.equals(keyBlob))) {
      const expected = this.fingerprints(entries.filter((e) => !e.revoked && e.keyType === keyType && !e.blob.equals(keyBlob)));
      return { verdict: 'changed', keyType, fingerprint, expected, revoked: true };
    }
    const live = entries.filter((e) => !e.revoked);
    if (live.some((e) => e.blob.equals(keyBlob))) return { verdict: 'trusted' };
    const sameType = live.filter((e) => e.keyType === keyType);
    if (sameType.length > 0) return { verdict: 'changed', keyType, fingerprint, expected: this.fingerprints(sameType) };
    // No key of this type is remembered: OpenSSH asks, so do we — and, like OpenSSH ("but keys of
    // different type are already known for this host"), says which keys of other types are known.
    this.pending.set(`${name} ${fingerprint}`, Buffer.from(keyBlob));
    if (this.pending.size > 64) this.pending.delete(this.pending.keys().next().value!); // oldest first
    const known = [...new Map(live.map((e) => [fingerprintOf(e.blob), { keyType: e.keyType, fingerprint: fingerprintOf(e.blob) }])).values()];
    return { verdict: 'unknown', keyType, fingerprint, known };
  }

  /**
   * The key types remembered (and not revoked) for a host, so the connection can ask the server
   * for one of them first: a server with several host keys is then checked against the one we
   * know instead of looking like a new host (OpenSSH orders HostKeyAlgorithms the same way).
   */
  knownKeyTypes(hostname: string, port: number): string[] {
    const name = knownHostsName(hostname, port);
    return [...new Set([...this.ownEntries(name), ...this.userEntries(name)].filter((e) => !e.revoked).map((e) => e.keyType))];
  }

  /**
   * Remember a key the user accepted. Refuses (HOSTKEY_CHANGED) when it would replace or contradict
   * a remembered key: a changed key is never accepted silently; `forget` the old one first.
   */
  accept(hostname: string, port: number, keyBlob: Buffer): void {
    const keyType = keyTypeOf(keyBlob);
    if (keyType === null) {
      throw new HomeportError({
        code: 'VALIDATION',
        message: 'The host key to accept is malformed.',
        fix: 'Connect to the host again and accept the key it presents.',
      });
    }
    const verdict = this.check(hostname, port, keyBlob);
    if (verdict.verdict === 'trusted') return;
    if (verdict.verdict === 'changed') {
      throw new HomeportError({
        code: 'HOSTKEY_CHANGED',
        message:
          `Refusing to accept ${displayKeyType(keyType)} ${verdict.fingerprint} for ${hostname}:${port}: ` +
          (verdict.revoked ? 'that key is marked @revoked in known_hosts.' : `a different key is remembered (${verdict.expected.join(', ')}).`),
        fix: 'If the server really changed its key, remove the old one first: forget it in Homeport, and run ' +
          `ssh-keygen -R '${knownHostsName(hostname, port)}' for ~/.ssh/known_hosts.`,
        details: { hostname, port, keyType, fingerprint: verdict.fingerprint, expected: verdict.expected.join(',') },
      });
    }
    const list = this.ownList();
    list.push({ host: knownHostsName(hostname, port), keyType, key: keyBlob.toString('base64'), addedAt: Date.now() });
    this.store.set(KNOWN_HOSTS_STORE_KEY, list);
    this.pending.delete(`${knownHostsName(hostname, port)} ${verdict.fingerprint}`);
  }

  /**
   * Accept the key this process last saw as 'unknown' for that host with that fingerprint (the UI
   * only knows the fingerprint it showed). NOT_FOUND if no such key was presented.
   */
  acceptFingerprint(hostname: string, port: number, fingerprint: string): void {
    const blob = this.pending.get(`${knownHostsName(hostname, port)} ${fingerprint}`);
    if (!blob) {
      throw new HomeportError({
        code: 'NOT_FOUND',
        message: `${hostname}:${port} has not presented a host key with fingerprint ${fingerprint} in this session.`,
        fix: 'Connect to the host again, then accept the fingerprint it shows.',
        details: { hostname, port, fingerprint },
      });
    }
    this.accept(hostname, port, blob);
  }

  /** Drop Homeport's own remembered keys for a host (all types, or one). Returns how many were removed. */
  forget(hostname: string, port: number, keyType?: string): number {
    const name = knownHostsName(hostname, port);
    const list = this.ownList();
    const keep = list.filter((e) => !(e.host === name && (keyType === undefined || e.keyType === keyType)));
    if (keep.length !== list.length) this.store.set(KNOWN_HOSTS_STORE_KEY, keep);
    return list.length - keep.length;
  }

  /** Homeport's own accepted keys (public data). */
  list(): StoredHostKey[] {
    return this.ownList();
  }

  private ownList(): StoredHostKey[] {
    const raw = this.store.get(KNOWN_HOSTS_STORE_KEY);
    return Array.isArray(raw) ? raw.filter(isStoredHostKey) : [];
  }

  private ownEntries(name: string): HostKeyEntry[] {
    return this.ownList()
      .filter((e) => e.host.toLowerCase() === name)
      .map((e) => ({ keyType: e.keyType, blob: Buffer.from(e.key, 'base64'), revoked: false }))
      .filter((e) => keyTypeOf(e.blob) === e.keyType);
  }

  private userEntries(name: string): HostKeyEntry[] {
    if (this.userKnownHostsFile === null) return [];
    let text: string;
    try {
      text = readFileSync(this.userKnownHostsFile, 'utf8');
    } catch {
      return []; // missing or unreadable: OpenSSH carries on without it too
    }
    return parseKnownHosts(text, name);
  }

  private fingerprints(entries: HostKeyEntry[]): string[] {
    return [...new Set(entries.map((e) => fingerprintOf(e.blob)))];
  }
}
