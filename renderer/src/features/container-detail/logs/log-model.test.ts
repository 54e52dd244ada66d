import { describe, expect, it } from 'vitest';
import type { LogLineInfo } from '../../../../../shared/contract';
import { parseAnsi, stripAnsi, applySgr, colour256 } from './ansi';
import { LogModel, logText } from './log-model';

const out = (text: string): LogLineInfo => ({ stream: 'stdout', text });
const err = (text: string): LogLineInfo => ({ stream: 'stderr', text });

describe('ANSI', () => {
  it('turns SGR codes into styled segments and drops other escapes', () => {
    expect(parseAnsi('plain')).toEqual([{ text: 'plain', style: null }]);
    expect(parseAnsi('\x1b[1;31mERR\x1b[0m done \x1b[2K\x1b]0;title\x07x')).toEqual([
      { text: 'ERR', style: { bold: true, fg: '#ee5d52' } },
      { text: ' done x', style: null },
    ]);
    expect(stripAnsi('\x1b[1;31mERR\x1b[0m done \x1b[2Kx\x07')).toBe('ERR done x');
  });

  it('knows 16, 256 and truecolor, foreground and background, dim, italic, underline, and resets them', () => {
    expect(applySgr({}, '92;104')).toEqual({ fg: '#56d68a', bg: '#79b8ff' });
    expect(applySgr({}, '38;5;196')).toEqual({ fg: '#ff0000' });
    expect(applySgr({}, '48;5;240')).toEqual({ bg: '#585858' });
    expect(applySgr({}, '38;2;10;20;30;48;2;255;128;0')).toEqual({ fg: '#0a141e', bg: '#ff8000' });
    expect(applySgr({}, '38:2::1:2:3')).toEqual({ fg: '#010203' });
    expect(applySgr({}, '2;3;4')).toEqual({ dim: true, italic: true, underline: true });
    expect(applySgr({ bold: true, fg: '#fff', underline: true }, '22;39')).toEqual({ underline: true });
    expect(applySgr({ bold: true, fg: '#fff' }, '')).toEqual({});
    expect(colour256(16)).toBe('#000000');
    expect(colour256(231)).toBe('#ffffff');
    expect(colour256(300)).toBeUndefined();
  });
});

describe('LogModel', () => {
  it('keeps at most `capacity` lines and counts what it dropped', () => {
    const m = new LogModel(5);
    m.append(Array.from({ length: 8 }, (_, i) => out(`l${i}`)));
    expect(m.all.toArray().map((l) => l.plain)).toEqual(['l3', 'l4', 'l5', 'l6', 'l7']);
    expect(m.droppedLines).toBe(3);
    m.append(Array.from({ length: 12 }, (_, i) => out(`m${i}`)));
    expect(m.all.toArray().map((l) => l.plain)).toEqual(['m7', 'm8', 'm9', 'm10', 'm11']);
    expect(m.droppedLines).toBe(15);
    expect(m.received).toBe(20);
  });

  it('searches the view, counts matches, steps through them with wrap-around, follows new lines', () => {
    const m = new LogModel();
    m.append([out('GET /a 200'), err('GET /b 500'), out('POST /c 200'), out('\x1b[32mGET\x1b[0m /d 200')]);
    expect(m.setSearch({ query: 'GET /\\w', regex: true, caseSensitive: true })).toBeNull();
    expect(m.matches.length).toBe(3);
    expect(m.currentPosition).toBe(3);
    expect(m.currentMatch()).toEqual({ abs: 3, start: 0, end: 6 });
    expect(m.step(1)).toEqual({ abs: 0, start: 0, end: 6 });
    expect(m.step(-1)).toEqual({ abs: 3, start: 0, end: 6 });
    expect(m.step(-1)).toEqual({ abs: 1, start: 0, end: 6 });
    m.append([out('GET /e 200')]);
    expect(m.matches.length).toBe(4);
    expect(m.currentPosition).toBe(2);
  });

  it('gives an error, not an exception, for an invalid regex; plain text is taken literally', () => {
    const m = new LogModel();
    m.append([out('a(b'), out('ab')]);
    expect(m.setSearch({ query: 'a(b', regex: true, caseSensitive: false })).toMatch(/^Not a valid regular expression/);
    expect(m.matches.length).toBe(0);
    expect(m.setSearch({ query: 'a(b', regex: false, caseSensitive: false })).toBeNull();
    expect(m.matches.length).toBe(1);
  });

  it('filters stdout/stderr, searching only what is shown, and drops matches with their lines', () => {
    const m = new LogModel(4);
    m.append([out('x 1'), err('x 2'), out('x 3'), err('x 4')]);
    m.setSearch({ query: 'x', regex: false, caseSensitive: false });
    m.setFilter('stderr');
    expect(m.view.toArray().map((l) => l.plain)).toEqual(['x 2', 'x 4']);
    expect(m.matches.length).toBe(2);
    m.append([out('x 5'), out('x 6')]); // drops "x 1" and "x 2"
    expect(m.view.toArray().map((l) => l.plain)).toEqual(['x 4']);
    expect(m.matches.length).toBe(1);
    expect(m.matchesOn(m.view.dropped)).toHaveLength(1);
    expect(m.currentMatch()?.abs).toBe(m.view.dropped);
  });

  it('writes the view as a .log file', () => {
    const m = new LogModel();
    m.append([{ stream: 'stdout', text: '\x1b[1mhi\x1b[0m', time: '2026-01-01T00:00:00Z' }, err('oops')]);
    expect(logText(m.view.toArray(), { timestamps: true })).toBe('2026-01-01T00:00:00Z hi\n[stderr] oops\n');
    expect(logText(m.view.toArray(), { timestamps: false })).toBe('hi\n[stderr] oops\n');
  });
});
