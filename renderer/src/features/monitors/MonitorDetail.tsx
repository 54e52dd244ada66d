import { useEffect, useRef, useState } from 'react';
import type { AlertSettingsInfo, ChannelInfo, ErrorInfo, HistoryRange, MonitorHistoryInfo, MonitorInfo } from '../../../../shared/contract';
import { ErrorMessage } from '../../components/ErrorMessage';
import { StateBadge } from '../../components/StateBadge';
import { toErrorInfo } from '../../lib/errors';
import { MaintenanceDialog } from './MaintenanceDialog';
import { MuteMenu } from './MuteMenu';
import { PushUrl } from './PushUrl';
import { ResponseTimeChart } from './ResponseTimeChart';
import { RoutingEditor } from './RoutingEditor';
import { StatusBars } from './StatusBars';
import { formatDuration, formatUntil, ms, pct, STATE_TONE } from './monitors-ui';
import { monitorHistory } from './api';

const RANGE_LABEL: Record<HistoryRange, string> = { '24h': '24 hours', '30d': '30 days', '1y': '1 year' };

function describeWindow(w: AlertSettingsInfo['globalMaintenance'][number]): string {
  if (w.kind === 'once') return `${new Date(w.from).toLocaleString()} – ${new Date(w.to).toLocaleString()}`;
  const days = w.days.map((d) => ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d]).join(', ');
  return `every ${days}, ${w.start}–${w.end}`;
}

/** One monitor: uptime over 24 h / 30 d / 1 y, the response-time chart, incidents, mute, maintenance and where its alerts go. */
export function MonitorDetail({
  monitor,
  settings,
  channels,
  onChanged,
  onClose,
  onEdit,
}: {
  monitor: MonitorInfo;
  settings: AlertSettingsInfo | null;
  channels: ChannelInfo[];
  onChanged(): void;
  onClose(): void;
  onEdit?: (() => void) | undefined;
}) {
  const [range, setRange] = useState<HistoryRange>('24h');
  const [history, setHistory] = useState<MonitorHistoryInfo | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [editingMaintenance, setEditingMaintenance] = useState(false);
  const own = settings?.monitors[monitor.id];
  const root = useRef<HTMLElement>(null);
  // Opened from a row, an alert toast or the recent alerts: bring it into view.
  // (Braces: newer Chromium returns a promise from smooth scrolling, which React would call as a cleanup.)
  useEffect(() => {
    root.current?.scrollIntoView?.({ block: 'nearest', behavior: 'smooth' });
  }, []);
  useEffect(() => {
    let live = true;
    monitorHistory({ id: monitor.id, range })
      .then(
        (h) => {
          if (!live) return;
          setHistory(h);
          setError(null);
        },
        (e: unknown) => live && setError(toErrorInfo(e)),
      );
    return () => {
      live = false;
    };
  }, [monitor.id, range, monitor.lastCheckAt]);

  const shown = history?.range === range ? history : null;
  return (
    <section ref={root} className="monitor-detail panel-section" data-testid="monitor-detail" aria-label={`${monitor.name} details`}>
      <header className="section-header">
        <h2>{monitor.name}</h2>
        <StateBadge tone={STATE_TONE[monitor.state]} title={monitor.message}>
          {monitor.state}
        </StateBadge>
        {monitor.muted && (
          <span className="badge tone-idle" data-testid="muted-badge">
            muted{own?.mutedUntil ? ` ${formatUntil(own.mutedUntil)}` : settings?.globalMuteUntil ? ` (all) ${formatUntil(settings.globalMuteUntil)}` : ''}
          </span>
        )}
        <span className="muted mono detail-target">{monitor.target}</span>
        <div className="section-actions">
          {onEdit && (
            <button type="button" className="button button-small" onClick={onEdit}>
              Edit
            </button>
          )}
          <MuteMenu id={monitor.id} mutedUntil={own?.mutedUntil ?? null} label="Mute" onChanged={onChanged} />
          <button type="button" className="button button-small" onClick={() => setEditingMaintenance(true)}>
            Maintenance…
          </button>
          <button type="button" className="button button-small" onClick={onClose}>
            Close
          </button>
        </div>
      </header>
      {monitor.message && <p className="muted detail-message">{monitor.message}</p>}
      {monitor.source.kind === 'label' && (
        <p className="muted" data-testid="label-source">
          Declared by the <code>homeport.monitor.*</code> labels of the container {monitor.source.container}, and added when you approved it: change the labels to change it (here you can pause or remove it).
        </p>
      )}
      {monitor.type === 'push' && <PushUrl monitorId={monitor.id} />}
      <dl className="monitor-uptime">
        <div>
          <dt>Uptime 24 h</dt>
          <dd>{pct(monitor.uptime.day)}</dd>
        </div>
        <div>
          <dt>Uptime 30 d</dt>
          <dd>{pct(monitor.uptime.month)}</dd>
        </div>
        <div>
          <dt>Uptime 1 y</dt>
          <dd>{pct(monitor.uptime.year)}</dd>
        </div>
        <div>
          <dt>Response (last)</dt>
          <dd>{ms(monitor.latencyMs)}</dd>
        </div>
        <div>
          <dt>Average 24 h</dt>
          <dd>{ms(monitor.avgLatencyMs24h)}</dd>
        </div>
        <div>
          <dt>Checks</dt>
          <dd>
            every {monitor.intervalSec} s, {monitor.retries} {monitor.retries === 1 ? 'retry' : 'retries'}
          </dd>
        </div>
      </dl>
      <div className="detail-toolbar">
        <h3>Response time</h3>
        <div role="group" aria-label="Range" className="range-buttons">
          {(['24h', '30d', '1y'] as const).map((r) => (
            <button key={r} type="button" className={`button button-small${r === range ? ' button-primary' : ''}`} aria-pressed={r === range} title={RANGE_LABEL[r]} onClick={() => setRange(r)}>
              {r}
            </button>
          ))}
        </div>
      </div>
      {error && <ErrorMessage error={error} title="Could not load the history" />}
      {!shown && !error && <p className="muted">Loading the history…</p>}
      {shown && (
        <>
          <ResponseTimeChart history={shown} />
          <StatusBars bars={shown.bars} label={`${monitor.name}, status over ${RANGE_LABEL[range]}`} height={20} />
          <h3>Incidents</h3>
          {shown.incidents.length === 0 ? (
            <p className="muted">No outages in the last {RANGE_LABEL[range]}.</p>
          ) : (
            <ul className="incident-list" data-testid="incidents">
              {shown.incidents.map((i) => (
                <li key={i.id} className={i.end === null ? 'incident-open' : undefined}>
                  <span className={`badge tone-${i.end === null ? 'error' : 'idle'}`}>{i.end === null ? 'ongoing' : 'resolved'}</span> {new Date(i.start).toLocaleString()} ·{' '}
                  {formatDuration(i.end === null ? Date.now() - i.start : i.durationMs)}
                  {i.message && <span className="muted"> · {i.message}</span>}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
      <h3>Maintenance</h3>
      {own?.maintenance.length || settings?.globalMaintenance.length ? (
        <ul className="maintenance-summary">
          {own?.maintenance.map((w, i) => <li key={`m${i}`}>{describeWindow(w)}</li>)}
          {settings?.globalMaintenance.map((w, i) => <li key={`g${i}`}>{describeWindow(w)} (all monitors)</li>)}
        </ul>
      ) : (
        <p className="muted">No maintenance windows.</p>
      )}
      <h3>Alerts</h3>
      {settings ? <RoutingEditor monitorId={monitor.id} routing={own?.routing ?? null} channels={channels} defaultIds={settings.defaultChannelIds} onChanged={onChanged} /> : <p className="muted">Loading…</p>}
      {editingMaintenance && <MaintenanceDialog monitorId={monitor.id} name={monitor.name} windows={own?.maintenance ?? []} onClose={() => setEditingMaintenance(false)} onSaved={onChanged} />}
    </section>
  );
}
