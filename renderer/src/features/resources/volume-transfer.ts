import type {
  BackupResultInfo,
  ErrorInfo,
  HostId,
  RestoreResultInfo,
  VolumeTransferInfo,
  VolumeTransferProgressInfo,
} from '../../../../shared/contract';
import { HomeportError, isErrorInfo } from '../../../../shared/contract';
import { appInfo } from '../../api/app-info';
import { prepareBackup, prepareRestore } from './api';
import { openStream, type StreamHandle } from '../../api/open-stream';

/**
 * Volume backups and restores between a host and the user's computer, the same way in both
 * modes: `volumes.prepare*` then a `volume.transfer` stream for progress and the outcome. In the
 * desktop app (`app.info().files === 'native'`) main shows the save / open dialog during prepare
 * and the services move the file; in a browser the backup is a download of the transfer's URL and
 * the restore an upload (PUT) of the chosen file to it.
 */
let filesMode: Promise<'native' | 'browser'> | null = null;
export function filesModeOf(): Promise<'native' | 'browser'> {
  filesMode ??= appInfo()
    .then((i) => i.files ?? 'browser')
    .catch(() => {
      filesMode = null;
      return 'browser' as const;
    });
  return filesMode;
}
/** Tests: forget the cached mode. */
export function resetFilesMode(): void {
  filesMode = null;
}

export interface TransferHandle<T> {
  /** Resolves with the outcome, or null when the user cancelled the native dialog. */
  done: Promise<T | null>;
  cancel(): void;
}

const asError = (e: ErrorInfo) => new HomeportError(e);

type TransferStream = StreamHandle<'volume.transfer'>;

/** Follows a prepared transfer's stream; `started` gets its handle once the services opened it. */
function follow<T>(prepared: VolumeTransferInfo, onProgress: (p: VolumeTransferProgressInfo) => void, pick: (e: unknown) => T | undefined, started: (s: TransferStream) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let result: T | undefined;
    const stream: TransferStream = openStream(
      'volume.transfer',
      { transferId: prepared.transferId },
      {
        onOpen: () => started(stream),
        onData: (d) => {
          if (d.type === 'progress') onProgress(d.progress);
          else result = pick(d);
        },
        onEnd: (error) => {
          if (error) reject(asError(error));
          else if (result !== undefined) resolve(result);
          else reject(new HomeportError({ code: 'INTERNAL', message: 'The transfer was cancelled.', fix: 'Start it again.' }));
        },
      },
    );
  });
}

/** Saves a browser download of `url` (same origin: the session cookie goes with it). */
function download(url: string, fileName: string): void {
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
}

export function backupVolume(hostId: HostId, name: string, onProgress: (p: VolumeTransferProgressInfo) => void): TransferHandle<{ result: BackupResultInfo; fileName: string }> {
  let stream: TransferStream | null = null;
  let cancelled = false;
  const done = (async () => {
    const prepared = await prepareBackup(hostId, name);
    if (!prepared || cancelled) return null;
    return follow(
      prepared,
      onProgress,
      (d) => ((d as { type: string }).type === 'backup-done' ? (d as { result: BackupResultInfo; fileName: string }) : undefined),
      (s) => {
        stream = s;
        if (cancelled) s.close();
        else if (prepared.url) download(prepared.url, prepared.fileName);
      },
    );
  })();
  return { done, cancel: () => ((cancelled = true), stream?.close()) };
}

export function restoreVolume(
  input: { hostId: HostId; name: string; mode: 'new' | 'overwrite'; keepSetuid: boolean; file: File | null },
  onProgress: (p: VolumeTransferProgressInfo) => void,
): TransferHandle<RestoreResultInfo> {
  let stream: TransferStream | null = null;
  let cancelled = false;
  const upload = new AbortController();
  const done = (async () => {
    const prepared = await prepareRestore({
      hostId: input.hostId,
      name: input.name,
      mode: input.mode,
      fileName: input.file?.name ?? null,
      sizeBytes: input.file?.size ?? null,
      keepSetuid: input.keepSetuid,
    });
    if (!prepared || cancelled) return null;
    // The stream carries the outcome. An upload that fails where the services cannot see it (the
    // network) rejects too, a moment later, so the stream's own explanation wins when there is one.
    let uploadFailed: (e: unknown) => void = () => {};
    const uploadFailure = new Promise<never>((_, reject) => (uploadFailed = (e) => setTimeout(() => reject(e), 1500)));
    const outcome = follow(
      prepared,
      onProgress,
      (d) => ((d as { type: string }).type === 'restore-done' ? (d as { result: RestoreResultInfo }).result : undefined),
      (s) => {
        stream = s;
        if (cancelled) return s.close();
        if (!prepared.url) return;
        if (!input.file) return uploadFailed(new HomeportError({ code: 'VALIDATION', message: 'No file was chosen.', fix: 'Choose a .tar.gz backup file.' }));
        putFile(prepared.url, input.file, upload.signal).catch(uploadFailed);
      },
    );
    uploadFailure.catch(() => {});
    outcome.catch(() => {});
    try {
      return await Promise.race([outcome, uploadFailure]);
    } finally {
      (stream as TransferStream | null)?.close();
    }
  })();
  return {
    done,
    cancel: () => {
      cancelled = true;
      upload.abort();
      stream?.close();
    },
  };
}

async function putFile(url: string, file: File, signal: AbortSignal): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, { method: 'PUT', body: file, credentials: 'same-origin', headers: { 'Content-Type': 'application/gzip' }, signal });
  } catch (e) {
    if (signal.aborted) return;
    throw new HomeportError({ code: 'DISCONNECTED', message: `The upload failed: ${e instanceof Error ? e.message : String(e)}.`, fix: 'Check the connection to Homeport and restore again.' });
  }
  if (res.ok) return;
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    // a page, not JSON (401/403)
  }
  const err = (body as { error?: unknown } | null)?.error;
  if (isErrorInfo(err)) throw asError(err);
  throw new HomeportError({
    code: res.status === 401 ? 'UNAUTHORIZED' : res.status === 403 ? 'FORBIDDEN' : 'INTERNAL',
    message: `The upload was refused (HTTP ${res.status}).`,
    fix: res.status === 401 ? 'Log in again with the login URL, then restore again.' : 'Reload the page and restore again.',
  });
}
