import { z } from 'zod';
import type { KeyInfo } from '../model/host';
import type { KeyId } from '../model/ids';
import { event, feature, none } from './define';
import { absPath, keyId, noControl } from './fields';

export interface KeysApi {
  list(): Promise<KeyInfo[]>;
  /** From a file path on the computer running the services, or pasted text. */
  import(input: { name: string; path: string | null; privateKey: string | null; passphrase: string | null }): Promise<KeyInfo>;
  generate(input: { comment: string; passphrase: string | null }): Promise<KeyInfo>;
  remove(input: { id: KeyId }): Promise<void>;
}

export const keys = feature<KeysApi>()({
  methods: {
    list: { input: none, action: 'list the keys' },
    import: {
      input: z
        .object({
          name: z.string().trim().max(128),
          path: absPath.nullable(),
          privateKey: z.string().max(64 * 1024).nullable(),
          passphrase: z.string().max(1024).nullable(),
        })
        .refine((k) => (k.path === null) !== (k.privateKey === null), 'Give either a key file path or the key text.'),
      action: 'import the key',
      fields: { path: 'key file path', name: 'key name' },
    },
    generate: {
      input: z.object({
        comment: z.string().trim().max(128).refine(noControl, 'must not contain control characters'),
        passphrase: z.string().max(1024).nullable(),
      }),
      action: 'generate the key',
    },
    remove: { input: z.object({ id: keyId }), action: 'remove the key' },
  },
  events: {
    'keys.changed': event<KeyInfo[]>(),
  },
});
