import { memo, useCallback, useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { STATS_LIMITS, type ContainerInfo, type ContainerStatsSample, type HostContainersInfo, type HostId, type HostInfo } from '../../../../shared/contract';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { EmptyState } from '../../components/EmptyState';
import { ErrorMessage } from '../../components/ErrorMessage';
import { HostStateBadge } from '../../components/HostStateBadge';
import { ChevronIcon, PlayIcon, RestartIcon, SearchIcon, StopIcon, TrashIcon } from '../../components/icons';
import { Spinner } from '../../components/Spinner';
import { StateDot } from '../../components/StateBadge';
import { useClock } from '../../components/use-now';
import { appStore, loadAll, useApp } from '../../store';
import { formatBytesShort, formatMemory, formatPercent } from '../stats/format';
import { useContainerStats } from '../stats/use-container-stats';
import {
  availableActions,
  containerKey,
  containerStateLabel,
  containerStateTone,
  formatPorts,
  groupContainers,
  liveStatus,
  projectKey,
  removeNeedsForce,
  splitImage,
  type HostGroup,
  type ProjectGroup,
} from './container-model';

/** Every container on every host, grouped by host and compose project; live from engine events. */
export function ContainersView() {
  const { hosts, containers, filter, hostsLoaded, loadError } = useApp((s) => ({
    hosts: s.hosts,
    containers: s.containers,
    filter: s.filter,
    hostsLoaded: s.hostsLoaded,
    loadError: s.loadError,
  }));
  const groups = useMemo(() => groupContainers(hosts, containers, filter), [hosts, containers, filter]);
  const [removing, setRemoving] = useState<ContainerInfo | null>(null);
  // Stable, so memoised rows do not re-render when the list does.
  const requestRemove = useCallback((c: ContainerInfo) => setRemoving(c), []);
  const [activeRow, setActiveRow] = useState<string | null>(null);
  const filterRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLDivElement>(null);

  // `/` or Ctrl+F focuses the filter box (unless typing somewhere or a dialog is open).
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (document.querySelector('[aria-modal="true"]')) return;
      const t = e.target as HTMLElement | null;
      const typing = !!t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
      const ctrlF = (e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'f';
      if (ctrlF || (e.key === '/' && !typing && !e.ctrlKey && !e.metaKey && !e.altKey)) {
        e.preventDefault();
        filterRef.current?.focus();
        filterRef.current?.select();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const totals = useMemo(() => {
    let running = 0;
    let total = 0;
    for (const info of Object.values(containers)) {
      for (const c of info?.containers ?? []) {
        total++;
        if (c.state === 'running') running++;
      }
    }
    return { running, total };
  }, [containers]);

  // The row that takes Tab focus (roving tabindex): the last focused one, else the first.
  const collapsed = useApp((s) => s.collapsed);
  const visibleKeys = useMemo(() => {
    const keys: string[] = [];
    for (const g of groups)
      for (const p of g.projects)
        if (filter.trim() || !collapsed[projectKey(g.host.id, p.key)])
          for (const c of p.containers) keys.push(containerKey(c.hostId, c.id));
    return keys;
  }, [groups, filter, collapsed]);
  const tabRow = activeRow && visibleKeys.includes(activeRow) ? activeRow : (visibleKeys[0] ?? null);

  // Back from a container's page: its row has the keyboard again, as before Enter opened it.
  const rowsShown = visibleKeys.length > 0;
  useEffect(() => {
    if (!rowsShown || !appStore.getState().returnToRow) return;
    const back = appStore.getState().takeReturnToRow()!;
    const row = listRef.current?.querySelector<HTMLElement>(`[data-testid="container-row"][data-host-id="${CSS.escape(back.hostId)}"][data-container-id="${CSS.escape(back.containerId)}"]`);
    if (!row) return;
    setActiveRow(containerKey(back.hostId, back.containerId));
    row.focus();
  }, [rowsShown]);

  const onListKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const row = (e.target as HTMLElement).closest<HTMLElement>('[data-testid="container-row"]');
    if (!row || !listRef.current) return;
    const rows = [...listRef.current.querySelectorAll<HTMLElement>('[data-testid="container-row"]')];
    const i = rows.indexOf(row);
    let next: HTMLElement | undefined;
    if (e.key === 'ArrowDown') next = rows[i + 1];
    else if (e.key === 'ArrowUp') next = rows[i - 1];
    else if (e.key === 'Home' && e.target === row) next = rows[0];
    else if (e.key === 'End' && e.target === row) next = rows[rows.length - 1];
    else if (e.key === 'Enter' && e.target === row) {
      e.preventDefault();
      const hostId = row.dataset.hostId as HostId | undefined;
      const containerId = row.dataset.containerId;
      if (hostId && containerId) appStore.getState().openDetail({ hostId, containerId });
      return;
    } else if (e.key === ' ' && e.target === row) {
      e.preventDefault(); // no page scroll
      return;
    } else return;
    e.preventDefault();
    next?.focus();
  };

  let body;
  if (!hostsLoaded) {
    body = loadError ? null : (
      <div className="center-note">
        <Spinner size="medium" /> Loading…
      </div>
    );
  } else if (hosts.length === 0) {
    body = (
      <EmptyState
        testId="empty-no-hosts"
        title="No hosts yet"
        action={
          <button type="button" className="button button-primary" onClick={() => appStore.getState().openHostDialog({ open: true, mode: 'add' })}>
            Add your first host
          </button>
        }
      >
        Homeport reaches your Docker engines over SSH with the keys you already have; nothing is installed on the server.
      </EmptyState>
    );
  } else if (groups.length === 0) {
    body = (
      <EmptyState
        testId="empty-no-match"
        title={`No containers match “${filter.trim()}”`}
        action={
          <button type="button" className="button" onClick={() => appStore.getState().setFilter('')}>
            Clear filter
          </button>
        }
      >
        The filter looks at names, images, compose projects, hosts and status.
      </EmptyState>
    );
  } else {
    body = (
      <div className="container-list" ref={listRef} onKeyDown={onListKeyDown}>
        <div className="container-columns" aria-hidden="true">
          <span>Name</span>
          <span>Image</span>
          <span>State</span>
          <span className="col-num col-cpu">CPU</span>
          <span className="col-num col-mem">Memory</span>
          <span>Status</span>
          <span className="col-ports">Ports</span>
          <span className="col-actions-head">Actions</span>
        </div>
        {groups.map((g) => (
          <HostSection
            key={g.host.id}
            group={g}
            filtering={filter.trim() !== ''}
            collapsed={collapsed}
            tabRow={tabRow}
            onRowFocus={setActiveRow}
            onRemove={requestRemove}
          />
        ))}
      </div>
    );
  }

  return (
    <div className="view">
      <header className="view-header">
        <div className="view-title">
          <h1>Containers</h1>
          {hostsLoaded && hosts.length > 0 && (
            <span className="view-summary">
              {totals.running} running · {totals.total} total · {hosts.length} {hosts.length === 1 ? 'host' : 'hosts'}
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
            onKeyDown={(e) => {
              if (e.key === 'Escape' && filter) {
                e.preventDefault();
                appStore.getState().setFilter('');
              } else if (e.key === 'ArrowDown') {
                e.preventDefault();
                listRef.current?.querySelector<HTMLElement>('[data-testid="container-row"]')?.focus();
              }
            }}
          />
          <kbd aria-hidden="true">/</kbd>
        </div>
      </header>
      <div className="view-body">
        {loadError && (
          <div className="load-error">
            <ErrorMessage error={loadError} title="Could not load from Homeport's services" />
            <button type="button" className="button" onClick={() => void loadAll()}>
              Retry
            </button>
          </div>
        )}
        {body}
      </div>
      {removing && <RemoveContainerDialog container={removing} onDone={() => setRemoving(null)} />}
    </div>
  );
}

/** Samples by container id; a container missing from the latest round is dropped. */
type StatsById = Record<string, ContainerStatsSample>;

function HostSection({
  group,
  filtering,
  collapsed,
  tabRow,
  onRowFocus,
  onRemove,
}: {
  group: HostGroup;
  filtering: boolean;
  collapsed: Partial<Record<string, true>>;
  tabRow: string | null;
  onRowFocus(key: string): void;
  onRemove(c: ContainerInfo): void;
}) {
  const { host, info } = group;
  const headingId = useId();
  const running = info?.containers.filter((c) => c.state === 'running').length ?? 0;
  // CPU and memory columns: one stats stream per host, for the running containers on screen only
  // (collapsed groups and filtered-out rows are not sampled), reopened when that set changes.
  const shownRunning = useMemo(() => {
    const ids: string[] = [];
    for (const p of group.projects)
      if (filtering || !collapsed[projectKey(host.id, p.key)]) for (const c of p.containers) if (c.state === 'running') ids.push(c.id);
    return ids.sort().slice(0, STATS_LIMITS.maxContainers);
  }, [group.projects, filtering, collapsed, host.id]);
  const [stats, setStats] = useState<StatsById>({});
  const onRound = useCallback((samples: ContainerStatsSample[]) => {
    setStats((prev) => {
      const next: StatsById = {};
      for (const s of samples) {
        const old = prev[s.containerId];
        // The first sample of a container has no CPU yet: keep the last known figure meanwhile.
        next[s.containerId] = s.cpuPercent === null && old ? { ...s, cpuPercent: old.cpuPercent } : s;
      }
      return next;
    });
  }, []);
  const connected = host.state.status === 'connected';
  useContainerStats(connected ? host.id : null, shownRunning, STATS_LIMITS.listPeriodMs, onRound, 400);
  return (
    <section className="host-section" data-testid="host-section" data-host={host.name} aria-labelledby={headingId}>
      <header className="host-header">
        <h2 id={headingId} title={host.name}>
          {host.name}
        </h2>
        <span className="host-address mono" title={host.kind === 'local' ? host.socketPath : host.address}>
          {host.kind === 'local' ? host.socketPath : host.address}
        </span>
        <HostStateBadge state={host.state} />
        <span className="spacer" />
        {info && info.containers.length > 0 && (
          <span className="count-summary">
            {running} running / {info.containers.length}
          </span>
        )}
        <HostSectionActions host={host} />
      </header>
      <HostBody host={host} info={info} />
      {group.projects.map((p) => (
        <ProjectGroupView key={p.key} host={host} group={p} filtering={filtering} stats={stats} tabRow={tabRow} onRowFocus={onRowFocus} onRemove={onRemove} />
      ))}
    </section>
  );
}

function HostSectionActions({ host }: { host: HostInfo }) {
  const busy = useApp((s) => s.hostBusy[host.id]);
  const s = host.state;
  if (s.status === 'needs-hostkey') {
    return (
      <button type="button" className="button button-small" onClick={() => appStore.getState().reviewHostKey(host.id)}>
        Verify host key…
      </button>
    );
  }
  if (s.status === 'disconnected' || s.status === 'failed') {
    return (
      <button
        type="button"
        className="button button-small"
        disabled={!!busy}
        aria-label={`Connect ${host.name}`}
        onClick={() => void appStore.getState().connectHost(host.id)}
      >
        {busy === 'connect' && <Spinner />}
        Connect
      </button>
    );
  }
  return null;
}

/** What the host says before its containers: errors, loading, emptiness. */
function HostBody({ host, info }: { host: HostInfo; info: HostContainersInfo | undefined }) {
  const s = host.state;
  if (s.status === 'failed') return <div className="host-note"><ErrorMessage error={s.error} /></div>;
  if (s.status === 'needs-hostkey')
    return (
      <p className="host-note muted">
        {s.knownKeys?.length
          ? `This server no longer offers the host key type Homeport knows it by: verify its new key (${s.keyType}) before you connect.`
          : `Homeport has not seen this server before. Verify its host key (${s.keyType}) to connect.`}
      </p>
    );
  if (s.status === 'disconnected' && !info?.containers.length)
    return <p className="host-note muted">Disconnected. Connect to see its containers.</p>;
  const notes = [];
  if (s.status === 'reconnecting')
    notes.push(
      <ErrorMessage
        key="r"
        compact
        error={s.error}
        title={info?.containers.length ? 'Connection lost; the list below may be out of date.' : 'Cannot connect yet; retrying.'}
      />,
    );
  if (info?.error) notes.push(<ErrorMessage key="e" error={info.error} title="Could not list containers" />);
  if (notes.length === 0) {
    if (!info || info.loading)
      return s.status === 'connecting' || s.status === 'connected' || info?.loading ? (
        <p className="host-note muted">
          <Spinner /> Loading containers…
        </p>
      ) : null;
    if (info.containers.length === 0) return <p className="host-note muted">No containers on this host.</p>;
    return null;
  }
  return <div className="host-note">{notes}</div>;
}

function ProjectGroupView({
  host,
  group,
  filtering,
  stats,
  tabRow,
  onRowFocus,
  onRemove,
}: {
  host: HostInfo;
  group: ProjectGroup;
  filtering: boolean;
  stats: StatsById;
  tabRow: string | null;
  onRowFocus(key: string): void;
  onRemove(c: ContainerInfo): void;
}) {
  const key = projectKey(host.id, group.key);
  const collapsedFlag = useApp((s) => !!s.collapsed[key]);
  // While filtering, matches are shown even in collapsed groups.
  const open = filtering || !collapsedFlag;
  const tableId = useId();
  return (
    <div className="project-group" data-testid="project-group" data-project={group.label} data-standalone={group.project === null || undefined}>
      <button
        type="button"
        className="project-header"
        aria-expanded={open}
        aria-controls={open ? tableId : undefined}
        onClick={() => appStore.getState().toggleCollapsed(key)}
      >
        <ChevronIcon open={open} />
        <span className={group.project === null ? 'project-name standalone' : 'project-name'} title={group.label}>
          {group.label}
        </span>
        <span className="count-summary">
          {group.running} running / {group.total}
        </span>
      </button>
      {open && (
        // Explicit roles: the rows are laid out as CSS grid, which can cost tables their implicit semantics.
        <table role="table" className="container-table" id={tableId} aria-label={`${group.label} on ${host.name}`}>
          <thead className="sr-only" role="rowgroup">
            <tr role="row">
              <th role="columnheader" scope="col">Name</th>
              <th role="columnheader" scope="col">Image</th>
              <th role="columnheader" scope="col">State</th>
              <th role="columnheader" scope="col" className="col-cpu">CPU</th>
              <th role="columnheader" scope="col" className="col-mem">Memory</th>
              <th role="columnheader" scope="col">Status</th>
              <th role="columnheader" scope="col" className="col-ports">Ports</th>
              <th role="columnheader" scope="col">Actions</th>
            </tr>
          </thead>
          <tbody role="rowgroup">
            {group.containers.map((c) => {
              const k = containerKey(c.hostId, c.id);
              return <ContainerRow key={k} container={c} sample={stats[c.id] ?? null} rowKey={k} tabbable={tabRow === k} onFocus={onRowFocus} onRemove={onRemove} />;
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}

const ContainerRow = memo(function ContainerRow({
  container: c,
  sample,
  rowKey,
  tabbable,
  onFocus,
  onRemove,
}: {
  container: ContainerInfo;
  sample: ContainerStatsSample | null;
  rowKey: string;
  tabbable: boolean;
  onFocus(key: string): void;
  onRemove(c: ContainerInfo): void;
}) {
  const busy = useApp((s) => s.containerBusy[rowKey]);
  const can = availableActions(c.state);
  const ports = formatPorts(c.ports);
  const ref = { hostId: c.hostId, containerId: c.id, name: c.name };
  const run = (action: 'start' | 'stop' | 'restart') => void appStore.getState().runContainerAction(ref, action);
  const tone = containerStateTone(c.state);
  return (
    <tr
      role="row"
      className="container-row"
      data-testid="container-row"
      data-name={c.name}
      data-state={c.state}
      data-host-id={c.hostId}
      data-container-id={c.id}
      data-busy={busy ?? undefined}
      aria-busy={busy ? true : undefined}
      tabIndex={tabbable ? 0 : -1}
      onFocus={() => onFocus(rowKey)}
    >
      <td role="cell" className="cell-name">
        <StateDot tone={tone} />
        <button
          type="button"
          className="name link-button"
          aria-label={`Open ${c.name}`}
          title={`Open ${c.name}: logs, terminal, stats, inspect (Enter)`}
          tabIndex={-1}
          onClick={() => appStore.getState().openDetail({ hostId: c.hostId, containerId: c.id })}
        >
          {c.name}
        </button>
      </td>
      <ImageCell image={c.image} />
      <td role="cell" className={`cell-state text-${tone}`}>{containerStateLabel(c.state)}</td>
      <td role="cell" className="cell-num cell-cpu" data-testid="cell-cpu">
        {c.state === 'running' && sample ? formatPercent(sample.cpuPercent) : <span className="muted">—</span>}
      </td>
      <td role="cell" className="cell-num cell-mem" data-testid="cell-mem" title={sample && c.state === 'running' ? formatMemory(sample.memBytes, sample.memLimit) : undefined}>
        {c.state === 'running' && sample ? formatBytesShort(sample.memBytes) : <span className="muted">—</span>}
      </td>
      <LiveStatusCell container={c} />
      <td role="cell" className="cell-ports mono" title={ports.join('\n')}>
        {ports.length === 0 ? <span className="muted">—</span> : ports.map((p) => <span key={p} className="port">{p}</span>)}
      </td>
      <td role="cell" className="cell-actions">
        <span className="row-spinner">{busy && <Spinner label={`${busy === 'stop' ? 'Stopping' : busy === 'start' ? 'Starting' : busy === 'restart' ? 'Restarting' : 'Removing'} ${c.name}`} />}</span>
        <button type="button" className="icon-button" aria-label={`Start ${c.name}`} title="Start" disabled={!!busy || !can.start} onClick={() => run('start')}>
          <PlayIcon />
        </button>
        <button type="button" className="icon-button" aria-label={`Stop ${c.name}`} title="Stop" disabled={!!busy || !can.stop} onClick={() => run('stop')}>
          <StopIcon />
        </button>
        <button type="button" className="icon-button" aria-label={`Restart ${c.name}`} title="Restart" disabled={!!busy || !can.restart} onClick={() => run('restart')}>
          <RestartIcon />
        </button>
        <button type="button" className="icon-button icon-danger" aria-label={`Remove ${c.name}`} title="Remove" disabled={!!busy || !can.remove} onClick={() => onRemove(c)}>
          <TrashIcon />
        </button>
      </td>
    </tr>
  );
});

/** The image, with its tag always in view: a narrow column cuts the repository short, not the tag. */
function ImageCell({ image }: { image: string }) {
  const { repo, tag } = splitImage(image);
  return (
    <td role="cell" className="cell-image" title={image}>
      <span className="image-ref">
        <span className="image-repo">{repo}</span>
        {tag && (
          <span className="image-tag" data-testid="image-tag">
            {tag}
          </span>
        )}
      </span>
    </td>
  );
}

/** STATUS ages on screen: written again every second from the run's times (see liveStatus). */
function LiveStatusCell({ container: c }: { container: ContainerInfo }) {
  const now = useClock();
  const text = liveStatus(c, now);
  return (
    <td role="cell" className="cell-status" title={text}>
      {text}
    </td>
  );
}

function RemoveContainerDialog({ container: c, onDone }: { container: ContainerInfo; onDone(): void }) {
  const hostName = useApp((s) => s.hosts.find((h) => h.id === c.hostId)?.name ?? 'its host');
  // The dialog reads the live state: a container that starts meanwhile needs force.
  const live = useApp((s) => s.containers[c.hostId]?.containers.find((x) => x.id === c.id)) ?? c;
  const [removeVolumes, setRemoveVolumes] = useState(false);
  const force = removeNeedsForce(live.state);
  return (
    <ConfirmDialog
      title={`Remove container ${c.name}?`}
      confirmLabel="Remove"
      danger
      onCancel={onDone}
      onConfirm={async () => {
        await appStore.getState().removeContainer({ hostId: c.hostId, containerId: c.id, name: c.name }, { removeVolumes, force });
        onDone();
      }}
    >
      <p>
        <span className="mono">{c.name}</span> on {hostName} will be deleted. Its image and named volumes stay.
      </p>
      {force && (
        <p className="note-warn" data-testid="force-note">
          It is {containerStateLabel(live.state).toLowerCase()}: it will be force-removed (killed, then deleted).
        </p>
      )}
      <label className="checkbox">
        <input type="checkbox" checked={removeVolumes} onChange={(e) => setRemoveVolumes(e.target.checked)} />
        Also remove its anonymous volumes
      </label>
    </ConfirmDialog>
  );
}
