import { STATS_LIMITS, type HostId } from '../../../shared/contract';
import { StatsSampler } from './stats-sampler';
import type { EngineHub } from '../engines';
import type { Logger } from '../platform/platform';
import type { StreamStarter } from '../streams/streams-service';

/**
 * Full ids of the running containers among `wanted` (ids, id prefixes or names), from the hub's
 * list — which engine events keep current, so a container that stops drops out by itself.
 */
export function runningAmong(hub: EngineHub, hostId: HostId, wanted: readonly string[]): string[] {
  const list = hub.list().find((h) => h.hostId === hostId)?.containers ?? [];
  const out: string[] = [];
  for (const w of wanted) {
    const c = list.find((x) => x.id === w || x.name === w || (w.length >= 12 && x.id.startsWith(w)));
    if (c && c.state === 'running' && !out.includes(c.id)) out.push(c.id);
  }
  return out;
}

/** `container.stats`: one array of samples per period, for the running ones among the containers asked for. */
export function containerStatsStream(hub: EngineHub, logger: Logger): StreamStarter<'container.stats'> {
  return ({ hostId, containerIds, periodMs }, sink) => {
    hub.dockerOf(hostId); // a disconnected or unknown host fails the open call itself
    let warned = false;
    const sampler = new StatsSampler({
      docker: () => {
        try {
          return hub.dockerOf(hostId);
        } catch {
          return null; // disconnected for now: rounds resume when it is back
        }
      },
      running: () => runningAmong(hub, hostId, containerIds),
      periodMs: periodMs ?? STATS_LIMITS.detailPeriodMs,
      emit: sink.emit,
      onError: (containerId, error) => {
        if (warned) return;
        warned = true; // once per stream: a broken engine would otherwise log every period
        logger.warn('a stats sample failed', { hostId, containerId: containerId.slice(0, 12), error: error instanceof Error ? error.message : String(error) });
      },
    });
    sampler.start();
    return () => sampler.stop();
  };
}
