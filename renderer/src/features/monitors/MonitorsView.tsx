import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { AlertSettingsInfo, ChannelInfo, ErrorInfo, LatencyPointInfo, MonitorInfo, StatusBarInfo } from '../../../../shared/contract';
import { client } from '../../api/client';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { StateBadge } from '../../components/StateBadge';
import { appStore, useApp } from '../../store';
import { ResourceView, toErrorInfo } from '../resources/resource-common';
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
import { formatUntil, monitorsUi, ms, pct, STATE_TONE } from './monitors-ui';

const COLS = '100px minmax(140px, 1.2fr) minmax(140px, 1.2fr) 76px 76px 160px 150px 220px';

function errorToast(title: string, e: unknown) {
  const info = toErrorInfo(e);
  appStore.getState().pushToast({ tone: 'error', title, message: info.message, ...(info.fix ? { fix: info.fix } : {}) });
}

interface RowHistory {
  bars: StatusBarInfo[];
  latency: LatencyPointInfo[];
}

/** Every monitor with its state, uptime, latency sparkline and status bars; a detail panel; recent alerts; channels. */
export function MonitorsView() {
  const [monitors, setMonitors] = useState<MonitorInfo[] | null>(null);
  const [rows, setRows] = useState<Record<string, RowHistory>>({});
  const [channels, setChannels] = useState<ChannelInfo[] | null>(null);
  const [settings, setSettings] = useState<AlertSettingsInfo | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [filter, setFilter] = useState('');
  const [dialog, setDialog] = useState<'add' | 'import' | 'maintenance' | null>(null);
  const [removing, setRemoving] = useState<MonitorInfo | null>(null);
  const [editing, setEditing] = useState<MonitorInfo | null>(null);
  const selected = monitorsUi((s) => s.selected);
  const select = monitorsUi((s) => s.select);
  const rowsAt = useRef(0);
  // A notification, the tray or an alert toast asked for a monitor: open its detail.
  const focus = useApp((st) => st.focusMonitorId);
  useEffect(() => {
    if (focus === null) return;
    const id = appStore.getState().takeFocusMonitor();
    if (id) select(id);
  }, [focus, select]);

  const loadRows = useCallback(async (list: MonitorInfo[], force = false) => {
    if (!force && Date.now() - rowsAt.current < 3_000) return;
    rowsAt.current = Date.now();
    const entries = await Promise.all(
      list.map(
        async (m) =>
          [
            m.id,
            await client()
              .monitors.history({ id: m.id, range: '24h' })
              .then(
                (h): RowHistory => ({ bars: h.bars.slice(-24), latency: h.latency }),
                (): RowHistory => ({ bars: [], latency: [] }),
              ),
          ] as const,
      ),
    );
    setRows(Object.fromEntries(entries));
  }, []);

  const loadSettings = useCallback(async () => {
    try {
      const [c, s] = await Promise.all([client().monitors.listChannels(), client().monitors.alertSettings()]);
      setChannels(c);
      setSettings(s);
    } catch (e) {
      errorToast('Could not load the alert settings', e);
    }
  }, []);

  const reload = useCallback(async () => {
    try {
      const list = await client().monitors.list();
      setMonitors(list);
      setError(null);
      void loadRows(list, true);
    } catch (e) {
      setError(toErrorInfo(e));
    }
  }, [loadRows]);

  const reloadAll = useCallback(() => {
    void reload();
    void loadSettings();
  }, [reload, loadSettings]);

  useEffect(() => {
    const off = client().on('monitors.changed', (list) => {
      setMonitors(list);
      void loadRows(list);
    });
    reloadAll();
    return off;
  }, [reloadAll, loadRows]);

  const shown = useMemo(() => {
    const q = filter.trim().toLowerCase();
    return (monitors ?? []).filter((m) => !q || m.name.toLowerCase().includes(q) || m.target.toLowerCase().includes(q));
  }, [monitors, filter]);
  const current = monitors?.find((m) => m.id === selected) ?? null;
  const down = (monitors ?? []).filter((m) => m.state === 'down').length;

  const act = async (title: string, f: () => Promise<unknown>) => {
    try {
      await f();
      await reload();
    } catch (e) {
      errorToast(title, e);
    }
  };

  return (
    <ResourceView
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
        <table className="container-table container-list monitor-table" role="table" aria-label="Monitors" style={{ ['--cols' as string]: COLS }}>
          <thead>
            <tr className="container-columns" role="row">
              {['Status', 'Name', 'Target', '24 h', '30 d', 'Response', 'Last 24 h', 'Actions'].map((c) => (
                <th key={c} role="columnheader">
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shown.map((m) => {
              const own = settings?.monitors[m.id];
              const row = rows[m.id];
              return (
                <tr role="row" key={m.id} className={`container-row${m.id === selected ? ' selected' : ''}`} data-testid="monitor-row" data-name={m.name} data-status={m.state} data-muted={m.muted} data-id={m.id}>
                  <td role="cell">
                    <StateBadge tone={STATE_TONE[m.state]} title={m.message}>
                      {m.state}
                    </StateBadge>
                  </td>
                  <td role="cell" className="cell-name">
                    <button type="button" className="link-button name" onClick={() => select(m.id)}>
                      {m.name}
                    </button>
                    {m.muted && (
                      <span className="mini-badge" title={own?.mutedUntil ? `Muted ${formatUntil(own.mutedUntil)}` : 'Muted'} data-testid="row-muted">
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
                  <td role="cell" className="mono muted" title={m.target}>
                    {m.target}
                  </td>
                  <td role="cell">{pct(m.uptime.day)}</td>
                  <td role="cell">{pct(m.uptime.month)}</td>
                  <td role="cell" className="cell-latency">
                    <Sparkline points={row?.latency ?? []} label={`${m.name}, response time over 24 hours`} />
                    <span>{ms(m.latencyMs)}</span>
                  </td>
                  <td role="cell">
                    <StatusBars bars={row?.bars ?? []} label={`${m.name}, last 24 hours`} />
                  </td>
                  <td role="cell" className="cell-actions">
                    {m.paused ? (
                      <button type="button" className="button button-small" onClick={() => void act('Could not resume', () => client().monitors.resume({ id: m.id }))}>
                        Resume
                      </button>
                    ) : (
                      <button type="button" className="button button-small" onClick={() => void act('Could not pause', () => client().monitors.pause({ id: m.id }))}>
                        Pause
                      </button>
                    )}
                    <MuteMenu id={m.id} mutedUntil={own?.mutedUntil ?? null} label="Mute" compact onChanged={reloadAll} />
                    {m.source.kind === 'user' && (
                      <button type="button" className="button button-small" onClick={() => setEditing(m)} aria-label={`Edit ${m.name}`}>
                        Edit
                      </button>
                    )}
                    {/* A label monitor is changed through its labels, but the user who approved it may remove it. */}
                    <button type="button" className="button button-small" onClick={() => setRemoving(m)}>
                      Remove
                    </button>
                  </td>
                </tr>
              );
            })}
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
        <ChannelsSection channels={channels} settings={settings} onChanged={reloadAll} />
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
            await act('Could not remove the monitor', () => client().monitors.remove({ id: removing.id }));
            if (selected === removing.id) select(null);
            setRemoving(null);
          }}
        >
          <p>Its history and incidents are deleted with it.</p>
        </ConfirmDialog>
      )}
    </ResourceView>
  );
}
