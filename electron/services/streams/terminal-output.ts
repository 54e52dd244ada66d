import { StringDecoder } from 'node:string_decoder';

/** Output is batched this long, so a burst (`ls -R`, a progress bar) is a few events, not thousands. */
const BATCH_MS = 8;
/** …but never more than this many characters per event. */
const BATCH_MAX_CHARS = 32 * 1024;

/**
 * Text for `stream.data` from a terminal's bytes: UTF-8 decoded safely across chunk boundaries
 * (a character split between two reads is held until its last byte arrives), batched briefly.
 */
export class TerminalOutput {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly emit: (text: string) => void) {}

  write(chunk: Buffer | string): void {
    this.pending += typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    if (this.pending.length >= BATCH_MAX_CHARS) this.flush();
    else if (!this.timer && this.pending) this.timer = setTimeout(() => this.flush(), BATCH_MS);
  }

  /** Sends what is held now (and, at the end, whatever partial character is left, as U+FFFD). */
  flush(final = false): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (final) this.pending += this.decoder.end();
    while (this.pending) {
      const piece = this.pending.slice(0, BATCH_MAX_CHARS);
      this.pending = this.pending.slice(piece.length);
      this.emit(piece);
    }
  }

  /** Drops anything held (the stream was closed by its client: nobody is listening). */
  discard(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending = '';
  }
}
