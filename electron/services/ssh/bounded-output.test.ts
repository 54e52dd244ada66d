import { describe, expect, it } from 'vitest';
import { boundedLines, CappedOutput, cappedStream, formatBytes } from './bounded-output';

describe('bounded output', () => {
  it('sizes read like a person writes them', () => {
    expect(formatBytes(1)).toBe('1 byte');
    expect(formatBytes(900)).toBe('900 bytes');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(3 * 1024 * 1024)).toBe('3 MiB');
    expect(formatBytes(5 * 1024 ** 3)).toBe('5 GiB');
  });

  it('CappedOutput keeps the first bytes over many chunks and says how many it dropped', () => {
    const c = new CappedOutput(10);
    for (const part of ['abcd', 'efgh', 'ijkl', 'mnop']) c.push(Buffer.from(part));
    expect(c.dropped).toBe(6);
    expect(c.text()).toBe('abcdefghij\n[output cut: Homeport kept the first 10 bytes; 6 bytes more were dropped]');
    const split = new CappedOutput(4);
    split.push(Buffer.from('a€b', 'utf8')); // the cut falls just after the euro sign
    split.push(Buffer.from('€', 'utf8'));
    expect(split.text()).toBe('a€\n[output cut: Homeport kept the first 4 bytes; 4 bytes more were dropped]');
    const inside = new CappedOutput(2);
    inside.push(Buffer.from('a€', 'utf8'));
    expect(inside.text()).toBe('a\n[output cut: Homeport kept the first 2 bytes; 2 bytes more were dropped]');
    const whole = new CappedOutput(10);
    whole.push('short\n');
    expect(whole.text()).toBe('short\n');
  });

  it('cappedStream decodes characters split across chunks, and marks the cut once', () => {
    const got: string[] = [];
    const s = cappedStream((t) => got.push(t), 8);
    const euro = Buffer.from('€€€€', 'utf8'); // 3 bytes each
    s.push(euro.subarray(0, 4));
    s.push(euro.subarray(4, 12));
    s.end();
    expect(got.join('')).toBe('€€\n[output cut: Homeport kept the first 8 bytes; 4 bytes more were dropped]\n');
  });

  it('boundedLines cuts a long line wherever the chunks end, and keeps the next lines whole', () => {
    const lines: string[] = [];
    const split = boundedLines((l) => lines.push(l), 5);
    split.push('ab');
    split.push('cdefg');
    split.push('hij\nok\n\nlast');
    split.flush();
    expect(lines).toEqual(['abcde… [line cut: 5 bytes more]', 'ok', '', 'last']);
  });
});
