import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ChannelInfo, ErrorInfo, HistoryRange, MonitorHistoryInfo, MonitorInfo, MonitorState, StatusBarInfo } from '../../../../shared/contract';
import { client } from '../../api/client';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field } from '../../components/Field';
import { StateBadge } from '../../components/StateBadge';
import type { Tone } from '../containers/container-model';
import { appStore, useApp } from '../../store';
import { ResourceView, toErrorInfo } from '../resources/resource-common';
import { AddMonitorDialog } from './AddMonitorDialog';
import { HeartbeatSection, KumaSection } from './KumaSection';
import { PushUrl } from './PushUrl';
import { SuggestionsPanel } from './SuggestionsPanel';

const COLS = '110px minmax(140px, 1.2fr) minmax(160px, 1.5fr) 70px 70px 80px 150px 150px';

const TONE: Record<MonitorState, Tone> = { up: 'ok', down: 'error', pending: 'warn', paused: 'idle', maintenance: 'idle', unknown: 'busy' };
const pct = (v: number | null) => (v === null ? '–' : `${(Math.floor(v * 10_000) / 100).toFixed(2)} %`);
const ms = (v: number | null) => (v === null ? '–' : `${Math.round(v)} ms`);
const barColor = (b: StatusBarInfo) =>
  b.status === null ? 'rgba(255,255,255,0.08)' : b.status === 'up' ? 'var(--ok, #3fb950)' : b.status === 'down' ? 'var(--error, #f85149)' : 'var(--warn, #d29922)';

function errorToast(title: string, e: unknown) {
  const info = toErrorInfo(e);
  appStore.getState().pushToast({ tone: 'error', title, message: info.message });
}

/** A row of small bars, one per bucket, coloured by the worst status in it. */
export function StatusBars({ bars, label }: { bars: StatusBarInfo[]; label: string }) {
  return (
    <div className="status-bars" aria-label={label} role="img" style={{ display: 'flex', gap: 1, alignItems: 'stretch', height: 16 }}>
      {bars.map((b) => (
        <div key={b.start} title={`${new Date(b.start).toLocaleString()}: ${b.up} up, ${b.down} down`} style={{ flex: 1, minWidth: 1, borderRadius: 1, background: barColor(b) }} />
      ))}
    </div>
  );
}

/** Every monitor with its state, uptime and latency; add, pause/resume, remove; a detail panel; alert channels. */
export function MonitorsView() {
  const [monitors, setMonitors] = useState<MonitorInfo[] | null>(null);
  const [bars, setBars] = useState<Record<string, StatusBarInfo[]>>({});
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [filter, setFilter] = useState('');
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<MonitorInfo | null>(null);
  const [editing, setEditing] = useState<MonitorInfo | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  // A notification or the tray asked for a monitor: open its detail.
  const focus = useApp((st) => st.focusMonitorId);
  useEffect(() => {
    if (focus === null) return;
    const id = appStore.getState().takeFocusMonitor();
    if (id) setSelected(id);
  }, [focus]);
  const barsAt = useRef(0);

  const loadBars = useCallback(async (list: MonitorInfo[], force = false) => {
    if (!force && Date.now() - barsAt.current < 3_000) return;
    barsAt.current = Date.now();
    const entries = await Promise.all(
      list.map(async (m) => [m.id, await client().monitors.history({ id: m.id, range: '24h' }).then((h) => h.bars.slice(-24), () => [] as StatusBarInfo[])] as const),
    );
    setBars(Object.fromEntries(entries));
  }, []);

  const reload = useCallback(async () => {
    try {
      const list = await client().monitors.list();
      setMonitors(list);
      setError(null);
      void loadBars(list, true);
    } catch (e) {
      setError(toErrorInfo(e));
    }
  }, [loadBars]);

  useEffect(() => {
    const off = client().on('monitors.changed', (list) => {
      setMonitors(list);
      void loadBars(list);
    });
    void reload();
    return off;
  }, [reload, loadBars]);

  const shown = useMemo(() => {
    const q = filter.trim().toLowerCase();
    return (monitors ?? []).filter((m) => !q || m.name.toLowerCase().includes(q) || m.target.toLowerCase().includes(q));
  }, [monitors, filter]);
  const current = monitors?.find((m) => m.id === selected) ?? null;

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
      summary={monitors ? `${monitors.length} ${monitors.length === 1 ? 'monitor' : 'monitors'}` : null}
      toolbar={
        <button type="button" className="button button-primary" onClick={() => setAdding(true)}>
          Add monitor
        </button>
      }
      filter={filter}
      setFilter={setFilter}
      what="monitors"
      loadError={error}
      onRetry={() => void reload()}
    >
      {monitors && monitors.length === 0 && <p className="muted" data-testid="monitors-empty">No monitors yet. Add one to be told when a service goes down.</p>}
      {shown.length > 0 && (
        <table className="container-table container-list" role="table" aria-label="Monitors" style={{ ['--cols' as string]: COLS }}>
          <thead>
            <tr className="container-columns" role="row">
              {['Status', 'Name', 'Target', '24 h', '30 d', 'Latency', 'Last 24 h', 'Actions'].map((c) => (
                <th key={c} role="columnheader">
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shown.map((m) => (
              <tr role="row" key={m.id} className="container-row" data-testid="monitor-row" data-name={m.name} data-status={m.state} data-id={m.id}>
                <td role="cell">
                  <StateBadge tone={TONE[m.state]} title={m.message}>
                    {m.state}
                  </StateBadge>
                </td>
                <td role="cell" className="cell-name">
                  <button type="button" className="link-button name" onClick={() => setSelected(m.id)}>
                    {m.name}
                  </button>
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
                <td role="cell">{ms(m.latencyMs)}</td>
                <td role="cell">
                  <StatusBars bars={bars[m.id] ?? []} label={`${m.name}, last 24 hours`} />
                </td>
                <td role="cell">
                  {m.paused ? (
                    <button type="button" className="button button-small" onClick={() => void act('Could not resume', () => client().monitors.resume({ id: m.id }))}>
                      Resume
                    </button>
                  ) : (
                    <button type="button" className="button button-small" onClick={() => void act('Could not pause', () => client().monitors.pause({ id: m.id }))}>
                      Pause
                    </button>
                  )}{' '}
                  {m.source.kind === 'user' && (
                    <>
                      <button type="button" className="button button-small" onClick={() => setEditing(m)} aria-label={`Edit ${m.name}`}>
                        Edit
                      </button>{' '}
                      <button type="button" className="button button-small" onClick={() => setRemoving(m)}>
                        Remove
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <SuggestionsPanel monitorsVersion={monitors?.length} onAdded={() => void reload()} />
      {current && <MonitorDetail monitor={current} onClose={() => setSelected(null)} onEdit={current.source.kind === 'user' ? () => setEditing(current) : undefined} />}
      <ChannelsSection />
      <KumaSection />
      <HeartbeatSection />
      {adding && <AddMonitorDialog onClose={() => setAdding(false)} onAdded={() => void reload()} />}
      {editing && <AddMonitorDialog monitor={editing} onClose={() => setEditing(null)} onAdded={() => void reload()} />}
      {removing && (
        <ConfirmDialog
          title={`Remove ${removing.name}?`}
          confirmLabel="Remove"
          danger
          onCancel={() => setRemoving(null)}
          onConfirm={async () => {
            await act('Could not remove the monitor', () => client().monitors.remove({ id: removing.id }));
            setRemoving(null);
          }}
        >
          <p>Its history and incidents are deleted with it.</p>
        </ConfirmDialog>
      )}
    </ResourceView>
  );
}

/** Uptime over 24 h / 30 d / 1 y and the incidents of one monitor. */
function MonitorDetail({ monitor, onClose, onEdit }: { monitor: MonitorInfo; onClose(): void; onEdit?: (() => void) | undefined }) {
  const [range, setRange] = useState<HistoryRange>('24h');
  const [history, setHistory] = useState<MonitorHistoryInfo | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  useEffect(() => {
    let live = true;
    client()
      .monitors.history({ id: monitor.id, range })
      .then(
        (h) => live && setHistory(h),
        (e: unknown) => live && setError(toErrorInfo(e)),
      );
    return () => {
      live = false;
    };
  }, [monitor.id, range, monitor.lastCheckAt]);
  return (
    <section className="monitor-detail" data-testid="monitor-detail" aria-label={`${monitor.name} details`} style={{ marginTop: 16 }}>
      <header style={{ display: 'flex', gap: 12, alignItems: 'center' }}>
        <h2 style={{ margin: 0 }}>{monitor.name}</h2>
        <StateBadge tone={TONE[monitor.state]}>{monitor.state}</StateBadge>
        <span className="muted">{monitor.message}</span>
        {onEdit && (
          <button type="button" className="button button-small" onClick={onEdit} style={{ marginLeft: 'auto' }}>
            Edit
          </button>
        )}
        <button type="button" className="button button-small" onClick={onClose} style={onEdit ? undefined : { marginLeft: 'auto' }}>
          Close
        </button>
      </header>
      {monitor.source.kind === 'label' && (
        <p className="muted" data-testid="label-source">
          Declared by the <code>homeport.monitor.*</code> labels of the container {monitor.source.container}: change the labels to change it (you can pause it here).
        </p>
      )}
      {monitor.type === 'push' && <PushUrl monitorId={monitor.id} />}
      <dl className="monitor-uptime" style={{ display: 'flex', gap: 24 }}>
        <div>
          <dt className="muted">Uptime 24 h</dt>
          <dd>{pct(monitor.uptime.day)}</dd>
        </div>
        <div>
          <dt className="muted">Uptime 30 d</dt>
          <dd>{pct(monitor.uptime.month)}</dd>
        </div>
        <div>
          <dt className="muted">Uptime 1 y</dt>
          <dd>{pct(monitor.uptime.year)}</dd>
        </div>
        <div>
          <dt className="muted">Average latency 24 h</dt>
          <dd>{ms(monitor.avgLatencyMs24h)}</dd>
        </div>
      </dl>
      <div role="group" aria-label="Range" style={{ display: 'flex', gap: 4 }}>
        {(['24h', '30d', '1y'] as const).map((r) => (
          <button key={r} type="button" className={`button button-small${r === range ? ' button-primary' : ''}`} aria-pressed={r === range} onClick={() => setRange(r)}>
            {r}
          </button>
        ))}
      </div>
      {error && <ErrorMessage error={error} title="Could not load the history" />}
      {history && (
        <>
          <StatusBars bars={history.bars} label={`${monitor.name}, ${range}`} />
          <h3>Incidents</h3>
          {history.incidents.length === 0 ? (
            <p className="muted">No incidents in this range.</p>
          ) : (
            <ul data-testid="incidents">
              {history.incidents.map((i) => (
                <li key={i.id}>
                  {new Date(i.start).toLocaleString()} — {i.end === null ? 'ongoing' : `${Math.round(i.durationMs / 1000)} s`}
                  {i.message && <span className="muted"> · {i.message}</span>}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}

/** Where alerts go: every channel added here receives every monitor's alerts. */
function ChannelsSection() {
  const [channels, setChannels] = useState<ChannelInfo[]>([]);
  const [adding, setAdding] = useState(false);
  const [tested, setTested] = useState<Record<string, string>>({});
  const reload = useCallback(async () => {
    try {
      setChannels(await client().monitors.listChannels());
    } catch (e) {
      errorToast('Could not load the channels', e);
    }
  }, []);
  useEffect(() => void reload(), [reload]);
  return (
    <section className="channels" aria-label="Channels" data-testid="channels" style={{ marginTop: 24 }}>
      <header style={{ display: 'flex', gap: 12, alignItems: 'center' }}>
        <h2 style={{ margin: 0 }}>Channels</h2>
        <button type="button" className="button button-small" onClick={() => setAdding(true)}>
          Add channel
        </button>
      </header>
      {channels.length === 0 ? (
        <p className="muted">No channels: alerts are shown here only.</p>
      ) : (
        <ul>
          {channels.map((c) => (
            <li key={c.id} data-testid="channel-row" data-name={c.name}>
              <strong>{c.name}</strong> <span className="muted">{c.type} · {c.target}</span>{' '}
              <button
                type="button"
                className="button button-small"
                onClick={() => {
                  setTested((t) => ({ ...t, [c.id]: 'Sending…' }));
                  client()
                    .monitors.testChannel({ id: c.id })
                    .then(
                      () => setTested((t) => ({ ...t, [c.id]: 'Test sent' })),
                      (e: unknown) => setTested((t) => ({ ...t, [c.id]: `Test failed: ${toErrorInfo(e).message}` })),
                    );
                }}
              >
                Test
              </button>{' '}
              <button type="button" className="button button-small" onClick={() => void client().monitors.removeChannel({ id: c.id }).then(reload, (e: unknown) => errorToast('Could not remove the channel', e))}>
                Remove
              </button>{' '}
              {tested[c.id] && <span role="status">{tested[c.id]}</span>}
            </li>
          ))}
        </ul>
      )}
      {adding && <AddChannelDialog onClose={() => setAdding(false)} onAdded={() => void reload()} />}
    </section>
  );
}

function AddChannelDialog({ onClose, onAdded }: { onClose(): void; onAdded(): void }) {
  const [type, setType] = useState<'webhook' | 'ntfy'>('webhook');
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [topic, setTopic] = useState('');
  const [error, setError] = useState<ErrorInfo | null>(null);
  const submit = async () => {
    try {
      await client().monitors.addChannel(
        type === 'webhook' ? { type, name: name.trim(), url: url.trim() } : { type, name: name.trim(), topic: topic.trim(), ...(url.trim() ? { server: url.trim() } : {}) },
      );
      onAdded();
      onClose();
    } catch (e) {
      setError(toErrorInfo(e));
    }
  };
  return (
    <Dialog
      title="Add channel"
      size="medium"
      testId="add-channel-dialog"
      onClose={onClose}
      onSubmit={() => void submit()}
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary">
            Add channel
          </button>
        </>
      }
    >
      <Field label="Channel type">
        {({ id }) => (
          <select id={id} value={type} onChange={(e) => setType(e.target.value as 'webhook' | 'ntfy')}>
            <option value="webhook">Webhook (JSON)</option>
            <option value="ntfy">ntfy</option>
          </select>
        )}
      </Field>
      <Field label="Channel name">{({ id }) => <input id={id} value={name} onChange={(e) => setName(e.target.value)} />}</Field>
      <Field label={type === 'webhook' ? 'Webhook URL' : 'ntfy server (optional)'}>
        {({ id }) => <input id={id} className="mono" value={url} spellCheck={false} placeholder={type === 'webhook' ? 'https://example.com/hook' : 'https://ntfy.sh'} onChange={(e) => setUrl(e.target.value)} />}
      </Field>
      {type === 'ntfy' && <Field label="Topic">{({ id }) => <input id={id} value={topic} onChange={(e) => setTopic(e.target.value)} />}</Field>}
      {error && <ErrorMessage error={error} title="The channel was not added" />}
    </Dialog>
  );
}
