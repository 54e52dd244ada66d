import type { LogLineInfo } from '../../../../../shared/contract';
import { parseAnsi, stripAnsi, type AnsiSegment } from './ansi';

/** A line as the view keeps it: its text without escapes is computed once, its segments on first render. */
export interface LogLine {
  seq: number;
  stream: LogLineInfo['stream'];
  text: string;
  plain: string;
  time: string | undefined;
  segments?: AnsiSegment[];
}

export function segmentsOf(line: LogLine): AnsiSegment[] {
  return (line.segments ??= parseAnsi(line.text));
}

/**
 * A FIFO window over an endless sequence: items are appended at the end and dropped from the
 * front. `abs(i)` numbers items since the start (so references survive drops); memory is bounded
 * by compaction once the dropped head is large.
 */
export class Window<T> {
  private items: T[] = [];
  private head = 0;
  /** How many items were dropped from the front, ever. */
  dropped = 0;

  get length(): number {
    return this.items.length - this.head;
  }
  at(i: number): T | undefined {
    return i >= 0 && i < this.length ? this.items[this.head + i] : undefined;
  }
  /** The item with absolute number `abs`, if still held. */
  atAbs(abs: number): T | undefined {
    return this.at(abs - this.dropped);
  }
  push(item: T): void {
    this.items.push(item);
  }
  /** Drops `n` items from the front. */
  drop(n: number): void {
    n = Math.min(n, this.length);
    if (n <= 0) return;
    this.head += n;
    this.dropped += n;
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
  clear(): void {
    this.dropped += this.length;
    this.items = [];
    this.head = 0;
  }
  toArray(): T[] {
    return this.items.slice(this.head);
  }
}

export type StreamFilter = 'all' | 'stdout' | 'stderr';

/** A search match: the line (absolute number in the view) and the range in its plain text. */
export interface Match {
  abs: number;
  start: number;
  end: number;
}

export type SearchSpec = { query: string; regex: boolean; caseSensitive: boolean };

/** The most matches kept (a search for "." on a full buffer stops counting there). */
export const MAX_MATCHES = 100_000;
const MAX_MATCHES_PER_LINE = 200;

/** Compiles a search; an invalid regex gives an error message instead of throwing. */
export function compileSearch(spec: SearchSpec): { re: RegExp | null; error: string | null } {
  if (!spec.query) return { re: null, error: null };
  const source = spec.regex ? spec.query : spec.query.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  try {
    return { re: new RegExp(source, spec.caseSensitive ? 'g' : 'gi'), error: null };
  } catch (e) {
    return { re: null, error: `Not a valid regular expression: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}` };
  }
}

/**
 * The lines of one log as the Logs tab shows them: a ring buffer of the last `capacity` lines
 * received, the view of them through the stdout/stderr filter, and the search matches in that
 * view with a current one. Appending is incremental (only new lines are filtered and searched).
 */
export class LogModel {
  readonly all = new Window<LogLine>();
  view: Window<LogLine> = this.all;
  matches = new Window<Match>();
  /** The current match (absolute number in `matches`), or -1. */
  current = -1;
  matchesCapped = false;
  filter: StreamFilter = 'all';
  private re: RegExp | null = null;
  searchError: string | null = null;
  /** Lines received since the stream (re)opened, whether still held or not. */
  received = 0;
  private seq = 0;

  constructor(readonly capacity = 100_000) {}

  /** Lines dropped from the front to stay within `capacity`. */
  get droppedLines(): number {
    return this.all.dropped - this.cleared + this.skipped;
  }
  private cleared = 0;

  append(lines: readonly LogLineInfo[]): void {
    this.received += lines.length;
    // Only the last `capacity` of a huge batch can stay: skip the rest outright.
    const skip = Math.max(0, lines.length - this.capacity);
    if (skip) {
      this.all.drop(this.all.length);
      this.all.dropped += skip;
    }
    for (let i = skip; i < lines.length; i++) {
      const l = lines[i]!;
      const line: LogLine = { seq: this.seq++, stream: l.stream, text: l.text, plain: stripAnsi(l.text), time: l.time };
      this.all.push(line);
      if (this.view !== this.all && l.stream === this.filter) this.addToView(line);
      else if (this.view === this.all) this.search(this.all.dropped + this.all.length - 1, line);
    }
    const over = this.all.length - this.capacity;
    if (over > 0) this.all.drop(over);
    if (skip || over > 0) {
      const oldestKept = this.all.at(0)?.seq ?? this.seq;
      if (this.view !== this.all) {
        let n = 0;
        while (n < this.view.length && this.view.at(n)!.seq < oldestKept) n++;
        this.view.drop(n);
      }
      this.dropMatchesBefore(this.view.dropped);
    }
  }

  private addToView(line: LogLine): void {
    this.view.push(line);
    this.search(this.view.dropped + this.view.length - 1, line);
  }

  private search(abs: number, line: LogLine): void {
    const re = this.re;
    if (!re) return;
    if (this.matches.length >= MAX_MATCHES) {
      this.matchesCapped = true;
      return;
    }
    re.lastIndex = 0;
    let count = 0;
    for (let m = re.exec(line.plain); m; m = re.exec(line.plain)) {
      if (m[0].length === 0) {
        re.lastIndex++;
        if (re.lastIndex > line.plain.length) break;
        continue;
      }
      this.matches.push({ abs, start: m.index, end: m.index + m[0].length });
      if (++count >= MAX_MATCHES_PER_LINE) break;
    }
  }

  private dropMatchesBefore(abs: number): void {
    let n = 0;
    while (n < this.matches.length && this.matches.at(n)!.abs < abs) n++;
    if (!n) return;
    this.matches.drop(n);
    if (this.current !== -1 && this.current < this.matches.dropped) this.current = this.matches.length ? this.matches.dropped : -1;
  }

  setFilter(filter: StreamFilter): void {
    this.filter = filter;
    if (filter === 'all') this.view = this.all;
    else {
      this.view = new Window<LogLine>();
      for (let i = 0; i < this.all.length; i++) {
        const l = this.all.at(i)!;
        if (l.stream === filter) this.view.push(l);
      }
    }
    this.research();
  }

  /** A new search: every match in the view; the current one is the last (newest). Returns the error, if any. */
  setSearch(spec: SearchSpec): string | null {
    const { re, error } = compileSearch(spec);
    this.re = re;
    this.searchError = error;
    this.research();
    return error;
  }

  private research(): void {
    this.matches = new Window<Match>();
    this.matchesCapped = false;
    this.current = -1;
    if (!this.re) return;
    for (let i = 0; i < this.view.length; i++) this.search(this.view.dropped + i, this.view.at(i)!);
    if (this.matches.length) this.current = this.matches.dropped + this.matches.length - 1;
  }

  get searching(): boolean {
    return this.re !== null;
  }

  /** 1-based position of the current match among those held (0 when none). */
  get currentPosition(): number {
    return this.current === -1 ? 0 : this.current - this.matches.dropped + 1;
  }

  currentMatch(): Match | undefined {
    return this.current === -1 ? undefined : this.matches.atAbs(this.current);
  }

  /** Moves to the next (+1) or previous (-1) match, wrapping around. */
  step(dir: 1 | -1): Match | undefined {
    const n = this.matches.length;
    if (!n) return undefined;
    const pos = this.current === -1 ? (dir === 1 ? -1 : 0) : this.current - this.matches.dropped;
    this.current = this.matches.dropped + ((pos + dir + n) % n);
    return this.currentMatch();
  }

  /** The matches on the view line with absolute number `abs` (binary search). */
  matchesOn(abs: number): { match: Match; absMatch: number }[] {
    const m = this.matches;
    let lo = 0;
    let hi = m.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (m.at(mid)!.abs < abs) lo = mid + 1;
      else hi = mid;
    }
    const out: { match: Match; absMatch: number }[] = [];
    for (let i = lo; i < m.length && m.at(i)!.abs === abs; i++) out.push({ match: m.at(i)!, absMatch: m.dropped + i });
    return out;
  }

  /** Lines that came but were never applied (too many at once): counted as received and dropped. */
  noteSkipped(n: number): void {
    this.received += n;
    this.skipped += n;
  }
  private skipped = 0;

  /** Forgets every line held (the stream goes on). */
  clear(): void {
    this.cleared += this.all.length;
    this.all.clear();
    if (this.view !== this.all) this.view.clear();
    this.dropMatchesBefore(this.view.dropped);
    this.matches.clear();
    this.current = -1;
    this.matchesCapped = false;
  }

  /** Starts over for a new stream. */
  reset(): void {
    this.clear();
    this.received = 0;
    this.skipped = 0;
    this.cleared = this.all.dropped;
  }
}

/** The lines of the view as a .log file's text: escapes removed, with timestamps and stream if asked. */
export function logText(lines: Iterable<LogLine>, opts: { timestamps: boolean }): string {
  const out: string[] = [];
  for (const l of lines) out.push(`${opts.timestamps && l.time ? `${l.time} ` : ''}${l.stream === 'stderr' ? '[stderr] ' : ''}${l.plain}`);
  return out.length ? out.join('\n') + '\n' : '';
}
