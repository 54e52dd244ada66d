import type { StreamFilter } from './log-model';
import { Toggle } from './Toggle';
import type { LogRequest, SinceChoice, TailChoice } from './use-log-stream';

/** How the lines held are shown (changing it does not open the stream again). */
export interface LogDisplay {
  filter: StreamFilter;
  showTime: boolean;
  wrap: boolean;
}

/** The log's options: follow, what to load (tail, since), which streams, timestamps, wrap; download and clear. */
export function LogToolbar({
  pinned,
  onFollow,
  request,
  onRequest,
  display,
  onDisplay,
  canDownload,
  onDownload,
  canClear,
  onClear,
}: {
  pinned: boolean;
  onFollow(on: boolean): void;
  request: LogRequest;
  onRequest(change: Partial<LogRequest>): void;
  display: LogDisplay;
  onDisplay(change: Partial<LogDisplay>): void;
  canDownload: boolean;
  onDownload(): void;
  canClear: boolean;
  onClear(): void;
}) {
  return (
    <div className="logs-toolbar" role="toolbar" aria-label="Log options">
      <Toggle pressed={pinned} onChange={onFollow} label="Follow" title="Keep the newest line in sight" />
      <label className="logs-field">
        Tail
        <select value={request.tail} onChange={(e) => onRequest({ tail: e.target.value as TailChoice })} aria-label="Lines to load">
          <option value="100">100 lines</option>
          <option value="1000">1,000 lines</option>
          <option value="10000">10,000 lines</option>
          <option value="all">All lines</option>
        </select>
      </label>
      <label className="logs-field">
        Since
        <select value={request.since} onChange={(e) => onRequest({ since: e.target.value as SinceChoice })} aria-label="Since">
          <option value="all">The start</option>
          <option value="5m">5 minutes ago</option>
          <option value="15m">15 minutes ago</option>
          <option value="1h">1 hour ago</option>
          <option value="24h">24 hours ago</option>
          <option value="custom">A time…</option>
        </select>
      </label>
      {request.since === 'custom' && (
        <input type="datetime-local" className="logs-since-time" aria-label="Since time" value={request.customSince} onChange={(e) => onRequest({ customSince: e.target.value })} />
      )}
      <label className="logs-field">
        Show
        <select value={display.filter} onChange={(e) => onDisplay({ filter: e.target.value as StreamFilter })} aria-label="Streams">
          <option value="all">stdout + stderr</option>
          <option value="stdout">stdout only</option>
          <option value="stderr">stderr only</option>
        </select>
      </label>
      <Toggle pressed={display.showTime} onChange={(showTime) => onDisplay({ showTime })} label="Timestamps" />
      <Toggle pressed={display.wrap} onChange={(wrap) => onDisplay({ wrap })} label="Wrap" title="Wrap long lines" />
      <span className="logs-spacer" />
      <button type="button" className="button button-small" onClick={onDownload} disabled={!canDownload} title="Save the lines in view as a .log file">
        Download
      </button>
      <button type="button" className="button button-small" onClick={onClear} disabled={!canClear} title="Clear the lines shown (the log goes on)">
        Clear
      </button>
    </div>
  );
}
