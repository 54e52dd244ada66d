/**
 * Images, volumes and networks of one engine (issue #3 items 3–5). Every function takes the host's
 * dockerode instance (over SSH in the app) and returns plain `*Info` data; failures are
 * HomeportErrors with a message and a fix.
 */
export { listImages, pullImage, removeImage, pruneDanglingImages, tagImage, PULL_PROGRESS_INTERVAL_MS } from './images';
export { parseImageRef, familiarRef, type ParsedRef } from './image-ref';
export {
  listVolumes,
  browseVolume,
  backupVolume,
  restoreVolume,
  removeVolume,
  pruneVolumes,
  normalizeVolumePath,
  forgetVolumeSizes,
  DF_CACHE_MS,
  BROWSE_MAX_BYTES,
  type RestoreOptions,
} from './volumes';
export { listNetworks, inspectNetwork, removeNetwork, removeUnusedNetworks } from './networks';
export { cleanupStaleHelpers } from './helpers';
export { HELPER_LABEL } from './common';
export { DEFAULT_RESTORE_MAX_BYTES } from './tar-safety';
export type * from './types';
