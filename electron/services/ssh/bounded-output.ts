import { StringDecoder } from 'node:string_decoder';

/**
 * Bounds on what a host sends back. A remote command's output and a remote file are untrusted
 * input: `yes`, a runaway log or one line of a gigabyte must not be able to fill this process's
 * memory. What is kept is cut at a cap, and the cut is always said, never silent.
 */

/** Output of one stream (stdout or stderr) kept in a command's result. */
export const EXEC_OUTPUT_CAP = 1024 * 1024;
/** One line of output handed on line by line (compose runs). */
export const LINE_CAP = 64 * 1024;
/** Output passed on as it arrives (a compose run's live output), in all, per stream. */
export const STREAM_OUTPUT_CAP = 32 * 1024 * 1024;

/** `3 MiB`, `1.5 MiB`, `12 KiB`, `7 bytes`: sizes as a person reads them. */
export function formatBytes(n: number): string {
  const one = (x: number) => (Math.round(x * 10) / 10).toString();
  if (n >= 1024 * 1024 * 1024) return `${one(n / 1024 ** 3)} GiB`;
  if (n >= 1024 * 1024) return `${one(n / 1024 ** 2)} MiB`;
  if (n >= 1024) return `${one(n / 1024)} KiB`;
  return `${n} byte${n === 1 ? '' : 's'}`;
}

export function outputCutMarker(kept: number, dropped: number): string {
  return `[output cut: Homeport kept the first ${formatBytes(kept)}; ${formatBytes(dropped)} more were dropped]`;
}

/**
 * Collects one stream of a command's output up to `cap` bytes; the rest is counted and dropped.
 * `text()` ends with a marker line when anything was dropped.
 */
export class CappedOutput {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  /** Bytes received past the cap. */
  dropped = 0;

  constructor(readonly cap: number = EXEC_OUTPUT_CAP) {}

  push(data: Buffer | string): void {
    const d = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    const room = this.cap - this.kept;
    if (room > 0) {
      const part = d.length <= room ? d : d.subarray(0, room);
      // Copy a part so the rest of a large chunk is not kept alive through it.
      this.chunks.push(part === d ? d : Buffer.from(part));
      this.kept += part.length;
    }
    this.dropped += Math.max(0, d.length - Math.max(0, room));
  }

  text(): string {
    const all = Buffer.concat(this.chunks);
    if (this.dropped === 0) return all.toString('utf8');
    // A decoder's write() holds back a character the cut split, instead of a replacement sign.
    const s = new StringDecoder('utf8').write(all);
    return `${s}${s.endsWith('\n') ? '' : '\n'}${outputCutMarker(this.kept, this.dropped)}`;
  }
}

/**
 * Passes output on as it arrives (decoded as UTF-8 across chunk boundaries) until `cap` bytes,
 * then once a marker, then nothing: the command may keep running, its output is dropped.
 */
export function cappedStream(onText: (text: string) => void, cap: number = STREAM_OUTPUT_CAP): { push(data: Buffer): void; end(): void } {
  const decoder = new StringDecoder('utf8');
  let passed = 0;
  let dropped = 0;
  return {
    push(data) {
      const room = cap - passed;
      if (room > 0) {
        const part = data.length <= room ? data : data.subarray(0, room);
        passed += part.length;
        const text = decoder.write(part);
        if (text) onText(text);
      }
      dropped += Math.max(0, data.length - Math.max(0, room));
    },
    end() {
      // After a cut, a character split by it is left out rather than shown as a replacement sign.
      const rest = decoder.end();
      if (rest && dropped === 0) onText(rest);
      if (dropped > 0) onText(`\n${outputCutMarker(passed, dropped)}\n`);
    },
  };
}

/**
 * Splits text into lines, keeping at most `maxLine` characters of each: a longer line is handed
 * on cut, with a marker saying how much was dropped, and the buffer never grows past the cap
 * however long the line (a gigabyte without a newline costs `maxLine` characters).
 */
export function boundedLines(onLine: (line: string) => void, maxLine: number = LINE_CAP): { push(chunk: string): void; flush(): void } {
  let buf = '';
  let over = 0; // characters of the current line dropped past the cap
  const emit = () => {
    // Measured in characters (UTF-16 units); the marker speaks of bytes, near enough for a hint.
    onLine(over > 0 ? `${buf}… [line cut: ${formatBytes(over)} more]` : buf);
    buf = '';
    over = 0;
  };
  const add = (part: string) => {
    const room = maxLine - buf.length;
    if (part.length <= room) buf += part;
    else {
      buf += part.slice(0, Math.max(0, room));
      over += part.length - Math.max(0, room);
    }
  };
  return {
    push(chunk) {
      let start = 0;
      for (let i = chunk.indexOf('\n'); i >= 0; i = chunk.indexOf('\n', start)) {
        add(chunk.slice(start, i));
        emit();
        start = i + 1;
      }
      if (start < chunk.length) add(chunk.slice(start));
    },
    flush() {
      if (buf || over) emit();
    },
  };
}
