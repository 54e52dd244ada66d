import { useCallback, useId, useMemo, useState } from 'react';
import { STATS_LIMITS, type ContainerInfo, type ContainerStatsSampleInfo, type HostInfo } from '../../../../shared/contract';
import { HostStateBadge } from '../../components/HostStateBadge';
import { Spinner } from '../../components/Spinner';
import { appStore, useApp } from '../../store';
import { useContainerStats } from '../stats/use-container-stats';
import { projectKey, type HostGroup } from './container-model';
import { HostNotes } from './HostNotes';
import { ProjectGroupView, type StatsById } from './ProjectGroup';

/** One host: its name, address, state and counts, what it has to say, then its project groups. */
export function HostSection({
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
  const onRound = useCallback((samples: ContainerStatsSampleInfo[]) => {
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
      <HostNotes host={host} info={info} />
      {group.projects.map((p) => (
        <ProjectGroupView key={p.key} host={host} group={p} filtering={filtering} stats={stats} tabRow={tabRow} onRowFocus={onRowFocus} onRemove={onRemove} />
      ))}
    </section>
  );
}

/** Connect, or verify the host key: what the user can do about a host that is not connected. */
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
