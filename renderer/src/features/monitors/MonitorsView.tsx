import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { LatencyPointInfo, MonitorId, MonitorInfo, StatusBarInfo } from '../../../../shared/contract';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { StateBadge } from '../../components/StateBadge';
import { appStore, useApp } from '../../store';
import { ListView } from '../../components/ListView';
import { AddMonitorDialog } from './AddMonitorDialog';
import { AlertsPanel } from './AlertsPanel';
import { ChannelsSection } from './ChannelsSection';
import { ImportDialog, exportMonitors } from './ImportDialog';
import { HeartbeatSection, KumaSection } from './KumaSection';
import { SuggestionsPanel } from './SuggestionsPanel';
import { MaintenanceDialog } from './MaintenanceDialog';
import { MonitorDetail } from './MonitorDetail';
import { MuteMenu } from './MuteMenu';
import { Sparkline, StatusBars } from './StatusBars';
import { formatUntil, mergeBars, ms, pct, STATE_TONE } from './monitors-ui';
import { monitorHistory, pauseMonitor, removeMonitor, resumeMonitor } from './api';
import './monitors.css';

/** The table's columns, by class (the stylesheet sizes them, and drops some in a narrow window). */
const COLUMNS = [
  ['Status', 'col-status'],
  ['Name', 'col-name'],
  ['Target', 'col-target'],
  ['24 h', 'col-day'],
  ['30 d', 'col-month'],
  ['Response', 'col-response'],
  ['Last 24 h', 'col-bars'],
  ['Actions', 'col-actions'],
] as const;

interface RowHistory {
  bars: StatusBarInfo[];
  latency: LatencyPointInfo[];
}

/** Every monitor with its state, uptime, latency sparkline and status bars; a detail panel; recent alerts; channels. */
export function MonitorsView() {
  const { list, loaded, listed, error, channels, settings, settingsError, selected } = useApp((s) => ({
    list: s.monitors,
    loaded: s.monitorsLoaded,
    listed: s.monitorsListed,
    error: s.monitorsError,
    channels: s.channels,
    settings: s.alertSettings,
    settingsError: s.alertSettingsError,
    selected: s.selectedMonitor,
  }));
  const monitors = loaded ? list : null;
  const [rows, setRows] = useState<Record<string, RowHistory>>({});
  const [filter, setFilter] = useState('');
  const [dialog, setDialog] = useState<'add' | 'import' | 'maintenance' | null>(null);
  const [removing, setRemoving] = useState<MonitorInfo | null>(null);
  const [editing, setEditing] = useState<MonitorInfo | null>(null);
  const select = appStore.getState().selectMonitor;
  /** When each row's history was last asked for (see loadRows). */
  const rowsAt = useRef(new Map<string, { at: number; empty: boolean }>());

  // A row's sparkline and bars (half-hour buckets, shown as hourly bars) are read when the list loads, and again when
  // its monitor changes — at most every 30 s (3 s while it has no data yet), so a thousand
  // monitors checked every 20 s do not ask for a thousand histories each time.
  const loadRows = useCallback(async (list: readonly MonitorInfo[], force = false) => {
    const now = Date.now();
    const due = list.filter((m) => {
      const last = rowsAt.current.get(m.id);
      return force || !last || now - last.at >= (last.empty ? 3_000 : 30_000);
    });
    if (!due.length) return;
    for (const m of due) rowsAt.current.set(m.id, { at: now, empty: rowsAt.current.get(m.id)?.empty ?? true });
    const entries = await Promise.all(
      due.map(
        async (m) =>
          [
            m.id,
            await monitorHistory({ id: m.id, range: '24h' }).then(
              (h): RowHistory => ({ bars: mergeBars(h.bars, 2), latency: h.latency }),
              (): RowHistory => ({ bars: [], latency: [] }),
            ),
          ] as const,
      ),
    );
    for (const [id, r] of entries) rowsAt.current.set(id, { at: rowsAt.current.get(id)?.at ?? now, empty: r.bars.every((b) => b.status === null) && r.latency.length === 0 });
    setRows((prev) => ({ ...prev, ...Object.fromEntries(entries) }));
  }, []);

  const reload = useCallback(() => appStore.getState().loadMonitors(), []);

  const reloadAll = useCallback(() => {
    void reload();
    void appStore.getState().loadAlertSettings();
  }, [reload]);

  useEffect(() => {
    reloadAll();
  }, [reloadAll]);

  // Every time the whole list is read (as the view opens, after a change made here), every row's
  // history is read again; a monitors.changed brings only the monitors that changed (the store
  // replaces just those), and only their rows are read again.
  const seen = useRef<{ list: readonly MonitorInfo[]; listed: number } | null>(null);
  useEffect(() => {
    const before = seen.current;
    seen.current = { list, listed };
    // The list the store held before the view opened is listed again first.
    if (!before || !loaded) return;
    if (before.listed !== listed) return void loadRows(list, true);
    const had = new Set(before.list);
    const changed = list.filter((m) => !had.has(m));
    if (changed.length) void loadRows(changed);
  }, [list, listed, loaded, loadRows]);

  const shown = useMemo(() => {
    const q = filter.trim().toLowerCase();
    return (monitors ?? []).filter((m) => !q || m.name.toLowerCase().includes(q) || m.target.toLowerCase().includes(q));
  }, [monitors, filter]);
  const current = monitors?.find((m) => m.id === selected) ?? null;
  const down = (monitors ?? []).filter((m) => m.state === 'down').length;

  const act = useCallback(
    async (title: string, f: () => Promise<unknown>) => {
      try {
        await f();
        await reload();
      } catch (e) {
        appStore.getState().toastError(title, e);
      }
    },
    [reload],
  );

  return (
    <ListView
      title="Monitors"
      summary={monitors ? `${monitors.length} ${monitors.length === 1 ? 'monitor' : 'monitors'}${down ? `, ${down} down` : ''}` : null}
      toolbar={
        <div className="toolbar-group">
          <MuteMenu id={null} mutedUntil={settings?.globalMuteUntil ?? null} label="Mute all" onChanged={reloadAll} />
          <button type="button" className="button" onClick={() => setDialog('maintenance')} title="Maintenance windows for every monitor">
            Maintenance…
          </button>
          <button type="button" className="button" onClick={() => setDialog('import')}>
            Import
          </button>
          <button type="button" className="button" disabled={!monitors?.length} onClick={() => void exportMonitors()}>
            Export
          </button>
          <button type="button" className="button button-primary" onClick={() => setDialog('add')}>
            Add monitor
          </button>
        </div>
      }
      filter={filter}
      setFilter={setFilter}
      what="monitors"
      loadError={error}
      onRetry={() => void reload()}
    >
      {settings?.globalMuteUntil && (
        <p className="banner banner-warn" role="status" data-testid="global-mute">
          All notifications are muted {formatUntil(settings.globalMuteUntil)}. Checks go on.
        </p>
      )}
      {monitors && monitors.length === 0 && (
        <p className="muted" data-testid="monitors-empty">
          No monitors yet. Add one to be told when a service goes down, or import a YAML file.
        </p>
      )}
      {shown.length > 0 && (
        <table className="container-table monitor-table" role="table" aria-label="Monitors">
          <thead>
            <tr className="container-columns" role="row">
              {COLUMNS.map(([c, cls]) => (
                <th key={c} role="columnheader" className={cls}>
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shown.map((m) => (
              <MonitorRow
                key={m.id}
                m={m}
                row={rows[m.id]}
                mutedUntil={settings?.monitors[m.id]?.mutedUntil ?? null}
                selected={m.id === selected}
                onSelect={select}
                act={act}
                onEdit={setEditing}
                onRemove={setRemoving}
                onChanged={reloadAll}
              />
            ))}
          </tbody>
        </table>
      )}
      <SuggestionsPanel monitorsVersion={monitors?.length} onAdded={() => void reload()} />
      {current && (
        <MonitorDetail
          key={current.id}
          monitor={current}
          settings={settings}
          channels={channels ?? []}
          onChanged={reloadAll}
          onClose={() => select(null)}
          onEdit={current.source.kind === 'user' ? () => setEditing(current) : undefined}
        />
      )}
      <div className="monitor-panels">
        <AlertsPanel monitors={monitors ?? []} onOpen={select} />
        <ChannelsSection channels={channels} settings={settings} error={settingsError} onChanged={reloadAll} />
      </div>
      <KumaSection />
      <HeartbeatSection />
      {dialog === 'add' && <AddMonitorDialog onClose={() => setDialog(null)} onAdded={() => reloadAll()} />}
      {editing && <AddMonitorDialog monitor={editing} onClose={() => setEditing(null)} onAdded={() => reloadAll()} />}
      {dialog === 'import' && <ImportDialog onClose={() => setDialog(null)} onImported={reloadAll} />}
      {dialog === 'maintenance' && <MaintenanceDialog monitorId={null} name="all monitors" windows={settings?.globalMaintenance ?? []} onClose={() => setDialog(null)} onSaved={reloadAll} />}
      {removing && (
        <ConfirmDialog
          title={`Remove ${removing.name}?`}
          confirmLabel="Remove"
          danger
          onCancel={() => setRemoving(null)}
          onConfirm={async () => {
            await act('Could not remove the monitor', () => removeMonitor({ id: removing.id }));
            if (appStore.getState().selectedMonitor === removing.id) select(null);
            setRemoving(null);
          }}
        >
          <p>Its history and incidents are deleted with it.</p>
        </ConfirmDialog>
      )}
    </ListView>
  );
}

interface MonitorRowProps {
  m: MonitorInfo;
  row: RowHistory | undefined;
  mutedUntil: number | null;
  selected: boolean;
  onSelect(id: MonitorId): void;
  act(title: string, f: () => Promise<unknown>): Promise<void>;
  onEdit(m: MonitorInfo): void;
  onRemove(m: MonitorInfo): void;
  onChanged(): void;
}

/**
 * One row. Memoised: a `monitors.changed` replaces only the monitors that changed, so with a
 * thousand monitors only their rows render again.
 */
const MonitorRow = memo(function MonitorRow({ m, row, mutedUntil, selected, onSelect, act, onEdit, onRemove, onChanged }: MonitorRowProps) {
  return (
    <tr role="row" className={`container-row${selected ? ' selected' : ''}`} data-testid="monitor-row" data-name={m.name} data-status={m.state} data-muted={m.muted} data-id={m.id}>
      <td role="cell" className="col-status">
        <StateBadge tone={STATE_TONE[m.state]} title={m.message}>
          {m.state}
        </StateBadge>
      </td>
      <td role="cell" className="cell-name col-name">
        <button type="button" className="link-button name" title={m.name} onClick={() => onSelect(m.id)}>
          {m.name}
        </button>
        {m.muted && (
          <span className="mini-badge" title={mutedUntil ? `Muted ${formatUntil(mutedUntil)}` : 'Muted'} data-testid="row-muted">
            muted
          </span>
        )}
        {m.flapping && <span className="mini-badge mini-warn">flapping</span>}
        {m.source.kind === 'label' && (
          <span className="badge" data-testid="label-badge" title={`Declared by the homeport.monitor.* labels of ${m.source.container}`}>
            label
          </span>
        )}
      </td>
      <td role="cell" className="mono muted col-target" title={m.target}>
        {m.target}
      </td>
      <td role="cell" className="col-day">{pct(m.uptime.day)}</td>
      <td role="cell" className="col-month">{pct(m.uptime.month)}</td>
      <td role="cell" className="cell-latency col-response">
        <Sparkline points={row?.latency ?? []} label={`${m.name}, response time over 24 hours`} />
        <span>{ms(m.latencyMs)}</span>
      </td>
      <td role="cell" className="col-bars">
        <StatusBars bars={row?.bars ?? []} label={`${m.name}, last 24 hours`} />
      </td>
      <td role="cell" className="cell-actions col-actions">
        {m.paused ? (
          <button type="button" className="button button-small" onClick={() => void act('Could not resume', () => resumeMonitor({ id: m.id }))}>
            Resume
          </button>
        ) : (
          <button type="button" className="button button-small" onClick={() => void act('Could not pause', () => pauseMonitor({ id: m.id }))}>
            Pause
          </button>
        )}
        <MuteMenu id={m.id} mutedUntil={mutedUntil} label="Mute" compact onChanged={onChanged} />
        {m.source.kind === 'user' && (
          <button type="button" className="button button-small" onClick={() => onEdit(m)} aria-label={`Edit ${m.name}`}>
            Edit
          </button>
        )}
        {/* A label monitor is changed through its labels, but the user who approved it may remove it. */}
        <button type="button" className="button button-small" onClick={() => onRemove(m)}>
          Remove
        </button>
      </td>
    </tr>
  );
});
