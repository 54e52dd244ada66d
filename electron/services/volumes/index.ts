/** The volumes of every host: list, browse, remove, prune, backups to and restores from the user's computer. */
export { VolumesService, volumeStreams } from './volumes-service';
export { VolumeTransfers, TRANSFER_PATH } from './transfers';
export { listVolumes } from './volumes';
export { HelperJanitor } from './helper-janitor';
