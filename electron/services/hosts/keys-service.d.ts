import { type KeyId, type KeyInfo, type KeysService } from '../../../shared/contract';
import type { EventBus } from '../rpc/event-bus';
import type { KeyVault } from '../ssh/key-vault';
/** The contract's view of the key vault: ids, fingerprints and public lines; never key material. */
export declare class KeysManager implements KeysService {
    private readonly vault;
    private readonly bus;
    private readonly homeDir;
    private readonly onRemoved;
    constructor(vault: KeyVault, bus: EventBus, homeDir: string, onRemoved: (id: KeyId) => void);
    list(): Promise<KeyInfo[]>;
    import(input: {
        name: string;
        path: string | null;
        privateKey: string | null;
        passphrase: string | null;
    }): Promise<KeyInfo>;
    generate(input: {
        comment: string;
        passphrase: string | null;
    }): Promise<KeyInfo>;
    remove({ id }: {
        id: KeyId;
    }): Promise<void>;
    private changed;
}
