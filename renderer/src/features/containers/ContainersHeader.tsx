import type { KeyboardEvent, RefObject } from 'react';
import { SearchIcon } from '../../components/icons';
import { appStore } from '../../store';

/** The view's title, how many containers run on how many hosts, and the filter box. */
export function ContainersHeader({
  summary,
  filter,
  filterRef,
  onFilterKeyDown,
}: {
  /** Null until there are hosts to count. */
  summary: { running: number; total: number; hosts: number } | null;
  filter: string;
  filterRef: RefObject<HTMLInputElement | null>;
  onFilterKeyDown(e: KeyboardEvent<HTMLInputElement>): void;
}) {
  return (
    <header className="view-header">
      <div className="view-title">
        <h1>Containers</h1>
        {summary && (
          <span className="view-summary">
            {summary.running} running · {summary.total} total · {summary.hosts} {summary.hosts === 1 ? 'host' : 'hosts'}
          </span>
        )}
      </div>
      <div className="filter-box">
        <SearchIcon />
        <input
          ref={filterRef}
          type="search"
          placeholder="Filter containers"
          aria-label="Filter containers"
          aria-keyshortcuts="/ Control+F"
          value={filter}
          onChange={(e) => appStore.getState().setFilter(e.target.value)}
          onKeyDown={onFilterKeyDown}
        />
        <kbd aria-hidden="true">/</kbd>
      </div>
    </header>
  );
}
