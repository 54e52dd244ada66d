import type { DocumentStore } from '../platform/platform';
/**
 * Host key checking as OpenSSH does it (sshconnect.c check_host_key, hostfile.c, match.c):
 * Homeport's own accepted keys (DocumentStore `knownHosts`) plus, read-only, the user's
 * ~/.ssh/known_hosts. An unknown key must be accepted by the user; a changed or revoked key is
 * refused and never replaced silently.
 */
export type HostKeyVerdict = {
    verdict: 'trusted';
} | {
    verdict: 'unknown';
    keyType: string;
    fingerprint: string;
}
/** `expected`: remembered fingerprints for this host and key type. `revoked`: the key is marked @revoked. */
 | {
    verdict: 'changed';
    keyType: string;
    fingerprint: string;
    expected: string[];
    revoked?: boolean;
};
/** One key Homeport accepted, as stored under the DocumentStore key `knownHosts`. */
export interface StoredHostKey {
    /** `hostname` for port 22, `[hostname]:port` otherwise, lowercase (as OpenSSH writes it). */
    host: string;
    keyType: string;
    /** The key blob, base64. */
    key: string;
    addedAt: number;
}
export declare const KNOWN_HOSTS_STORE_KEY = "knownHosts";
/** `SHA256:<base64 without padding>`, as `ssh-keygen -lf` and OpenSSH print it. */
export declare function fingerprintOf(keyBlob: Buffer): string;
/** The key type named inside an SSH public key blob (`ssh-ed25519`, `ssh-rsa`…), or null if malformed. */
export declare function keyTypeOf(keyBlob: Buffer): string | null;
/** How OpenSSH names a key type in its prompts: ED25519, RSA, ECDSA… */
export declare function displayKeyType(keyType: string): string;
/** The name a host is filed under in known_hosts: `hostname` on port 22, `[hostname]:port` otherwise. */
export declare function knownHostsName(hostname: string, port: number): string;
/** OpenSSH's match_pattern: `*` is any run of characters, `?` exactly one. */
export declare function matchPattern(s: string, pattern: string): boolean;
/**
 * OpenSSH's match_pattern_list (match.c): a comma list; a matching `!pattern` rules the host out
 * whatever else matches; otherwise any positive match is a match. Case-insensitive.
 */
export declare function matchPatternList(s: string, list: string): boolean;
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
export declare function parseKnownHosts(text: string, hostName: string): HostKeyEntry[];
export declare class KnownHosts {
    private readonly store;
    private readonly userKnownHostsFile;
    /** Keys last seen as 'unknown', so an accept by fingerprint can be matched to the real blob. */
    private readonly pending;
    constructor(opts: {
        store: DocumentStore;
        userKnownHostsFile: string | null;
    });
    check(hostname: string, port: number, keyBlob: Buffer): HostKeyVerdict;
    /**
     * Remember a key the user accepted. Refuses (HOSTKEY_CHANGED) when it would replace or contradict
     * a remembered key: a changed key is never accepted silently; `forget` the old one first.
     */
    accept(hostname: string, port: number, keyBlob: Buffer): void;
    /**
     * Accept the key this process last saw as 'unknown' for that host with that fingerprint (the UI
     * only knows the fingerprint it showed). NOT_FOUND if no such key was presented.
     */
    acceptFingerprint(hostname: string, port: number, fingerprint: string): void;
    /** Drop Homeport's own remembered keys for a host (all types, or one). Returns how many were removed. */
    forget(hostname: string, port: number, keyType?: string): number;
    /** Homeport's own accepted keys (public data). */
    list(): StoredHostKey[];
    private ownList;
    private ownEntries;
    private userEntries;
    private fingerprints;
}
export {};
