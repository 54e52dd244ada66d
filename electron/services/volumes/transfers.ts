import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import {
  HomeportError,
  type BackupResultInfo,
  type ErrorInfo,
  type HostId,
  type PrepareRestoreInput,
  type RestoreResultInfo,
  type VolumeTransferEventInfo,
  type VolumeTransferInfo,
} from '../../../shared/contract';
import { validateName } from '../docker/engine-common';
import { type EngineHub } from '../engines';
import type { FileDialogs } from '../platform/platform';
import { streamError } from '../streams/streams-service';
import { backupVolume } from './backup';
import { restoreVolume } from './restore';

/** A prepared transfer nobody started is forgotten after this long. */
export const TRANSFER_TTL_MS = 10 * 60_000;
/** The biggest archive a browser may upload (the unpacked size has its own cap in tar-safety). */
export const MAX_UPLOAD_BYTES = 100 * 1024 ** 3;
/** Where headless mode serves transfers (`GET` = backup download, `PUT` = restore upload). */
export const TRANSFER_PATH = '/transfers/';

type Target = { kind: 'http' } | { kind: 'file'; path: string };

interface Sink {
  emit(e: VolumeTransferEventInfo): void;
  end(error: ErrorInfo | null): void;
}

interface Transfer {
  id: string;
  op: 'backup' | 'restore';
  hostId: HostId;
  volume: string;
  mode: 'new' | 'overwrite';
  keepSetuid: boolean;
  target: Target;
  fileName: string;
  sizeBytes: number | null;
  state: 'prepared' | 'running' | 'finished';
  abort: AbortController;
  /** Kept for a stream that attaches late: the latest progress and the outcome. */
  last: VolumeTransferEventInfo | null;
  outcome: { done: VolumeTransferEventInfo | null; error: ErrorInfo | null } | null;
  sink: Sink | null;
  expiry: NodeJS.Timeout;
}

const gone = (what: string) =>
  new HomeportError({ code: 'NOT_FOUND', message: `That ${what} link is unknown, already used or expired.`, fix: `Start the ${what} again from the Volumes screen.` });

function stamp(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/**
 * Volume backups to, and restores from, the user's computer. `prepare*` registers a one-time
 * transfer; its progress goes to the `volume.transfer` stream opened with its id. In the desktop
 * app the file is chosen in main's native dialog (FileDialogs) and the services read or write it
 * when the stream opens. Headless, the browser GETs (backup) or PUTs (restore) the transfer's URL
 * on the headless server, which hands the HTTP body to `runBackup` / `runRestore`.
 */
export class VolumeTransfers {
  private readonly transfers = new Map<string, Transfer>();
  /** The work of the transfers under way, until it has stopped. */
  private readonly running = new Set<Promise<unknown>>();

  constructor(
    private readonly hub: EngineHub,
    private readonly files: FileDialogs | null,
  ) {}

  get mode(): 'native' | 'browser' {
    return this.files ? 'native' : 'browser';
  }

  async prepareBackup({ hostId, name }: { hostId: HostId; name: string }): Promise<VolumeTransferInfo | null> {
    validateName('volume', name);
    this.hub.dockerOf(hostId); // a disconnected host fails here, before any dialog
    const fileName = `${name}-${stamp()}.tar.gz`;
    let target: Target = { kind: 'http' };
    if (this.files) {
      const chosen = await this.files.chooseSaveFile({ title: `Back up volume ${name}`, defaultName: fileName });
      if (!chosen) return null;
      target = { kind: 'file', path: chosen };
    }
    const t = this.add({ op: 'backup', hostId, volume: name, mode: 'new', keepSetuid: false, target, fileName: target.kind === 'file' ? path.basename(target.path) : fileName, sizeBytes: null });
    return this.info(t);
  }

  async prepareRestore(input: PrepareRestoreInput): Promise<VolumeTransferInfo | null> {
    validateName('volume', input.name);
    this.hub.dockerOf(input.hostId);
    let target: Target = { kind: 'http' };
    let fileName = input.fileName ?? 'backup.tar.gz';
    let sizeBytes = input.sizeBytes;
    if (this.files) {
      const chosen = await this.files.chooseOpenFile({ title: input.mode === 'new' ? `Restore into a new volume ${input.name}` : `Restore over volume ${input.name}` });
      if (!chosen) return null;
      const st = await stat(chosen).catch((e: unknown) => {
        throw new HomeportError({ code: 'NOT_FOUND', message: `The file ${chosen} cannot be read: ${e instanceof Error ? e.message : String(e)}.`, fix: 'Choose another file.' });
      });
      if (!st.isFile()) throw new HomeportError({ code: 'VALIDATION', message: `${chosen} is not a file.`, fix: 'Choose a .tar.gz backup file.', details: { field: 'file' } });
      target = { kind: 'file', path: chosen };
      fileName = path.basename(chosen);
      sizeBytes = st.size;
    } else {
      if (sizeBytes === null) throw new HomeportError({ code: 'VALIDATION', message: 'The size of the file to upload is missing.', fix: 'Choose the file again.', details: { field: 'sizeBytes' } });
      if (sizeBytes > MAX_UPLOAD_BYTES) {
        throw new HomeportError({ code: 'VALIDATION', message: `The file is ${sizeBytes} bytes; uploads are limited to ${MAX_UPLOAD_BYTES} bytes (100 GiB).`, fix: 'Restore a smaller archive, or use the desktop app, which reads the file directly.', details: { field: 'file' } });
      }
    }
    const t = this.add({ op: 'restore', hostId: input.hostId, volume: input.name, mode: input.mode, keepSetuid: input.keepSetuid, target, fileName, sizeBytes });
    return this.info(t);
  }

  /**
   * Follows a prepared transfer (the `volume.transfer` stream): what happened before is replayed,
   * a desktop transfer starts now, and stopping the watch cancels a transfer still running.
   */
  watch(transferId: string, sink: Sink): () => void {
    const t = this.transfers.get(transferId);
    if (!t) throw gone('transfer');
    if (t.sink) throw new HomeportError({ code: 'CONFLICT', message: 'That transfer is already being watched.', fix: 'Start the transfer again.' });
    t.sink = sink;
    // Replay what happened before the stream opened (a fast download), after open answers.
    setImmediate(() => {
      if (t.sink !== sink) return;
      if (t.last) sink.emit(t.last);
      if (t.outcome) this.deliver(t);
    });
    if (t.state === 'prepared' && t.target.kind === 'file') void this.runFile(t, t.target.path);
    return () => {
      t.sink = null;
      if (t.state !== 'finished') t.abort.abort();
      this.forget(t);
    };
  }

  /** Headless: the transfer a request names, if it is that kind and not used yet (it is used from now on). */
  claim(id: string, op: 'backup' | 'restore'): { fileName: string; sizeBytes: number | null; abort(): void } {
    const t = this.transfers.get(id);
    if (!t || t.op !== op || t.target.kind !== 'http' || t.state !== 'prepared') throw gone(op === 'backup' ? 'download' : 'upload');
    t.state = 'running';
    clearTimeout(t.expiry);
    return { fileName: t.fileName, sizeBytes: t.sizeBytes, abort: () => t.abort.abort() };
  }

  /** Headless: stream the claimed backup into `out` (ended on success, destroyed on failure). */
  runBackup(id: string, out: Writable): Promise<BackupResultInfo> {
    return this.run(this.claimed(id), async (t) => {
      const result = await backupVolume(this.hub.dockerOf(t.hostId), t.volume, out, (p) => this.emit(t, { type: 'progress', progress: p }), t.abort.signal);
      return { type: 'backup-done', result, fileName: t.fileName };
    }).then((e) => (e as Extract<VolumeTransferEventInfo, { type: 'backup-done' }>).result);
  }

  /** Headless: restore the claimed transfer from an uploaded body. */
  runRestore(id: string, input: Readable): Promise<RestoreResultInfo> {
    return this.run(this.claimed(id), async (t) => this.restore(t, input)).then((e) => (e as Extract<VolumeTransferEventInfo, { type: 'restore-done' }>).result);
  }

  /**
   * Cancels every transfer, then waits (at most `timeoutMs`) until the running ones have stopped:
   * they remove their helper containers, and a restore the new volume it made, while the
   * connections are still open.
   */
  async dispose(timeoutMs = 3000): Promise<void> {
    for (const t of this.transfers.values()) {
      t.abort.abort();
      clearTimeout(t.expiry);
    }
    this.transfers.clear();
    const running = [...this.running];
    if (running.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled(running), new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
    clearTimeout(timer);
  }

  // ── inside ──────────────────────────────────────────────────────────────────────────────

  private add(p: Pick<Transfer, 'op' | 'hostId' | 'volume' | 'mode' | 'keepSetuid' | 'target' | 'fileName' | 'sizeBytes'>): Transfer {
    const id = `t_${randomBytes(18).toString('base64url')}`;
    const t: Transfer = {
      ...p,
      id,
      state: 'prepared',
      abort: new AbortController(),
      last: null,
      outcome: null,
      sink: null,
      expiry: setTimeout(() => {
        if (t.state === 'prepared') this.transfers.delete(id);
      }, TRANSFER_TTL_MS),
    };
    t.expiry.unref();
    this.transfers.set(id, t);
    return t;
  }

  private info(t: Transfer): VolumeTransferInfo {
    return { transferId: t.id, url: t.target.kind === 'http' ? `${TRANSFER_PATH}${t.id}` : null, fileName: t.fileName, sizeBytes: t.sizeBytes };
  }

  private claimed(id: string): Transfer {
    const t = this.transfers.get(id);
    if (!t || t.state !== 'running') throw gone('transfer');
    return t;
  }

  private emit(t: Transfer, e: VolumeTransferEventInfo): void {
    t.last = e;
    t.sink?.emit(e);
  }

  private deliver(t: Transfer): void {
    if (!t.sink || !t.outcome) return;
    const sink = t.sink;
    t.sink = null;
    if (t.outcome.done) sink.emit(t.outcome.done);
    sink.end(t.outcome.error);
    this.forget(t);
  }

  private forget(t: Transfer): void {
    if (t.state !== 'running') {
      clearTimeout(t.expiry);
      this.transfers.delete(t.id);
    }
  }

  private async run(t: Transfer, work: (t: Transfer) => Promise<VolumeTransferEventInfo>): Promise<VolumeTransferEventInfo> {
    t.state = 'running';
    clearTimeout(t.expiry);
    const working = work(t);
    this.running.add(working);
    try {
      const done = await working;
      t.outcome = { done, error: null };
      return done;
    } catch (e) {
      t.outcome = { done: null, error: streamError(e, t.op === 'backup' ? 'The backup' : 'The restore') };
      throw e;
    } finally {
      this.running.delete(working);
      t.state = 'finished';
      if (t.sink) this.deliver(t);
      else {
        // Nobody watches (yet): keep the outcome a little while for a stream that opens late.
        t.expiry = setTimeout(() => this.transfers.delete(t.id), 60_000);
        t.expiry.unref();
      }
    }
  }

  private async restore(t: Transfer, input: Readable): Promise<VolumeTransferEventInfo> {
    const result = await restoreVolume(
      this.hub.dockerOf(t.hostId),
      t.volume,
      input,
      { mode: t.mode, keepSetuid: t.keepSetuid, ...(t.sizeBytes !== null ? { sizeBytes: t.sizeBytes } : {}) },
      (p) => this.emit(t, { type: 'progress', progress: p }),
      t.abort.signal,
    );
    return { type: 'restore-done', result };
  }

  /** Desktop app: read or write the file chosen in the native dialog. */
  private async runFile(t: Transfer, file: string): Promise<void> {
    await this.run(t, async () => {
      if (t.op === 'restore') return this.restore(t, createReadStream(file));
      const out = createWriteStream(file, { mode: 0o600 });
      try {
        const result = await backupVolume(this.hub.dockerOf(t.hostId), t.volume, out, (p) => this.emit(t, { type: 'progress', progress: p }), t.abort.signal);
        return { type: 'backup-done', result, fileName: t.fileName };
      } catch (e) {
        // A half-written backup is worse than none: it would look like a good one.
        out.destroy();
        await rm(file, { force: true }).catch(() => {});
        throw e;
      }
    }).catch(() => {
      // reported on the stream
    });
  }
}
