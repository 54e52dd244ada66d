import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import type { ContainerInfo } from '../../../../shared/contract';
import { Spinner } from '../../components/Spinner';
import { logText, type Match, type StreamFilter } from './logs/log-model';
import { LogRow } from './logs/LogRow';
import { LogSearchBar, type LogSearch } from './logs/LogSearchBar';
import { LogStatusBar } from './logs/LogStatusBar';
import { LogToolbar, type LogDisplay } from './logs/LogToolbar';
import { useLogStream, type LogRequest, type LogStatus } from './logs/use-log-stream';

export { LOG_CAPACITY } from './logs/use-log-stream';

const ROW_H = 20;
const NO_MATCHES: { match: Match; absMatch: number }[] = [];

/**
 * The Logs tab: the container's log, live (useLogStream follows it into a bounded buffer), shown in
 * a virtualised list so 10,000 lines/s do not freeze the window. Tail, since, timestamps, wrap,
 * stdout/stderr filter, search with highlighted matches and next/previous, download, clear.
 */
export function LogsTab({ container }: { container: ContainerInfo }) {
  const [request, setRequest] = useState<LogRequest>({ tail: '1000', since: 'all', customSince: '' });
  const [display, setDisplay] = useState<LogDisplay>({ filter: 'all', showTime: false, wrap: false });
  const [search, setSearch] = useState<LogSearch>({ query: '', regex: false, caseSensitive: false });
  const [pinned, setPinned] = useState(true);
  const { filter, showTime, wrap } = display;
  const { query, regex, caseSensitive } = search;

  const rootRef = useRef<HTMLDivElement>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const pinnedRef = useRef(true);
  pinnedRef.current = pinned;

  const { model, status, rerender, resume, clear, drawn } = useLogStream(container, request, rootRef);

  // ---- filter and search ----
  useEffect(() => {
    model.setFilter(filter);
    rerender();
  }, [filter, model, rerender]);
  const [searchError, setSearchError] = useState<string | null>(null);
  useEffect(() => {
    setSearchError(model.setSearch({ query, regex, caseSensitive }));
    rerender();
  }, [model, query, regex, caseSensitive, rerender]);

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
    drawn();
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

  const items = virtualizer.getVirtualItems();
  const matchCount = model.matches.length;

  return (
    <div className="logs-tab" ref={rootRef} data-testid="logs-tab" data-received-lines={model.received} data-buffered-lines={model.all.length}>
      <LogToolbar
        pinned={pinned}
        onFollow={(on) => (on ? jumpToLatest() : setPinned(false))}
        request={request}
        onRequest={(change) => setRequest((r) => ({ ...r, ...change }))}
        display={display}
        onDisplay={(change) => setDisplay((d) => ({ ...d, ...change }))}
        canDownload={count > 0}
        onDownload={download}
        canClear={model.all.length > 0}
        onClear={clear}
      />
      <LogSearchBar
        inputRef={searchRef}
        search={search}
        onSearch={(change) => setSearch((s) => ({ ...s, ...change }))}
        error={searchError}
        matches={matchCount}
        position={model.currentPosition}
        capped={model.matchesCapped}
        onStep={step}
      />
      <LogStatusBar status={status} received={model.received} held={model.all.length} dropped={model.droppedLines} containerState={container.state} onResume={resume} />

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

function emptyText(status: LogStatus, filter: StreamFilter, hadLines: boolean): ReactNode {
  if (status.kind === 'connecting') return <Spinner label="Loading the log…" />;
  if (hadLines) return filter === 'all' ? 'Cleared. New lines will show here.' : `No ${filter} lines in view.`;
  if (status.kind === 'failed') return 'No log to show.';
  return filter === 'all' ? 'No log lines yet.' : `No ${filter} lines yet.`;
}
