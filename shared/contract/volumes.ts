import { z } from 'zod';
import type { HostId } from '../model/ids';
import type {
  HostVolumesInfo,
  PrepareRestoreInput,
  PruneVolumesResultInfo,
  VolumeDirInfo,
  VolumeTransferEventInfo,
  VolumeTransferInfo,
} from '../model/resources';
import { event, feature, none, stream } from './define';
import { hostId, noControl } from './fields';

export interface VolumesApi {
  list(): Promise<HostVolumesInfo[]>;
  /** Refused (CONFLICT) while a container mounts it. */
  remove(input: { hostId: HostId; name: string }): Promise<void>;
  /** One directory of a volume, read-only (`path` is `/`-rooted inside the volume). */
  browse(input: { hostId: HostId; name: string; path: string }): Promise<VolumeDirInfo>;
  /** Removes volumes no container mounts: anonymous ones only, or (`all`) named ones too. */
  prune(input: { hostId: HostId; all: boolean }): Promise<PruneVolumesResultInfo>;
  /**
   * Prepares a backup to the user's computer; progress on a `volume.transfer` stream. Null when
   * the user cancelled the desktop app's save dialog.
   */
  prepareBackup(input: { hostId: HostId; name: string }): Promise<VolumeTransferInfo | null>;
  /** Prepares a restore from the user's computer (see VolumeTransferInfo); null when the open dialog was cancelled. */
  prepareRestore(input: PrepareRestoreInput): Promise<VolumeTransferInfo | null>;
}

/** Volume names as Docker accepts them. */
const resourceName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/, 'may have only letters, digits, _ . and -, and must start with a letter or digit');
/** One-time transfer ids (see VolumeTransferInfo). */
const transferId = z.string().regex(/^t_[A-Za-z0-9_-]{16,64}$/, 'is not a transfer id');

export const volumes = feature<VolumesApi>()({
  methods: {
    list: { input: none, action: 'list the volumes' },
    remove: { input: z.object({ hostId, name: resourceName }), action: 'remove the volume' },
    browse: {
      input: z.object({ hostId, name: resourceName, path: z.string().max(4096).refine(noControl, 'must not contain control characters') }),
      action: 'open the folder',
      fields: { path: 'folder' },
    },
    prune: { input: z.object({ hostId, all: z.boolean() }), action: 'remove the unused volumes' },
    prepareBackup: { input: z.object({ hostId, name: resourceName }), action: 'back up the volume' },
    prepareRestore: {
      input: z.object({
        hostId,
        name: resourceName,
        mode: z.enum(['new', 'overwrite']),
        fileName: z.string().max(255).refine(noControl, 'must not contain control characters').nullable(),
        sizeBytes: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullable(),
        // Off unless asked: a restore clears setuid/setgid bits of files.
        keepSetuid: z.boolean().default(false),
      }),
      action: 'restore the volume',
      fields: { name: 'volume name' },
    },
  },
  streams: {
    /**
     * A prepared volume backup or restore (`volumes.prepareBackup` / `prepareRestore`): progress, then
     * a `*-done` event; `stream.end` carries the error if it failed; close cancels it.
     */
    'volume.transfer': stream<{ params: { transferId: string }; data: VolumeTransferEventInfo }>({
      params: z.object({ transferId }),
      action: 'start the transfer',
    }),
  },
  events: {
    /** One host's volumes after the engine said they changed (whoever changed them). */
    'volumes.changed': event<HostVolumesInfo>(),
  },
});
