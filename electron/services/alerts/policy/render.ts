import type { Alert, AlertEntry, AlertHost, AlertKind, AlertSeverity } from './types';

/** "4 min", "2 h 5 min", "45 s". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return min % 60 ? `${h} h ${min % 60} min` : `${h} h`;
  return `${Math.floor(h / 24)} d`;
}

/** "a, b, c and 47 more" / "a, b and c". */
export function listNames(names: readonly string[], max: number): string {
  if (names.length === 0) return '';
  if (names.length <= max) {
    if (names.length === 1) return names[0]!;
    return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]!}`;
  }
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** The per-monitor categories a flush can produce; each becomes at most one alert. */
export type MonitorCategory = 'down' | 'up' | 'still-down' | 'stalled' | 'stall-cleared' | 'flapping';

export const SEVERITY: Record<AlertKind, AlertSeverity> = {
  down: 'critical',
  'group-down': 'critical',
  'host-unreachable': 'critical',
  'still-down': 'critical',
  stalled: 'warning',
  flapping: 'warning',
  up: 'info',
  'group-up': 'info',
  'host-back': 'info',
  'stall-cleared': 'info',
};

interface Rendered {
  kind: AlertKind;
  title: string;
  body: string;
}

/** Title and body for an alert about monitors only (no hosts). */
export function renderMonitors(category: MonitorCategory, entries: readonly AlertEntry[], max: number): Rendered {
  const names = entries.map((e) => e.name);
  const one = entries.length === 1 ? entries[0]! : null;
  switch (category) {
    case 'down':
      return one
        ? { kind: 'down', title: `${one.name} is down`, body: one.message }
        : { kind: 'group-down', title: `${entries.length} services down`, body: listNames(names, max) };
    case 'up':
      return one
        ? { kind: 'up', title: `${one.name} is up`, body: one.message }
        : { kind: 'group-up', title: `${entries.length} services up again`, body: listNames(names, max) };
    case 'still-down':
      return one
        ? { kind: 'still-down', title: `${one.name} is still down`, body: one.message }
        : { kind: 'still-down', title: `${entries.length} services still down`, body: listNames(names, max) };
    case 'stalled':
      return one
        ? { kind: 'stalled', title: `${one.name} stopped checking`, body: one.message }
        : { kind: 'stalled', title: `${entries.length} monitors stopped checking`, body: `${listNames(names, max)}: no results; Homeport cannot tell whether they are up.` };
    case 'stall-cleared':
      return one
        ? { kind: 'stall-cleared', title: `${one.name} is checking again`, body: one.message }
        : { kind: 'stall-cleared', title: `${entries.length} monitors are checking again`, body: listNames(names, max) };
    case 'flapping':
      return one
        ? { kind: 'flapping', title: `${one.name} is flapping`, body: one.message }
        : { kind: 'flapping', title: `${entries.length} services are flapping`, body: `${listNames(names, max)}: alerts for them are paused until they are stable.` };
  }
}

/** Title and body for the down side (or up side) when hosts are involved. */
export function renderWithHosts(side: 'down' | 'up', hosts: readonly AlertHost[], entries: readonly AlertEntry[], max: number): Rendered {
  if (hosts.length === 1 && entries.length === 0) {
    const h = hosts[0]!;
    return side === 'down'
      ? { kind: 'host-unreachable', title: `${h.name}: host unreachable`, body: h.affected ? `${plural(h.affected, 'service', 'services')} affected` : 'No monitors on it.' }
      : { kind: 'host-back', title: `${h.name}: host reachable again`, body: h.affected ? `${plural(h.affected, 'service', 'services')} being checked again` : 'Connected again.' };
  }
  const hostPart = hosts.map((h) => `${h.name} (${plural(h.affected, 'service', 'services')})`).join(', ');
  const names = entries.map((e) => e.name);
  if (side === 'down') {
    const title = entries.length ? `${plural(hosts.length, 'host', 'hosts')} unreachable and ${plural(entries.length, 'service', 'services')} down` : `${hosts.length} hosts unreachable`;
    const body = `Unreachable: ${hostPart}.` + (entries.length ? ` Down: ${listNames(names, max)}.` : '');
    return { kind: 'group-down', title, body };
  }
  const title = entries.length ? `${plural(hosts.length, 'host', 'hosts')} reachable and ${plural(entries.length, 'service', 'services')} up again` : `${hosts.length} hosts reachable again`;
  const body = `Reachable: ${hostPart}.` + (entries.length ? ` Up: ${listNames(names, max)}.` : '');
  return { kind: 'group-up', title, body };
}

const CATEGORY_OF: Partial<Record<AlertKind, MonitorCategory>> = {
  down: 'down',
  'group-down': 'down',
  up: 'up',
  'group-up': 'up',
  'still-down': 'still-down',
  stalled: 'stalled',
  'stall-cleared': 'stall-cleared',
  flapping: 'flapping',
};

/**
 * The same alert restricted to some of its monitors, re-rendered ("3 services down" for a channel
 * that routes 3 of the 50), so a channel never hears about monitors it does not route. Host alerts
 * are one event about one host and go out whole.
 */
export function narrowAlert(alert: Alert, monitorIds: readonly string[], max = 3): Alert {
  const keep = new Set(monitorIds);
  const category = CATEGORY_OF[alert.kind];
  if (alert.hosts?.length || !category) return alert;
  const entries = alert.entries.filter((e) => keep.has(e.monitorId));
  if (entries.length === alert.entries.length || entries.length === 0) return alert;
  const r = renderMonitors(category, entries, max);
  return { ...alert, ...r, severity: SEVERITY[r.kind], entries, monitorIds: entries.map((e) => e.monitorId) };
}
