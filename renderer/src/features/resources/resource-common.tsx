import { useCallback, useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { HomeportError, type ErrorInfo, type HostId, type HostInfo } from '../../../../shared/contract';
import { client } from '../../api/client';
import { EmptyState } from '../../components/EmptyState';
import { ErrorMessage } from '../../components/ErrorMessage';
import { HostHeader } from '../../components/HostHeader';
import { SearchIcon } from '../../components/icons';
import { Spinner } from '../../components/Spinner';
import { appStore, useApp } from '../../store';

export function formatBytes(n: number | null): string {
  if (n === null) return '—';
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${units[i]}`;
}

export function formatAge(at: number | null, now = Date.now()): string {
  if (at === null) return '—';
  const s = Math.max(0, Math.round((now - at) / 1000));
  if (s < 60) return 'just now';
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} h ago`;
  const d = Math.round(h / 24);
  if (d < 60) return `${d} days ago`;
  const mo = Math.round(d / 30);
  if (mo < 24) return `${mo} months ago`;
  return `${Math.round(d / 365)} years ago`;
}

export function toErrorInfo(e: unknown): ErrorInfo {
  if (e instanceof HomeportError) return e.toInfo();
  return { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) };
}

/** The events that carry one host's list again after its engine said it changed. */
type ListEvent = 'volumes.changed' | 'images.changed' | 'networks.changed';

/**
 * A per-host list loaded from the services: loaded on mount, again whenever a host connects or
 * drops, and on `reload()` (after an action); in between, `changed` (the engine's events, whoever
 * caused them) replaces one host's list as it comes.
 */
export function useHostLists<T extends { hostId: HostId; error: ErrorInfo | null }>(load: () => Promise<T[]>, changed: ListEvent | null = null) {
  const [lists, setLists] = useState<Record<string, T> | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const connectedKey = useApp((s) => s.hosts.map((h) => `${h.id}:${h.state.status}`).join(','));
  // A list that was asked for before an event arrived is older than the event's list: the
  // event's is kept for that host.
  const seq = useRef(0);
  const eventSeq = useRef(new Map<string, number>());
  useEffect(() => {
    if (!changed) return;
    return client().on(changed, (info) => {
      eventSeq.current.set(info.hostId, ++seq.current);
      // The event of the view's own kind carries this view's list type.
      setLists((prev) => (prev ? { ...prev, [info.hostId]: info as unknown as T } : prev));
    });
  }, [changed]);
  const reload = useCallback(async () => {
    const asked = ++seq.current;
    try {
      const r = await load();
      setLists((prev) =>
        Object.fromEntries(r.map((x) => [x.hostId, (eventSeq.current.get(x.hostId) ?? 0) > asked && prev?.[x.hostId] ? prev[x.hostId]! : x])),
      );
      setError(null);
    } catch (e) {
      setError(toErrorInfo(e));
    }
  }, [load]);
  useEffect(() => {
    void reload();
  }, [reload, connectedKey]);
  return { lists, error, reload };
}

export function ResourceView({
  title,
  summary,
  toolbar,
  filter,
  setFilter,
  what,
  loadError,
  onRetry,
  children,
}: {
  title: string;
  summary?: string | null;
  toolbar?: ReactNode;
  filter: string;
  setFilter(v: string): void;
  what: string;
  loadError: ErrorInfo | null;
  onRetry(): void;
  children: ReactNode;
}) {
  return (
    <div className="view">
      <header className="view-header">
        <div className="view-title">
          <h1>{title}</h1>
          {summary && <span className="view-summary">{summary}</span>}
        </div>
        {toolbar && <div className="toolbar">{toolbar}</div>}
        <div className="filter-box">
          <SearchIcon />
          <input
            type="search"
            placeholder={`Filter ${what}`}
            aria-label={`Filter ${what}`}
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape' && filter) {
                e.preventDefault();
                setFilter('');
              }
            }}
          />
        </div>
      </header>
      <div className="view-body">
        {loadError && (
          <div className="load-error">
            <ErrorMessage error={loadError} title={`Could not load ${what}`} />
            <button type="button" className="button" onClick={onRetry}>
              Retry
            </button>
          </div>
        )}
        {children}
      </div>
    </div>
  );
}

/** Loading / no hosts / no match states shared by the three lists (a plain function: null when the list should show). */
export function listState({ loaded, hostCount, matchCount, filter, setFilter, what }: { loaded: boolean; hostCount: number; matchCount: number; filter: string; setFilter(v: string): void; what: string }) {
  if (!loaded)
    return (
      <div className="center-note">
        <Spinner size="medium" /> Loading…
      </div>
    );
  if (hostCount === 0)
    return (
      <EmptyState
        testId="empty-no-hosts"
        title="No hosts yet"
        action={
          <button type="button" className="button button-primary" onClick={() => appStore.getState().openHostDialog({ open: true, mode: 'add' })}>
            Add your first host
          </button>
        }
      >
        Add a host to see its {what}.
      </EmptyState>
    );
  if (matchCount === 0 && filter.trim())
    return (
      <EmptyState
        testId="empty-no-match"
        title={`No ${what} match “${filter.trim()}”`}
        action={
          <button type="button" className="button" onClick={() => setFilter('')}>
            Clear filter
          </button>
        }
      />
    );
  return null;
}

/** One host's block: header with state, the host's list error or emptiness, then the rows. */
export function ResourceHostSection({
  host,
  error,
  count,
  what,
  columns,
  cols,
  actions,
  children,
}: {
  host: HostInfo;
  error: ErrorInfo | null | undefined;
  count: number;
  what: string;
  columns: string[];
  cols: string;
  actions?: ReactNode;
  children: ReactNode;
}) {
  const headingId = useId();
  const connected = host.state.status === 'connected';
  let note: ReactNode = null;
  if (!connected) note = <p className="host-note muted">Not connected. Connect it on the Hosts screen to see its {what}.</p>;
  else if (error) note = <div className="host-note"><ErrorMessage error={error} title={`Could not list ${what}`} /></div>;
  else if (count === 0) note = <p className="host-note muted">No {what} on this host.</p>;
  return (
    <section className="host-section" data-testid="host-section" data-host={host.name} aria-labelledby={headingId} style={{ ['--cols' as string]: cols }}>
      <HostHeader host={host} headingId={headingId}>
        {count > 0 && <span className="count-summary">{count}</span>}
        {connected && actions}
      </HostHeader>
      {note}
      {count > 0 && (
        <table role="table" className="container-table" aria-label={`${what} on ${host.name}`}>
          <thead className="sr-only" role="rowgroup">
            <tr role="row">
              {columns.map((c) => (
                <th key={c} role="columnheader" scope="col">
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody role="rowgroup">{children}</tbody>
        </table>
      )}
    </section>
  );
}

export const matches = (filter: string, ...fields: Array<string | null | undefined>) => {
  const f = filter.trim().toLowerCase();
  return !f || fields.some((x) => x?.toLowerCase().includes(f));
};
