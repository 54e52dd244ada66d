import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import type { DiskCategory, DiskUsageInfo, EngineEventInfo, ErrorInfo, HostId, HostOverviewInfo } from '../../../../shared/contract';
import { isConnectionLost, useStream, type StreamHandlers } from '../../api/open-stream';
import { BackButton } from '../../components/BackButton';
import { EmptyState } from '../../components/EmptyState';
import { ErrorMessage } from '../../components/ErrorMessage';
import { HostStateBadge } from '../../components/HostStateBadge';
import { Spinner } from '../../components/Spinner';
import { TableHead } from '../../components/TableHead';
import { appStore, useApp } from '../../store';
import { formatAge, formatBytes } from '../../lib/format';
import { toErrorInfo } from '../../lib/errors';
import { canConnect } from './host-model';
import { engineDiskUsage, engineOverview } from './api';

/** Events the feed keeps (newest first). */
export const EVENT_FEED_MAX = 200;

const CATEGORY_LABEL: Record<DiskCategory, string> = { images: 'Images', containers: 'Containers', volumes: 'Volumes', buildCache: 'Build cache' };
const CATEGORY_UNIT: Record<DiskCategory, [string, string]> = {
  images: ['image', 'in use'],
  containers: ['container', 'running'],
  volumes: ['volume', 'mounted'],
  buildCache: ['cache record', 'in use'],
};

/** One host: engine, OS, CPUs, memory, disk use per category, and the engine's live events. Back or Escape returns. */
export function HostOverview({ hostId }: { hostId: HostId }) {
  const host = useApp((s) => s.hosts.find((h) => h.id === hostId) ?? null);
  const connected = host?.state.status === 'connected';

  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      if (document.querySelector('[aria-modal="true"]')) return;
      appStore.getState().closeHostOverview();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <section className="view host-overview" aria-labelledby="host-overview-title" data-testid="host-overview">
      <header className="view-header">
        <BackButton label="Back to hosts" onClick={() => appStore.getState().closeHostOverview()} />
        <div className="view-title">
          <h1 id="host-overview-title">{host?.name ?? 'Host'}</h1>
          {host && <span className="view-summary mono">{host.kind === 'local' ? host.socketPath : host.address}</span>}
        </div>
        {host && <HostStateBadge state={host.state} />}
      </header>
      <div className="view-body">
        {!host ? (
          <EmptyState testId="overview-gone" title="This host is gone">
            It was removed.
          </EmptyState>
        ) : !connected ? (
          <EmptyState
            testId="overview-not-connected"
            title="Not connected"
            action={
              canConnect(host.state) ? (
                <button type="button" className="button button-primary" onClick={() => void appStore.getState().connectHost(host.id)}>
                  Connect
                </button>
              ) : undefined
            }
          >
            Connect {host.name} to see its engine, disk use and events.
          </EmptyState>
        ) : (
          <ConnectedOverview key={hostId} hostId={hostId} />
        )}
      </div>
    </section>
  );
}

function ConnectedOverview({ hostId }: { hostId: HostId }) {
  const [info, setInfo] = useState<HostOverviewInfo | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const load = useCallback(async () => {
    try {
      setInfo(await engineOverview({ hostId }));
      setError(null);
    } catch (e) {
      setError(toErrorInfo(e));
    }
  }, [hostId]);
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <div className="overview-grid">
      {error && (
        <div className="load-error overview-wide">
          <ErrorMessage error={error} title="Could not read the engine's information" />
          <button type="button" className="button" onClick={() => void load()}>
            Retry
          </button>
        </div>
      )}
      {!info && !error && (
        <div className="center-note overview-wide">
          <Spinner size="medium" /> Loading…
        </div>
      )}
      {info && <InfoCards info={info} />}
      <DiskUsageCard hostId={hostId} />
      <EventsCard hostId={hostId} />
    </div>
  );
}

function Card({ title, children, testId, wide = false, actions }: { title: string; children: ReactNode; testId?: string; wide?: boolean; actions?: ReactNode }) {
  return (
    <section className={`overview-card${wide ? ' overview-wide' : ''}`} data-testid={testId} aria-label={title}>
      <header className="overview-card-header">
        <h2>{title}</h2>
        {actions}
      </header>
      {children}
    </section>
  );
}

function Facts({ rows }: { rows: Array<[string, ReactNode]> }) {
  return (
    <dl className="facts">
      {rows.map(([k, v]) => (
        <div key={k} className="fact">
          <dt>{k}</dt>
          <dd>{v ?? <span className="muted">—</span>}</dd>
        </div>
      ))}
    </dl>
  );
}

function InfoCards({ info }: { info: HostOverviewInfo }) {
  const e = info.engine;
  return (
    <>
      <Card title="Engine" testId="overview-engine">
        <p className="overview-big" data-testid="engine-version">
          Docker {e.version}
        </p>
        <Facts
          rows={[
            ['API', `${e.apiVersion}${e.minApiVersion ? ` (min ${e.minApiVersion})` : ''}`],
            ['Storage driver', e.storageDriver],
            ['Logging driver', e.loggingDriver],
            ['Cgroup', e.cgroupDriver ? `${e.cgroupDriver}${e.cgroupVersion ? ` v${e.cgroupVersion}` : ''}` : null],
            ['Root dir', e.rootDir ? <span className="mono">{e.rootDir}</span> : null],
            ['Go', e.goVersion],
          ]}
        />
        {e.warnings.length > 0 && (
          <ul className="overview-warnings">
            {e.warnings.map((w) => (
              <li key={w} className="note-warn">
                {w}
              </li>
            ))}
          </ul>
        )}
      </Card>
      <Card title="Operating system" testId="overview-os">
        <p className="overview-big">{info.os.name ?? 'Unknown'}</p>
        <Facts
          rows={[
            ['Host name', e.name],
            ['Kernel', info.os.kernel ? <span className="mono">{info.os.kernel}</span> : null],
            ['Architecture', info.os.architecture],
            ['Type', info.os.type],
          ]}
        />
      </Card>
      <Card title="Resources" testId="overview-resources">
        <div className="overview-stats">
          <div>
            <span className="overview-big" data-testid="overview-cpus">
              {info.cpus ?? '—'}
            </span>
            <span className="muted">{info.cpus === 1 ? 'CPU' : 'CPUs'}</span>
          </div>
          <div>
            <span className="overview-big" data-testid="overview-memory">
              {formatBytes(info.memoryBytes)}
            </span>
            <span className="muted">memory</span>
          </div>
        </div>
        <Facts
          rows={[
            ['Containers', `${info.containers.total} (${info.containers.running} running, ${info.containers.paused} paused, ${info.containers.stopped} stopped)`],
            ['Images', String(info.images)],
          ]}
        />
      </Card>
    </>
  );
}

function DiskUsageCard({ hostId }: { hostId: HostId }) {
  const [usage, setUsage] = useState<DiskUsageInfo | null>(null);
  const [busy, setBusy] = useState(true);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const load = useCallback(
    async (refresh: boolean) => {
      setBusy(true);
      try {
        setUsage(await engineDiskUsage({ hostId, refresh }));
        setError(null);
      } catch (e) {
        setError(toErrorInfo(e));
      } finally {
        setBusy(false);
      }
    },
    [hostId],
  );
  useEffect(() => {
    void load(false);
  }, [load]);
  const max = usage ? Math.max(1, ...usage.categories.map((c) => c.sizeBytes)) : 1;
  return (
    <Card
      title="Disk use"
      testId="overview-disk"
      wide
      actions={
        <>
          {usage && <span className="muted small">{`${formatBytes(usage.totalBytes)} in total · computed ${formatAge(usage.fetchedAt)}`}</span>}
          <button type="button" className="button button-small" disabled={busy} onClick={() => void load(true)} title="Ask the engine again (it sizes every image, container and volume: slow on a big host)">
            {busy && <Spinner />}
            Refresh
          </button>
        </>
      }
    >
      {error && <ErrorMessage error={error} title="Could not read the disk use" />}
      {!usage && !error && (
        <p className="muted">
          <Spinner /> The engine is sizing its images, containers and volumes…
        </p>
      )}
      {usage && (
        <ul className="disk-bars">
          {usage.categories.map((c) => {
            const [unit, activeWord] = CATEGORY_UNIT[c.category];
            const used = c.sizeBytes - c.reclaimableBytes;
            return (
              <li key={c.category} data-testid="disk-row" data-category={c.category}>
                <div className="disk-label">
                  <strong>{CATEGORY_LABEL[c.category]}</strong>
                  <span className="muted">
                    {c.count} {unit}
                    {c.count === 1 ? '' : 's'} · {c.active} {activeWord}
                  </span>
                </div>
                <div
                  className="disk-bar"
                  role="meter"
                  aria-label={`${CATEGORY_LABEL[c.category]} disk use`}
                  aria-valuemin={0}
                  aria-valuemax={max}
                  aria-valuenow={c.sizeBytes}
                  aria-valuetext={`${formatBytes(c.sizeBytes)}, ${formatBytes(c.reclaimableBytes)} reclaimable`}
                >
                  <span className="disk-used" style={{ width: `${(used / max) * 100}%` }} />
                  <span className="disk-reclaimable" style={{ width: `${(c.reclaimableBytes / max) * 100}%` }} />
                </div>
                <div className="disk-size">
                  <strong>{formatBytes(c.sizeBytes)}</strong>
                  <span className="muted">{formatBytes(c.reclaimableBytes)} reclaimable</span>
                </div>
              </li>
            );
          })}
        </ul>
      )}
      {usage && (
        <p className="muted small disk-legend">
          <span className="swatch disk-used" /> in use <span className="swatch disk-reclaimable" /> reclaimable (not used by any container; a prune could free it)
        </p>
      )}
    </Card>
  );
}

/** The engine's event stream, for as long as it is shown (a new key opens a new one). */
function EventFeed({ hostId, handlers }: { hostId: HostId; handlers: StreamHandlers<'engine.events'> }) {
  useStream('engine.events', { hostId }, handlers);
  return null;
}

const timeOf = (ms: number) => new Date(ms).toLocaleTimeString(undefined, { hour12: false });

function EventsCard({ hostId }: { hostId: HostId }) {
  const [events, setEvents] = useState<Array<EngineEventInfo & { key: number }>>([]);
  const [paused, setPaused] = useState(false);
  const [held, setHeld] = useState(0);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const pausedRef = useRef(false);
  const heldRef = useRef<Array<EngineEventInfo & { key: number }>>([]);

  const nextKey = useRef(0);
  // The connection to Homeport dropped (the feed with it) and is back: a new feed, the events
  // shown so far kept.
  const transport = useApp((s) => s.transport);
  const [generation, setGeneration] = useState(0);
  const lost = isConnectionLost(error);
  useEffect(() => {
    if (!lost || transport !== 'open') return;
    setError(null);
    setGeneration((g) => g + 1);
  }, [lost, transport]);
  const handlers: StreamHandlers<'engine.events'> = {
    onData: (e) => {
      const item = { ...e, key: nextKey.current++ };
      if (pausedRef.current) {
        heldRef.current = [item, ...heldRef.current].slice(0, EVENT_FEED_MAX);
        setHeld(heldRef.current.length);
      } else setEvents((list) => [item, ...list].slice(0, EVENT_FEED_MAX));
    },
    onEnd: (err) => {
      if (err) setError(err);
    },
  };

  const toggle = () => {
    const next = !paused;
    pausedRef.current = next;
    setPaused(next);
    if (!next) {
      const h = heldRef.current;
      heldRef.current = [];
      setHeld(0);
      setEvents((list) => [...h, ...list].slice(0, EVENT_FEED_MAX));
    }
  };

  return (
    <Card
      title="Events"
      testId="overview-events"
      wide
      actions={
        <>
          <span className="muted small" role="status">
            {paused ? `Paused${held ? ` · ${held} new` : ''}` : 'Live'}
          </span>
          <button type="button" className="button button-small" aria-pressed={paused} onClick={toggle}>
            {paused ? 'Resume' : 'Pause'}
          </button>
        </>
      }
    >
      <EventFeed key={generation} hostId={hostId} handlers={handlers} />
      {error && <ErrorMessage error={error} title="The event feed stopped" />}
      {events.length === 0 ? (
        <p className="muted" data-testid="events-empty">
          Waiting for the engine&apos;s events: start, stop or create something on this host and it shows here.
        </p>
      ) : (
        <div className="events-scroll" tabIndex={0} aria-label="Engine events, newest first">
          <table className="data-table events-table">
            <TableHead columns={['Time', 'Type', 'Action', 'Name']} />
            <tbody>
              {events.map((e) => (
                <tr key={e.key} data-testid="event-row" data-type={e.type} data-action={e.action}>
                  <td className="mono">{timeOf(e.time)}</td>
                  <td>{e.type}</td>
                  <td>
                    <span className={`event-action event-${e.action.split(':')[0]}`}>{e.action}</span>
                  </td>
                  <td className="mono" title={e.actorId}>
                    {e.name ?? (/^[0-9a-f]{64}$/.test(e.actorId) ? e.actorId.slice(0, 12) : e.actorId)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
