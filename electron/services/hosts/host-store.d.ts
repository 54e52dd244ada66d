import { type HostId, type HostInput, type HostKind, type KeyId } from '../../../shared/contract';
import type { DocumentStore, SecretBox } from '../platform/platform';
/** A host as stored on disk. The password is sealed by the SecretBox, never stored in clear. */
export interface HostRecord {
    id: HostId;
    name: string;
    kind: HostKind;
    user: string;
    hostname: string;
    port: number;
    socketPath: string;
    useAgent: boolean;
    keyId: KeyId | null;
    identityFile: string | null;
    passwordSealed: string | null;
}
export declare const newHostId: () => HostId;
export declare function addressOf(r: HostRecord): string;
/** Hosts on disk; every change is written through at once (small data, rare writes). */
export declare class HostStore {
    private readonly store;
    private readonly secrets;
    constructor(store: DocumentStore, secrets: SecretBox);
    all(): HostRecord[];
    get(id: HostId): HostRecord;
    /** Builds a record from validated input; `previous` keeps the stored password when input.password is undefined. */
    fromInput(id: HostId, input: HostInput, previous: HostRecord | null, opts?: {
        checkName: boolean;
    }): HostRecord;
    password(r: HostRecord): string | null;
    save(record: HostRecord): void;
    remove(id: HostId): void;
}
