/** Backups into restic repositories: the runner for the restic CLI the backup plans build on. */
export { Restic, resticError } from './restic';
export type { ResticRepo, BackupProgress, BackupResult, Snapshot, Retention, ResticFailure } from './restic';
