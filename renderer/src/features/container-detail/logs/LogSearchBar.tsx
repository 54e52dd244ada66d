import type { KeyboardEvent, RefObject } from 'react';
import { Toggle } from './Toggle';

const fmt = new Intl.NumberFormat('en-US');

export interface LogSearch {
  query: string;
  regex: boolean;
  caseSensitive: boolean;
}

/** Search the log: the query (Enter: next, Shift+Enter: previous, Escape: clear), regex and case, where the current match is, and why a pattern is refused. */
export function LogSearchBar({
  inputRef,
  search,
  onSearch,
  error,
  matches,
  position,
  capped,
  onStep,
}: {
  inputRef: RefObject<HTMLInputElement | null>;
  search: LogSearch;
  onSearch(change: Partial<LogSearch>): void;
  /** Why the query cannot be searched for (a regular expression that does not compile). */
  error: string | null;
  matches: number;
  /** The current match's place among them (from 1). */
  position: number;
  /** More matches than are counted. */
  capped: boolean;
  onStep(dir: 1 | -1): void;
}) {
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      onStep(e.shiftKey ? -1 : 1);
    } else if (e.key === 'Escape' && search.query) {
      e.preventDefault();
      onSearch({ query: '' });
    }
  };
  return (
    <div className="logs-search">
      <input
        ref={inputRef}
        type="search"
        className="logs-search-input"
        placeholder="Search the log (Ctrl+F)"
        aria-label="Search the log"
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? 'logs-search-error' : undefined}
        value={search.query}
        onChange={(e) => onSearch({ query: e.target.value })}
        onKeyDown={onKey}
      />
      <Toggle pressed={search.regex} onChange={(regex) => onSearch({ regex })} label=".*" ariaLabel="Regular expression" title="Regular expression" />
      <Toggle pressed={search.caseSensitive} onChange={(caseSensitive) => onSearch({ caseSensitive })} label="Aa" ariaLabel="Match case" title="Match case" />
      {search.query && !error && (
        <span className="logs-match-count" data-testid="logs-match-count" aria-live="polite">
          {matches === 0 ? 'No matches' : `${fmt.format(position)} of ${fmt.format(matches)}${capped ? '+' : ''}`}
        </span>
      )}
      <button type="button" className="button button-small" aria-label="Previous match" title="Previous match (Shift+Enter)" disabled={!matches} onClick={() => onStep(-1)}>
        ↑
      </button>
      <button type="button" className="button button-small" aria-label="Next match" title="Next match (Enter)" disabled={!matches} onClick={() => onStep(1)}>
        ↓
      </button>
      {error && (
        <span className="logs-search-error" id="logs-search-error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
