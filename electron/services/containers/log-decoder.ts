import { StringDecoder } from 'node:string_decoder';
import type { LogLineInfo } from '../../../shared/contract';

/** A line longer than this (no newline in sight) is cut into pieces, so memory stays bounded. */
export const MAX_LINE_CHARS = 64 * 1024;

/** One stream's bytes → lines: UTF-8 decoded safely across chunks, split on \n across chunks. */
class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';

  constructor(
    private readonly stream: LogLineInfo['stream'],
    private readonly timestamps: boolean,
    private readonly out: (line: LogLineInfo) => void,
  ) {}

  write(bytes: Buffer): void {
    this.take(this.decoder.write(bytes));
  }

  end(): void {
    this.take(this.decoder.end());
    if (this.partial) this.line(this.partial);
    this.partial = '';
  }

  private take(text: string): void {
    if (!text) return;
    let s = this.partial + text;
    let nl: number;
    while ((nl = s.indexOf('\n')) !== -1) {
      this.line(s.slice(0, nl));
      s = s.slice(nl + 1);
    }
    while (s.length > MAX_LINE_CHARS) {
      this.line(s.slice(0, MAX_LINE_CHARS));
      s = s.slice(MAX_LINE_CHARS);
    }
    this.partial = s;
  }

  private line(raw: string): void {
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (this.timestamps) {
      // The engine puts "<RFC 3339 nano> " in front of every line it timestamps.
      const sp = text.indexOf(' ');
      if (sp > 0 && /^\d{4}-\d\d-\d\dT/.test(text)) {
        this.out({ stream: this.stream, text: text.slice(sp + 1), time: text.slice(0, sp) });
        return;
      }
    }
    this.out({ stream: this.stream, text });
  }
}

/**
 * Turns the bytes of `GET /containers/{id}/logs` into lines. A container without a TTY gets the
 * engine's multiplexed format (8-byte header: stream type, 3 zero bytes, big-endian payload size);
 * a TTY container's log is raw, all of it stdout.
 */
export class LogDecoder {
  private readonly out: LineSplitter;
  private readonly err: LineSplitter;
  private header = Buffer.alloc(0);
  private remaining = 0;
  private current: LineSplitter | null = null;

  constructor(
    private readonly tty: boolean,
    timestamps: boolean,
    onLine: (line: LogLineInfo) => void,
  ) {
    this.out = new LineSplitter('stdout', timestamps, onLine);
    this.err = new LineSplitter('stderr', timestamps, onLine);
  }

  write(chunk: Buffer): void {
    if (this.tty) return this.out.write(chunk);
    let pos = 0;
    while (pos < chunk.length) {
      if (this.remaining === 0) {
        const need = 8 - this.header.length;
        const take = chunk.subarray(pos, pos + need);
        this.header = this.header.length ? Buffer.concat([this.header, take]) : Buffer.from(take);
        pos += take.length;
        if (this.header.length < 8) return;
        // 0 stdin (never in logs), 1 stdout, 2 stderr
        this.current = this.header[0] === 2 ? this.err : this.out;
        this.remaining = this.header.readUInt32BE(4);
        this.header = Buffer.alloc(0);
        continue;
      }
      const n = Math.min(this.remaining, chunk.length - pos);
      this.current!.write(chunk.subarray(pos, pos + n));
      this.remaining -= n;
      pos += n;
    }
  }

  /** The log ended: what is left of a last line without newline comes out too. */
  end(): void {
    this.out.end();
    this.err.end();
  }
}

/** Collects lines and hands them on in batches: every `maxLines` lines, or `maxMs` after the first of a batch. */
export class LineBatcher {
  private batch: LogLineInfo[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly emit: (lines: LogLineInfo[]) => void,
    private readonly maxLines = 1000,
    private readonly maxMs = 50,
  ) {}

  push = (line: LogLineInfo): void => {
    this.batch.push(line);
    if (this.batch.length >= this.maxLines) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.maxMs);
  };

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.batch.length) return;
    const lines = this.batch;
    this.batch = [];
    this.emit(lines);
  }

  /** Drops what is pending (the stream was closed). */
  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.batch = [];
  }
}
