import { describe, expect, it } from 'vitest';
import { TerminalOutput } from './terminal-output';

describe('TerminalOutput', () => {
  it('decodes UTF-8 split across chunks and batches a burst into one event', async () => {
    const out: string[] = [];
    const t = new TerminalOutput((s) => out.push(s));
    const bytes = Buffer.from('héllo ✓ 🐳\r\n', 'utf8');
    // One byte at a time: every multi-byte character is split.
    for (const b of bytes) t.write(Buffer.from([b]));
    expect(out).toEqual([]);
    await new Promise((r) => setTimeout(r, 30));
    expect(out).toEqual(['héllo ✓ 🐳\r\n']);
  });

  it('sends big bursts at once, in bounded pieces, and a dangling partial character at the end', () => {
    const out: string[] = [];
    const t = new TerminalOutput((s) => out.push(s));
    t.write(Buffer.from('x'.repeat(70_000)));
    expect(out.join('').length).toBe(70_000);
    expect(Math.max(...out.map((s) => s.length))).toBeLessThanOrEqual(32 * 1024);
    t.write(Buffer.from([0xe2, 0x9c])); // the first two bytes of ✓
    t.flush(true);
    expect(out.at(-1)).toBe('\ufffd');
  });

  it('drops what it holds when discarded', async () => {
    const out: string[] = [];
    const t = new TerminalOutput((s) => out.push(s));
    t.write(Buffer.from('late'));
    t.discard();
    await new Promise((r) => setTimeout(r, 30));
    expect(out).toEqual([]);
  });
});
