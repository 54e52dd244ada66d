import { Transform, type TransformCallback } from 'node:stream';

/** Backups and restores report their progress at most this often (the last state always arrives). */
export const PROGRESS_INTERVAL_MS = 100;

/** Passes bytes on unchanged, counting them (and telling `onBytes` the count so far). */
export class ByteCounter extends Transform {
  bytes = 0;
  constructor(private readonly onBytes?: (n: number) => void) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    this.onBytes?.(this.bytes);
    cb(null, chunk);
  }
}
