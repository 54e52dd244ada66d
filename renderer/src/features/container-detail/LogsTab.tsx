import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import type { ContainerInfo, ErrorInfo, LogLineInfo } from '../../../../shared/contract';
import { openStream } from '../../api/open-stream';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Spinner } from '../../components/Spinner';
import { styleToCss } from './logs/ansi';
import { LogModel, logText, segmentsOf, type LogLine, type Match, type StreamFilter } from './logs/log-model';

/** Lines kept in memory; older ones are dropped (and the UI says so). */
export const LOG_CAPACITY = 100_000;
const ROW_H = 20;
/**
 * At most this often the list is re-rendered while lines pour in: at 10,000 lines/s nobody reads
 * each frame, and leaving the main thread free keeps the window responsive (lines are still
 * applied to the buffer on every render; none are lost).
 */
const MIN_RENDER_MS = 100;
/** …and never more often than this many times the last render's own cost (so a slow machine stays responsive). */
const RENDER_COST_FACTOR = 4;

type TailChoice = '100' | '1000' | '10000' | 'all';
type SinceChoice = 'all' | '5m' | '15m' | '1h' | '24h' | 'custom';
const SINCE_SECONDS: Record<Exclude<SinceChoice, 'all' | 'custom'>, number> = { '5m': 300, '15m': 900, '1h': 3600, '24h': 86_400 };

type Status = { kind: 'connecting' } | { kind: 'live' } | { kind: 'ended' } | { kind: 'failed'; error: ErrorInfo };

const fmt = new Intl.NumberFormat('en-US');

/** "2026-11-25T07:09:57.754458780Z" → "2026-11-25 07:09:57.754" in local time. */
function formatTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

function sinceSeconds(choice: SinceChoice, custom: string): number | null {
  if (choice === 'all') return null;
  if (choice === 'custom') {
    const t = Date.parse(custom);
    return Number.isNaN(t) ? null : Math.max(0, Math.floor(t / 1000));
  }
  return Math.floor(Date.now() / 1000) - SINCE_SECONDS[choice];
}

/**
 * The Logs tab: the container's log, live. Lines arrive in batches on a `container.logs` stream,
 * are applied once per animation frame into a bounded ring buffer, and are shown in a virtualised
 * list (so 10,000 lines/s do not freeze the window). Tail, since, timestamps, wrap, stdout/stderr
 * filter, search with highlighted matches and next/previous, download, clear.
 */
export function LogsTab({ container }: { container: ContainerInfo }) {
  const modelRef = useRef<LogModel | null>(null);
  modelRef.current ??= new LogModel(LOG_CAPACITY);
  const model = modelRef.current;
  const [, setVersion] = useState(0);
  const rerender = useCallback(() => setVersion((v) => v + 1), []);

  const [tail, setTail] = useState<TailChoice>('1000');
  const [since, setSince] = useState<SinceChoice>('all');
  const [customSince, setCustomSince] = useState('');
  const [showTime, setShowTime] = useState(false);
  const [wrap, setWrap] = useState(false);
  const [filter, setFilter] = useState<StreamFilter>('all');
  const [query, setQuery] = useState('');
  const [regex, setRegex] = useState(false);
  const [caseSensitive, setCaseSensitive] = useState(false);
  const [pinned, setPinned] = useState(true);
  const [status, setStatus] = useState<Status>({ kind: 'connecting' });
  const [generation, setGeneration] = useState(0);

  const rootRef = useRef<HTMLDivElement>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const pinnedRef = useRef(true);
  pinnedRef.current = pinned;
  /** Set by Resume: carry on after the last line held instead of starting over. */
  const resumeRef = useRef<{ second: string; seen: Set<string> } | null>(null);
  /** The resume in effect for the stream now open: lines it already showed are skipped. */
  const skipRef = useRef<{ second: string; seen: Set<string> } | null>(null);

  // ---- incoming lines, applied once per frame ----
  const pending = useRef<LogLineInfo[]>([]);
  const frame = useRef<number | null>(null);
  const lastRender = useRef(0);
  /** How long the last render of new lines took (flush → layout effect), in ms. */
  const renderCost = useRef(0);
  const renderStart = useRef<number | null>(null);
  const flush = useCallback(
    (now: number) => {
      frame.current = null;
      const lines = pending.current;
      if (!lines.length) return;
      if (now - lastRender.current < Math.max(MIN_RENDER_MS, RENDER_COST_FACTOR * renderCost.current)) {
        frame.current = requestAnimationFrame(flush);
        return;
      }
      lastRender.current = now;
      renderStart.current = performance.now();
      pending.current = [];
      model.append(lines);
      const root = rootRef.current;
      if (root) {
        root.dataset.receivedLines = String(model.received);
        root.dataset.bufferedLines = String(model.all.length);
      }
      rerender();
    },
    [model, rerender],
  );
  const enqueue = useCallback(
    (lines: LogLineInfo[]) => {
      const resume = skipRef.current;
      if (resume) {
        lines = lines.filter((l) => {
          const sec = l.time?.slice(0, 19);
          if (!sec || sec > resume.second) return true;
          return !resume.seen.has(`${l.time}|${l.stream}|${l.text}`) && sec === resume.second;
        });
      }
      for (const l of lines) pending.current.push(l);
      // While frames do not run (a hidden window), keep only what the buffer could hold anyway.
      if (pending.current.length > 2 * LOG_CAPACITY) {
        const extra = pending.current.length - LOG_CAPACITY;
        pending.current = pending.current.slice(extra);
        model.noteSkipped(extra);
      }
      frame.current ??= requestAnimationFrame(flush);
    },
    [flush, model],
  );
  useEffect(
    () => () => {
      if (frame.current !== null) cancelAnimationFrame(frame.current);
    },
    [],
  );

  // ---- the stream: (re)opened when what it asks the engine for changes, or on Resume ----
  const hostId = container.hostId;
  const containerId = container.id;
  useEffect(() => {
    const resume = resumeRef.current;
    resumeRef.current = null;
    skipRef.current = resume;
    let sinceSec = sinceSeconds(since, customSince);
    if (resume) sinceSec = Math.floor(Date.parse(`${resume.second}Z`) / 1000);
    else {
      pending.current = [];
      model.reset();
      rerender();
    }
    setStatus({ kind: 'connecting' });
    const stream = openStream(
      'container.logs',
      { hostId, containerId, tail: tail === 'all' ? 'all' : Number(tail), since: sinceSec, timestamps: true, follow: true },
      {
        onOpen: () => setStatus({ kind: 'live' }),
        onData: (data) => {
          if (Array.isArray(data?.lines)) enqueue(data.lines);
        },
        onEnd: (error) => setStatus(error ? { kind: 'failed', error } : { kind: 'ended' }),
      },
    );
    return () => stream.close();
  }, [hostId, containerId, tail, since, customSince, generation, model, enqueue, rerender]);

  const resume = useCallback(() => {
    const last = model.all.at(model.all.length - 1);
    if (last?.time) {
      const second = last.time.slice(0, 19);
      const seen = new Set<string>();
      for (let i = model.all.length - 1; i >= 0; i--) {
        const l = model.all.at(i)!;
        if (!l.time || l.time.slice(0, 19) !== second) break;
        seen.add(`${l.time}|${l.stream}|${l.text}`);
      }
      resumeRef.current = { second, seen };
    } else resumeRef.current = null;
    setGeneration((g) => g + 1);
  }, [model]);
  // The container started again after its stream ended: follow it again.
  const running = container.state === 'running';
  useEffect(() => {
    if (running && status.kind === 'ended') resume();
  }, [running, status.kind, resume]);

  // ---- filter and search ----
  useEffect(() => {
    model.setFilter(filter);
    rerender();
  }, [filter, model, rerender]);

  const searchError = useSearch(model, query, regex, caseSensitive, rerender);

  // ---- the list ----
  const view = model.view;
  const count = view.length;
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_H,
    overscan: 10,
    initialRect: { width: 800, height: 480 },
    ...(wrap ? { getItemKey: (i: number) => view.at(i)?.seq ?? i } : {}),
  });

  // Pinned: stay at the bottom as lines arrive. Not pinned: keep the lines in sight where they
  // are when older ones are dropped from the top.
  const lastTop = useRef(-1);
  const lastDropped = useRef(view.dropped);
  useLayoutEffect(() => {
    const el = scrollRef.current;
    const droppedNow = view.dropped - lastDropped.current;
    lastDropped.current = view.dropped;
    if (el && pinned) {
      el.scrollTop = el.scrollHeight;
      lastTop.current = el.scrollTop;
    } else if (el && droppedNow > 0 && !wrap) {
      el.scrollTop = Math.max(0, el.scrollTop - droppedNow * ROW_H);
      lastTop.current = el.scrollTop;
    }
    if (renderStart.current !== null) {
      renderCost.current = performance.now() - renderStart.current;
      renderStart.current = null;
    }
  });

  const unpin = () => {
    if (pinnedRef.current) setPinned(false);
  };
  const onScroll = () => {
    const el = scrollRef.current;
    if (!el || Math.abs(el.scrollTop - lastTop.current) < 2) return; // our own scrolling
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 4;
    if (atBottom !== pinnedRef.current) setPinned(atBottom);
    lastTop.current = -1;
  };
  const onListKey = (e: KeyboardEvent) => {
    if (['ArrowUp', 'PageUp', 'Home'].includes(e.key)) unpin();
  };
  const jumpToLatest = () => {
    setPinned(true);
    const el = scrollRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  };

  const currentAbs = model.current;
  const goTo = (m: Match | undefined) => {
    if (!m) return;
    setPinned(false);
    rerender();
    virtualizer.scrollToIndex(m.abs - view.dropped, { align: 'center' });
  };
  const step = (dir: 1 | -1) => goTo(model.step(dir));
  // A new search shows its current match.
  const shownSearch = useRef('');
  useEffect(() => {
    const key = `${query}|${regex}|${caseSensitive}|${filter}`;
    if (key === shownSearch.current) return;
    shownSearch.current = key;
    // The search itself ran in an effect just before this one: ask the model, not this render.
    goTo(model.currentMatch());
  }, [query, regex, caseSensitive, filter]);

  // Ctrl/Cmd+F: search.
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'f') {
        e.preventDefault();
        searchRef.current?.focus();
        searchRef.current?.select();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const onSearchKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      step(e.shiftKey ? -1 : 1);
    } else if (e.key === 'Escape' && query) {
      e.preventDefault();
      setQuery('');
    }
  };

  const download = () => {
    const text = logText(view.toArray(), { timestamps: showTime });
    const blob = new Blob([text], { type: 'text/plain;charset=utf-8' });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
    a.href = url;
    a.download = `${container.name}-${stamp}.log`;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };

  const clear = () => {
    pending.current = [];
    model.clear();
    rerender();
  };

  const items = virtualizer.getVirtualItems();
  const matchCount = model.matches.length;
  const dropped = model.droppedLines;

  return (
    <div className="logs-tab" ref={rootRef} data-testid="logs-tab" data-received-lines={model.received} data-buffered-lines={model.all.length}>
      <div className="logs-toolbar" role="toolbar" aria-label="Log options">
        <Toggle pressed={pinned} onChange={(v) => (v ? jumpToLatest() : setPinned(false))} label="Follow" title="Keep the newest line in sight" />
        <label className="logs-field">
          Tail
          <select value={tail} onChange={(e) => setTail(e.target.value as TailChoice)} aria-label="Lines to load">
            <option value="100">100 lines</option>
            <option value="1000">1,000 lines</option>
            <option value="10000">10,000 lines</option>
            <option value="all">All lines</option>
          </select>
        </label>
        <label className="logs-field">
          Since
          <select value={since} onChange={(e) => setSince(e.target.value as SinceChoice)} aria-label="Since">
            <option value="all">The start</option>
            <option value="5m">5 minutes ago</option>
            <option value="15m">15 minutes ago</option>
            <option value="1h">1 hour ago</option>
            <option value="24h">24 hours ago</option>
            <option value="custom">A time…</option>
          </select>
        </label>
        {since === 'custom' && (
          <input type="datetime-local" className="logs-since-time" aria-label="Since time" value={customSince} onChange={(e) => setCustomSince(e.target.value)} />
        )}
        <label className="logs-field">
          Show
          <select value={filter} onChange={(e) => setFilter(e.target.value as StreamFilter)} aria-label="Streams">
            <option value="all">stdout + stderr</option>
            <option value="stdout">stdout only</option>
            <option value="stderr">stderr only</option>
          </select>
        </label>
        <Toggle pressed={showTime} onChange={setShowTime} label="Timestamps" />
        <Toggle pressed={wrap} onChange={setWrap} label="Wrap" title="Wrap long lines" />
        <span className="logs-spacer" />
        <button type="button" className="button button-small" onClick={download} disabled={count === 0} title="Save the lines in view as a .log file">
          Download
        </button>
        <button type="button" className="button button-small" onClick={clear} disabled={model.all.length === 0} title="Clear the lines shown (the log goes on)">
          Clear
        </button>
      </div>

      <div className="logs-search">
        <input
          ref={searchRef}
          type="search"
          className="logs-search-input"
          placeholder="Search the log (Ctrl+F)"
          aria-label="Search the log"
          aria-invalid={searchError ? true : undefined}
          aria-describedby={searchError ? 'logs-search-error' : undefined}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={onSearchKey}
        />
        <Toggle pressed={regex} onChange={setRegex} label=".*" ariaLabel="Regular expression" title="Regular expression" />
        <Toggle pressed={caseSensitive} onChange={setCaseSensitive} label="Aa" ariaLabel="Match case" title="Match case" />
        {query && !searchError && (
          <span className="logs-match-count" data-testid="logs-match-count" aria-live="polite">
            {matchCount === 0 ? 'No matches' : `${fmt.format(model.currentPosition)} of ${fmt.format(matchCount)}${model.matchesCapped ? '+' : ''}`}
          </span>
        )}
        <button type="button" className="button button-small" aria-label="Previous match" title="Previous match (Shift+Enter)" disabled={!matchCount} onClick={() => step(-1)}>
          ↑
        </button>
        <button type="button" className="button button-small" aria-label="Next match" title="Next match (Enter)" disabled={!matchCount} onClick={() => step(1)}>
          ↓
        </button>
        {searchError && (
          <span className="logs-search-error" id="logs-search-error" role="alert">
            {searchError}
          </span>
        )}
      </div>

      <StatusBar status={status} received={model.received} held={model.all.length} dropped={dropped} containerState={container.state} onResume={resume} />

      <div className="logs-frame">
        <div
          ref={scrollRef}
          className={`logs-scroll${wrap ? ' wrap' : ''}`}
          data-testid="logs-scroll"
          role="log"
          aria-label={`Log of ${container.name}`}
          aria-live="off"
          tabIndex={0}
          onScroll={onScroll}
          onWheel={(e) => e.deltaY < 0 && unpin()}
          onKeyDown={onListKey}
        >
          {count === 0 ? (
            <div className="logs-empty">{emptyText(status, filter, model.received > 0)}</div>
          ) : (
            <div className="logs-inner" style={{ height: virtualizer.getTotalSize() }}>
              {items.map((it) => {
                const line = view.at(it.index);
                if (!line) return null;
                const abs = view.dropped + it.index;
                return (
                  <div
                    key={it.key}
                    data-index={it.index}
                    ref={wrap ? virtualizer.measureElement : undefined}
                    className={`log-line${line.stream === 'stderr' ? ' log-stderr' : ''}`}
                    data-testid="log-line"
                    data-stream={line.stream}
                    style={{ transform: `translateY(${it.start}px)`, ...(wrap ? {} : { height: ROW_H }) }}
                  >
                    <LogRow line={line} showTime={showTime} matches={matchCount ? model.matchesOn(abs) : NO_MATCHES} currentAbs={currentAbs} />
                  </div>
                );
              })}
            </div>
          )}
        </div>
        {!pinned && count > 0 && (
          <button type="button" className="button button-small logs-jump" onClick={jumpToLatest}>
            ↓ Jump to latest
          </button>
        )}
      </div>
    </div>
  );
}

const NO_MATCHES: { match: Match; absMatch: number }[] = [];

function emptyText(status: Status, filter: StreamFilter, hadLines: boolean): ReactNode {
  if (status.kind === 'connecting') return <Spinner label="Loading the log…" />;
  if (hadLines) return filter === 'all' ? 'Cleared. New lines will show here.' : `No ${filter} lines in view.`;
  if (status.kind === 'failed') return 'No log to show.';
  return filter === 'all' ? 'No log lines yet.' : `No ${filter} lines yet.`;
}

function useSearch(model: LogModel, query: string, regex: boolean, caseSensitive: boolean, rerender: () => void): string | null {
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setError(model.setSearch({ query, regex, caseSensitive }));
    rerender();
  }, [model, query, regex, caseSensitive, rerender]);
  return error;
}

function Toggle({ pressed, onChange, label, ariaLabel, title }: { pressed: boolean; onChange(v: boolean): void; label: string; ariaLabel?: string; title?: string }) {
  return (
    <button
      type="button"
      className={`button button-small logs-toggle${pressed ? ' on' : ''}`}
      aria-pressed={pressed}
      aria-label={ariaLabel}
      title={title}
      onClick={() => onChange(!pressed)}
    >
      {label}
    </button>
  );
}

function StatusBar({
  status,
  received,
  held,
  dropped,
  containerState,
  onResume,
}: {
  status: Status;
  received: number;
  held: number;
  dropped: number;
  containerState: ContainerInfo['state'];
  onResume(): void;
}) {
  if (status.kind === 'failed') {
    return (
      <div className="logs-status logs-status-error">
        <ErrorMessage error={status.error} title="The log could not be read" compact />
        <button type="button" className="button button-small" onClick={onResume}>
          Retry
        </button>
      </div>
    );
  }
  return (
    <div className="logs-status" data-testid="logs-status">
      {status.kind === 'connecting' && <span>Connecting…</span>}
      {status.kind === 'live' && <span className="logs-live">● Live</span>}
      {status.kind === 'ended' && (
        <span className="logs-ended" role="status">
          {containerState === 'running' ? 'The log stream ended.' : `The container is ${containerState === 'exited' ? 'stopped' : containerState}: this is its log up to then.`}{' '}
          <button type="button" className="link-button" onClick={onResume}>
            Resume following
          </button>
        </span>
      )}
      <span className="muted">
        {fmt.format(held)} line{held === 1 ? '' : 's'} shown
        {received !== held ? ` of ${fmt.format(received)} received` : ''}
      </span>
      {dropped > 0 && (
        <span className="logs-dropped" data-testid="logs-dropped">
          {fmt.format(dropped)} older line{dropped === 1 ? ' was' : 's were'} dropped (only the newest {fmt.format(LOG_CAPACITY)} are kept)
        </span>
      )}
    </div>
  );
}

/** One line: time, the stderr mark, and its text in ANSI colours with the search matches marked. */
const LogRow = memo(function LogRow({ line, showTime, matches, currentAbs }: { line: LogLine; showTime: boolean; matches: { match: Match; absMatch: number }[]; currentAbs: number }) {
  const segs = segmentsOf(line);
  // The styled pieces of [from, to) of the plain text.
  const styled = (from: number, to: number, keyBase: string): ReactNode[] => {
    const out: ReactNode[] = [];
    let offset = 0;
    segs.forEach((seg, i) => {
      const a = Math.max(from, offset);
      const b = Math.min(to, offset + seg.text.length);
      if (a < b) {
        out.push(
          <span key={`${keyBase}.${i}`} style={seg.style ? styleToCss(seg.style) : undefined}>
            {seg.text.slice(a - offset, b - offset)}
          </span>,
        );
      }
      offset += seg.text.length;
    });
    return out;
  };
  const total = line.plain.length;
  const parts: ReactNode[] = [];
  let pos = 0;
  for (const { match, absMatch } of matches) {
    if (match.start < pos) continue;
    if (match.start > pos) parts.push(...styled(pos, match.start, `t${pos}`));
    const cur = absMatch === currentAbs;
    parts.push(
      <mark key={`m${match.start}`} className={cur ? 'log-match log-match-current' : 'log-match'} data-testid={cur ? 'log-match-current' : 'log-match'}>
        {styled(match.start, match.end, `m${match.start}`)}
      </mark>,
    );
    pos = match.end;
  }
  if (pos < total || total === 0) parts.push(...styled(pos, total, `t${pos}`));
  return (
    <>
      {line.stream === 'stderr' && <span className="sr-only">stderr: </span>}
      {showTime && line.time && (
        <span className="log-time" title={line.time}>
          {formatTime(line.time)}
        </span>
      )}
      <span className="log-text">{parts}</span>
    </>
  );
});
