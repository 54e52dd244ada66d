import type { MonitorId } from './ids';
import type { KumaInstanceInfo } from './kuma';
import type { MonitorInfo } from './monitors';

/**
 * What the summary needs of a monitor; Homeport's monitors and mirrored Uptime Kuma monitors both
 * give it. A mirrored one has no MonitorId of Homeport's: its id is `kuma:<instance>:<monitor>`.
 */
export type StatusItem = { id: MonitorId | `kuma:${string}` } & Pick<MonitorInfo, 'name' | 'state' | 'muted' | 'downSince'> & Partial<Pick<MonitorInfo, 'type' | 'config'>>;

/** The worst state at a glance (the tray icon, the Monitors nav item). */
export type OverallStatus = 'ok' | 'pending' | 'down' | 'unknown';

export interface StatusSummary {
  status: OverallStatus;
  /** Short, for a badge: "All up", "2 down", "1 pending", "Cannot tell", "No monitors". */
  label: string;
  /** One line for a tooltip: "Homeport — 2 down: nextcloud, immich". */
  tooltip: string;
  /** Monitors that are down, the longest outage first. */
  down: StatusItem[];
  counts: { total: number; up: number; down: number; pending: number; unknown: number; paused: number; maintenance: number; muted: number };
}

const NAMES_SHOWN = 3;

function names(list: StatusItem[]): string {
  const shown = list.slice(0, NAMES_SHOWN).map((m) => m.name);
  const more = list.length - shown.length;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
}

/**
 * Worst first: something down, then "cannot tell" (checks held because this computer just woke
 * or lost its own network, or nothing checked yet), then pending, then all up. Paused monitors and
 * monitors in maintenance never raise the level.
 */
export function summarizeMonitors(monitors: readonly StatusItem[]): StatusSummary {
  const counts = { total: monitors.length, up: 0, down: 0, pending: 0, unknown: 0, paused: 0, maintenance: 0, muted: 0 };
  const down: StatusItem[] = [];
  for (const m of monitors) {
    if (m.muted) counts.muted++;
    switch (m.state) {
      case 'up': counts.up++; break;
      case 'down': counts.down++; down.push(m); break;
      case 'pending': counts.pending++; break;
      case 'unknown': counts.unknown++; break;
      case 'paused': counts.paused++; break;
      case 'maintenance': counts.maintenance++; break;
    }
  }
  down.sort((a, b) => (a.downSince ?? Infinity) - (b.downSince ?? Infinity) || a.name.localeCompare(b.name));
  const active = counts.total - counts.paused;
  if (active === 0) {
    return {
      status: 'ok',
      label: counts.total === 0 ? 'No monitors' : 'All paused',
      tooltip: counts.total === 0 ? 'Homeport — no monitors yet' : `Homeport — all ${counts.total} monitors paused`,
      down,
      counts,
    };
  }
  if (counts.down > 0) {
    const mutedDown = down.filter((m) => m.muted).length;
    const mutedNote = mutedDown === counts.down ? ' (muted)' : mutedDown > 0 ? ` (${mutedDown} muted)` : '';
    return { status: 'down', label: `${counts.down} down`, tooltip: `Homeport — ${counts.down} down: ${names(down)}${mutedNote}`, down, counts };
  }
  if (counts.unknown > 0) {
    return {
      status: 'unknown',
      label: 'Cannot tell',
      tooltip: `Homeport cannot tell: ${counts.unknown} ${counts.unknown === 1 ? 'monitor' : 'monitors'} unknown (this computer may be offline or just woke up)`,
      down,
      counts,
    };
  }
  if (counts.pending > 0) {
    const pending = monitors.filter((m) => m.state === 'pending');
    return { status: 'pending', label: `${counts.pending} pending`, tooltip: `Homeport — ${counts.pending} pending: ${names(pending)}`, down, counts };
  }
  const maint = counts.maintenance > 0 ? `, ${counts.maintenance} in maintenance` : '';
  return { status: 'ok', label: 'All up', tooltip: `Homeport — all ${counts.up} up${maint}`, down, counts };
}

/**
 * Uptime Kuma's monitors as status items: named after their instance; paused in Kuma → paused; and
 * "unknown" while the instance itself cannot be heard (Homeport cannot tell what they are doing).
 */
export function kumaStatusItems(instances: readonly KumaInstanceInfo[]): StatusItem[] {
  const out: StatusItem[] = [];
  for (const inst of instances) {
    const blind = inst.problem !== null || !(inst.state === 'connected' || inst.state === 'polling');
    for (const m of inst.monitors) {
      const state: MonitorInfo['state'] = !m.active ? 'paused' : blind ? 'unknown' : m.status;
      out.push({ id: `kuma:${inst.id}:${m.id}`, name: `${m.name} (${inst.name})`, state, muted: false, downSince: state === 'down' ? m.lastBeatAt : null });
    }
  }
  return out;
}
