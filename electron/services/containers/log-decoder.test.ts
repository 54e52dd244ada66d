import { describe, expect, it, vi } from 'vitest';
import type { LogLineInfo } from '../../../shared/contract';
import { LineBatcher, LogDecoder, MAX_LINE_CHARS } from './log-decoder';

const frame = (type: 1 | 2, payload: string | Buffer) => {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const h = Buffer.alloc(8);
  h[0] = type;
  h.writeUInt32BE(body.length, 4);
  return Buffer.concat([h, body]);
};

function decode(tty: boolean, timestamps: boolean, chunks: Buffer[]): LogLineInfo[] {
  const lines: LogLineInfo[] = [];
  const d = new LogDecoder(tty, timestamps, (l) => lines.push(l));
  for (const c of chunks) d.write(c);
  d.end();
  return lines;
}

/** Every way of cutting `buf` into two pieces. */
const cuts = (buf: Buffer) => Array.from({ length: buf.length + 1 }, (_, i) => [buf.subarray(0, i), buf.subarray(i)]);

describe('LogDecoder', () => {
  it('tells stdout from stderr in the multiplexed format, whatever the chunk boundaries', () => {
    const all = Buffer.concat([frame(1, 'out one\nout '), frame(2, 'err ünï ✓\n'), frame(1, 'two\n')]);
    for (const parts of cuts(all)) {
      expect(decode(false, false, parts)).toEqual([
        { stream: 'stdout', text: 'out one' },
        { stream: 'stderr', text: 'err ünï ✓' },
        { stream: 'stdout', text: 'out two' },
      ]);
    }
  });

  it('decodes a multi-byte character split across frames and chunks', () => {
    const euro = Buffer.from('€\n'); // e2 82 ac 0a
    const chunks = [frame(1, euro.subarray(0, 1)), frame(1, euro.subarray(1))];
    expect(decode(false, false, chunks)).toEqual([{ stream: 'stdout', text: '€' }]);
  });

  it('reads a TTY log raw, all stdout, dropping the \\r of \\r\\n, and keeps ANSI escapes', () => {
    const raw = Buffer.from('\x1b[31mred\x1b[0m\r\nplain\r\nlast');
    for (const parts of cuts(raw)) {
      expect(decode(true, false, parts)).toEqual([
        { stream: 'stdout', text: '\x1b[31mred\x1b[0m' },
        { stream: 'stdout', text: 'plain' },
        { stream: 'stdout', text: 'last' },
      ]);
    }
  });

  it('splits the engine timestamp off', () => {
    const lines = decode(false, true, [frame(1, '2026-11-25T07:00:00.123456789Z hello world\n')]);
    expect(lines).toEqual([{ stream: 'stdout', text: 'hello world', time: '2026-11-25T07:00:00.123456789Z' }]);
  });

  it('cuts an endless line into bounded pieces', () => {
    const long = 'x'.repeat(MAX_LINE_CHARS * 2 + 5);
    const lines = decode(true, false, [Buffer.from(long)]);
    expect(lines.map((l) => l.text.length)).toEqual([MAX_LINE_CHARS, MAX_LINE_CHARS, 5]);
  });
});

describe('LineBatcher', () => {
  it('sends every 1,000 lines, and the rest after 50 ms', () => {
    vi.useFakeTimers();
    try {
      const batches: number[] = [];
      const b = new LineBatcher((lines) => batches.push(lines.length));
      for (let i = 0; i < 2500; i++) b.push({ stream: 'stdout', text: String(i) });
      expect(batches).toEqual([1000, 1000]);
      vi.advanceTimersByTime(49);
      expect(batches).toEqual([1000, 1000]);
      vi.advanceTimersByTime(1);
      expect(batches).toEqual([1000, 1000, 500]);
    } finally {
      vi.useRealTimers();
    }
  });
});
