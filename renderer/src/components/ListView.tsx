import type { ReactNode } from 'react';
import type { ErrorInfo } from '../../../shared/contract';
import { appStore } from '../store';
import { EmptyState } from './EmptyState';
import { ErrorMessage } from './ErrorMessage';
import { SearchIcon } from './icons';
import { LoadingNote } from './Spinner';
import { ViewHeader } from './ViewHeader';

/**
 * A view of a list: its title and summary, toolbar and filter box, the list's load error with a
 * Retry, then the list.
 */
export function ListView({
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
      <ViewHeader title={title} summary={summary} toolbar={toolbar}>
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
      </ViewHeader>
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

/** What a screen of the hosts' things shows before there is any host: why it is empty, and a button to add one. */
export function NoHostsYet({ children }: { children: ReactNode }) {
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
      {children}
    </EmptyState>
  );
}

/** Loading / no hosts / no match: what a per-host list shows instead of its rows (a plain function: null when the rows should show). */
export function listPlaceholder({ loaded, hostCount, matchCount, filter, setFilter, what }: { loaded: boolean; hostCount: number; matchCount: number; filter: string; setFilter(v: string): void; what: string }) {
  if (!loaded) return <LoadingNote />;
  if (hostCount === 0) return <NoHostsYet>Add a host to see its {what}.</NoHostsYet>;
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
