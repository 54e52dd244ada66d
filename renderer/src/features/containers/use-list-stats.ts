import { useCallback, useRef, useState } from 'react';
import { STATS_LIMITS, type ContainerStatsSampleInfo, type HostId, type HostInfo } from '../../../../shared/contract';
import { useContainerStats } from '../stats';
import type { ListItem } from './list-layout';

/** Samples by container id. */
export type StatsById = Record<string, ContainerStatsSampleInfo>;

/**
 * CPU and memory for the list: the running containers whose rows are drawn (on screen or about
 * to be) are sampled, one stream per host; collapsed groups, filtered-out rows and rows scrolled
 * far away are not. The last figures are kept for rows that scroll away and back.
 */
export function useListStats(items: readonly ListItem[], shown: readonly number[]) {
  const [byHost, setByHost] = useState<Partial<Record<HostId, StatsById>>>({});
  const shownRunning = new Map<HostId, string[]>();
  for (const i of shown) {
    const item = items[i];
    if (item?.kind !== 'row' || item.container.state !== 'running') continue;
    const ids = shownRunning.get(item.container.hostId) ?? [];
    ids.push(item.container.id);
    shownRunning.set(item.container.hostId, ids);
  }
  for (const [host, ids] of shownRunning) shownRunning.set(host, ids.sort().slice(0, STATS_LIMITS.maxContainers));

  const onRound = useCallback((hostId: HostId, asked: readonly string[], samples: ContainerStatsSampleInfo[]) => {
    setByHost((prev) => {
      const old = prev[hostId] ?? {};
      const next: StatsById = { ...old };
      // A container asked for but missing from the round (it stopped or went) has no figures.
      const got = new Set(samples.map((s) => s.containerId));
      for (const id of asked) if (!got.has(id)) delete next[id];
      for (const s of samples) {
        const before = old[s.containerId];
        // The first sample of a container has no CPU yet: keep the last known figure meanwhile.
        next[s.containerId] = s.cpuPercent === null && before ? { ...s, cpuPercent: before.cpuPercent } : s;
      }
      return { ...prev, [hostId]: next };
    });
  }, []);
  return { byHost, shownRunning, onRound };
}

/** One host's stats stream, for the containers asked for, reopened (after a pause) when they change. */
export function HostStatsFeed({
  host,
  containerIds,
  onRound,
}: {
  host: HostInfo;
  containerIds: string[];
  onRound(hostId: HostId, asked: readonly string[], samples: ContainerStatsSampleInfo[]): void;
}) {
  const asked = useRef(containerIds);
  asked.current = containerIds;
  const connected = host.state.status === 'connected';
  useContainerStats(connected ? host.id : null, containerIds, STATS_LIMITS.listPeriodMs, (samples) => onRound(host.id, asked.current, samples), 400);
  return null;
}
