/**
 * Images, volumes and networks of one engine (issue #3 items 3–5). Every function takes the host's
 * dockerode instance (over SSH in the app) and returns plain `*Info` data; failures are
 * HomeportErrors with a message and a fix.
 */
export { listImages, pullImage, removeImage, pruneDanglingImages, tagImage, PULL_PROGRESS_INTERVAL_MS } from '../images/images';
export { parseImageRef, familiarRef, type ParsedRef } from '../images/image-ref';
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
} from '../volumes/volumes';
export { listNetworks, inspectNetwork, removeNetwork, removeUnusedNetworks } from '../networks/networks';
export { cleanupStaleHelpers } from '../volumes/helper-containers';
export { HELPER_LABEL } from '../engines/engine-common';
export { DEFAULT_RESTORE_MAX_BYTES } from '../volumes/tar-safety';
export type * from './types';
