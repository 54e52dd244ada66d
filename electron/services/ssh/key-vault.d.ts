import { type ParsedKey } from 'ssh2';
import { HomeportError, KeyId, type KeyInfo } from '../../../shared/contract';
import type { DocumentStore, SecretBox } from '../platform/platform';
/**
 * Homeport's own SSH keys: imported or generated, stored sealed by the platform's SecretBox.
 * On disk (DocumentStore `keys`) only public facts are in clear text; the private key and its
 * passphrase live inside `sealed`. `material()` hands them to the SSH layer and nowhere else
 * (DESIGN.md: secrets never cross the contract).
 */
export declare const KEYS_STORE_KEY = "keys";
export interface KeyMaterial {
    privateKey: Buffer;
    passphrase: string | null;
}
/** How a private key text fared against ssh2's parser. */
export type KeyCheck = {
    ok: true;
    key: ParsedKey;
    encrypted: boolean;
} | {
    ok: false;
    code: 'KEY_PASSPHRASE';
    reason: 'missing' | 'wrong';
} | {
    ok: false;
    code: 'KEY_INVALID';
    reason: 'public' | 'unreadable';
};
/**
 * Parse a private key the way the SSH layer will use it. ssh2's parseKey returns an Error instead
 * of throwing; its messages tell an encrypted key apart ("… but no passphrase given").
 */
export declare function checkPrivateKey(pem: Buffer | string, passphrase: string | null): KeyCheck;
/** The HomeportError for a failed check; `label` names the key in the message (never its content). */
export declare function keyCheckError(check: Exclude<KeyCheck, {
    ok: true;
}>, label: string): HomeportError;
export declare class KeyVault {
    private readonly store;
    private readonly secrets;
    constructor(store: DocumentStore, secrets: SecretBox);
    list(): KeyInfo[];
    get(id: KeyId): KeyInfo;
    import(input: {
        name: string;
        pem: string;
        passphrase: string | null;
    }): KeyInfo;
    generate(input: {
        comment: string;
        passphrase: string | null;
    }): KeyInfo;
    remove(id: KeyId): void;
    /** The private key and passphrase, for the SSH layer only (never returned through the contract). */
    material(id: KeyId): KeyMaterial;
    private save;
    private stored;
    private find;
}
