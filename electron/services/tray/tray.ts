import type { AlertInfo } from '../../../shared/contract';
import { summarizeMonitors, type OverallStatus, type StatusItem } from '../../../shared/model/monitor-status';
import type { MutePreset } from '../alerts';
import type { MonitorId } from '../../../shared/model/ids';

/** What a tray menu item does; the Electron shell hands it back to `TrayFeed.perform`. */
export type TrayAction =
  | { kind: 'open'; monitorId: string | null }
  | { kind: 'restart'; monitorId: string; hostId: string; container: string }
  | { kind: 'mute'; monitorId: MonitorId | null; preset: MutePreset }
  | { kind: 'unmute'; monitorId: MonitorId | null };

export interface TrayMenuItem {
  label: string;
  /** Absent: a disabled line of text (or a submenu holder). */
  action?: TrayAction;
  submenu?: TrayMenuItem[];
  separator?: true;
}

export interface TrayView {
  status: OverallStatus;
  tooltip: string;
  menu: TrayMenuItem[];
}

/** Down monitors listed by name in the menu; the rest are summed up in one line. */
export const TRAY_DOWN_SHOWN = 8;

/** A monitor of Homeport's own, not one mirrored from Uptime Kuma. */
function ownMonitor(id: StatusItem['id']): id is MonitorId {
  return !id.startsWith('kuma:');
}

function containerOf(m: StatusItem): { hostId: string; container: string } | null {
  if (m.type !== 'container' || !m.config) return null;
  const { hostId, container } = m.config;
  return typeof hostId === 'string' && typeof container === 'string' ? { hostId, container } : null;
}

function ago(since: number | null, now: number): string {
  if (since === null) return '';
  const min = Math.max(0, Math.round((now - since) / 60_000));
  if (min < 1) return ' — just now';
  if (min < 60) return ` — ${min} min`;
  const h = Math.floor(min / 60);
  return h < 48 ? ` — ${h} h ${min % 60} min` : ` — ${Math.floor(h / 24)} days`;
}

/** The tray's icon level, tooltip and menu for a list of monitors (the shell only draws it). */
export function trayView(monitors: readonly StatusItem[], now = Date.now()): TrayView {
  const summary = summarizeMonitors(monitors);
  const menu: TrayMenuItem[] = [{ label: summary.counts.total === 0 ? 'No monitors yet' : summary.tooltip.replace(/^Homeport — /, '') }];
  if (summary.down.length > 0) {
    menu.push({ label: '', separator: true });
    for (const m of summary.down.slice(0, TRAY_DOWN_SHOWN)) {
      const target = containerOf(m);
      // Mirrored Uptime Kuma monitors open the Monitors view; muting them is Kuma's business.
      const own = ownMonitor(m.id) ? m.id : null;
      const submenu: TrayMenuItem[] = [{ label: `Open ${m.name}`, action: { kind: 'open', monitorId: own } }];
      if (target) submenu.push({ label: `Restart container ${target.container}`, action: { kind: 'restart', monitorId: m.id, ...target } });
      if (own === null) {
        // nothing more
      } else if (m.muted) submenu.push({ label: 'Unmute', action: { kind: 'unmute', monitorId: own } });
      else
        submenu.push(
          { label: 'Mute for 1 hour', action: { kind: 'mute', monitorId: own, preset: '1h' } },
          { label: 'Mute until tomorrow', action: { kind: 'mute', monitorId: own, preset: 'tomorrow' } },
        );
      menu.push({ label: `${m.muted ? '🔕 ' : ''}${m.name}${ago(m.downSince, now)}`, submenu });
    }
    const more = summary.down.length - TRAY_DOWN_SHOWN;
    if (more > 0) menu.push({ label: `and ${more} more…`, action: { kind: 'open', monitorId: null } });
  }
  menu.push({ label: '', separator: true }, { label: 'Open Homeport', action: { kind: 'open', monitorId: null } });
  if (summary.counts.total > 0) {
    const allMuted = summary.counts.muted === summary.counts.total;
    menu.push(
      allMuted
        ? { label: 'Unmute all', action: { kind: 'unmute', monitorId: null } }
        : { label: 'Mute all for 1 hour', action: { kind: 'mute', monitorId: null, preset: '1h' } },
    );
  }
  return { status: summary.status, tooltip: summary.tooltip, menu };
}

export interface DesktopNotification {
  title: string;
  body: string;
  /** What a click opens (the first monitor the alert names; null: the Monitors view). */
  monitorId: string | null;
  urgency: 'critical' | 'normal' | 'low';
}

/** Every alert becomes a native notification; a click opens the monitor it is about. */
export function notificationFor(alert: AlertInfo): DesktopNotification {
  return {
    title: alert.title,
    body: alert.body,
    monitorId: alert.monitorIds.length === 1 ? alert.monitorIds[0]! : null,
    urgency: alert.severity === 'critical' ? 'critical' : alert.severity === 'warning' ? 'normal' : 'low',
  };
}
