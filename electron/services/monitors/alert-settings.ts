/**
 * What decides whether and where an alert is sent, and what was sent: mutes (`monitorMutes` per
 * monitor, `globalMute`), maintenance windows (`monitorMaintenance`), routing (`alertRouting`:
 * the default channels and each monitor's own), and the last alerts (`recentAlerts`, kept across
 * restarts). Each is written to platform.store as it changes.
 */
import type { AlertSettingsInfo, ChannelId, MonitorId } from '../../../shared/contract';
import { HomeportError } from '../../../shared/model/errors';
import { ALERT_LIMITS } from '../../../shared/model/monitor-limits';
import { maintenanceWindowProblem, muteUntil, type Alert, type MaintenanceWindow, type MutePreset, type RoutingRules } from '../alerts';
import type { Platform } from '../platform/platform';

interface StoredMaintenance {
  global: MaintenanceWindow[];
  monitors: Record<string, MaintenanceWindow[]>;
}

/** An alert as kept in the recent list (what the UI shows). */
export interface StoredAlert {
  id: string;
  kind: string;
  title: string;
  body: string;
  monitorIds: string[];
  at: number;
  severity: Alert['severity'];
}

/** A monitor's own routing: a chosen set of channels (optionally plus the defaults), or null for the defaults. */
export type MonitorRoute = { channelIds: ChannelId[]; includeDefaults?: boolean } | null;

const unknownChannel = () =>
  new HomeportError({ code: 'VALIDATION', message: 'channelIds: one of the channels does not exist (any more).', fix: 'Reload the channels and choose again.', details: { field: 'channelIds' } });

export class AlertSettings {
  private routingRules: RoutingRules;
  private readonly mutes: Record<string, number>;
  private globalMute: number | null;
  private readonly maintenance: StoredMaintenance;
  private recent: StoredAlert[];

  constructor(
    private readonly platform: Platform,
    private readonly now: () => number,
    /** The routing changed (the channels' dispatcher follows it). */
    private readonly onRouting: (rules: RoutingRules) => void = () => {},
  ) {
    const store = platform.store;
    this.routingRules = (store.get('alertRouting') as RoutingRules | undefined) ?? { defaultChannelIds: [] };
    this.mutes = (store.get('monitorMutes') as Record<string, number> | undefined) ?? {};
    this.globalMute = (store.get('globalMute') as number | null | undefined) ?? null;
    const maint = store.get('monitorMaintenance') as StoredMaintenance | undefined;
    this.maintenance = { global: maint?.global ?? [], monitors: maint?.monitors ?? {} };
    this.recent = ((store.get('recentAlerts') as StoredAlert[] | undefined) ?? []).slice(0, ALERT_LIMITS.recentAlerts);
  }

  // ── Mutes and maintenance ─────────────────────────────────────────────────────────────────

  /** What the policy needs of one monitor's settings. */
  of(id: MonitorId): { mutedUntil: number | null; maintenance: MaintenanceWindow[] } {
    return { mutedUntil: this.mutes[id] ?? null, maintenance: [...this.maintenance.global, ...(this.maintenance.monitors[id] ?? [])] };
  }

  globalMuteUntil(): number | null {
    return this.globalMute;
  }

  /** Mutes one monitor (or, id null, every notification) for a preset duration; a `null` preset unmutes. Returns the end. */
  mute(id: MonitorId | null, preset: MutePreset | null, utcOffsetMinutes?: number): number | null {
    const now = this.now();
    const offset = utcOffsetMinutes ?? -new Date(now).getTimezoneOffset();
    if (!Number.isInteger(offset) || Math.abs(offset) > 14 * 60) {
      throw new HomeportError({ code: 'VALIDATION', message: 'utcOffsetMinutes: the time-zone offset must be between −14 h and +14 h.', fix: 'Send the offset in minutes (−getTimezoneOffset()).', details: { field: 'utcOffsetMinutes' } });
    }
    const until = preset === null ? null : muteUntil(preset, now, offset);
    if (id === null) {
      this.globalMute = until;
      this.platform.store.set('globalMute', until);
    } else {
      if (until === null) delete this.mutes[id];
      else this.mutes[id] = until;
      this.platform.store.set('monitorMutes', this.mutes);
    }
    return until;
  }

  /**
   * Sets the maintenance windows of one monitor, or (id null) the windows that apply to every
   * monitor. Each window is checked; the error names the window (1-based) and the problem.
   */
  setMaintenance(id: MonitorId | null, windows: readonly MaintenanceWindow[]): void {
    const max = ALERT_LIMITS.maintenanceWindows;
    if (windows.length > max) throw new HomeportError({ code: 'VALIDATION', message: `windows: at most ${max} maintenance windows.`, fix: 'Remove windows that are over.', details: { field: 'windows' } });
    windows.forEach((w, i) => {
      const problem = maintenanceWindowProblem(w);
      if (problem) throw new HomeportError({ code: 'VALIDATION', message: `windows.${i}: window ${i + 1}: ${problem}`, fix: 'Correct the window and save again.', details: { field: `windows.${i}` } });
    });
    const copy = windows.map((w) => (w.kind === 'once' ? { kind: 'once' as const, from: w.from, to: w.to } : { kind: 'weekly' as const, days: [...new Set(w.days)].sort(), start: w.start, end: w.end, utcOffsetMinutes: w.utcOffsetMinutes }));
    if (id === null) this.maintenance.global = copy;
    else if (copy.length) this.maintenance.monitors[id] = copy;
    else delete this.maintenance.monitors[id];
    this.platform.store.set('monitorMaintenance', this.maintenance);
  }

  // ── Routing ───────────────────────────────────────────────────────────────────────────────

  routing(): RoutingRules {
    return this.routingRules;
  }

  setRouting(rules: RoutingRules): void {
    this.routingRules = { defaultChannelIds: [...rules.defaultChannelIds], ...(rules.monitors ? { monitors: rules.monitors } : {}) };
    this.platform.store.set('alertRouting', this.routingRules);
    this.onRouting(this.routingRules);
  }

  /** A new channel becomes one of the default channels (every monitor's alerts go to it). */
  addDefaultChannel(id: ChannelId): void {
    if (!this.routingRules.defaultChannelIds.includes(id)) this.setRouting({ ...this.routingRules, defaultChannelIds: [...this.routingRules.defaultChannelIds, id] });
  }

  /** Where one monitor's alerts go; `exists` tells which channels there are. */
  setMonitorRouting(id: MonitorId, route: MonitorRoute, exists: (channelId: ChannelId) => boolean): void {
    if (route && route.channelIds.some((c) => !exists(c))) throw unknownChannel();
    const monitors = { ...(this.routingRules.monitors ?? {}) };
    if (route) monitors[id] = { channelIds: [...new Set(route.channelIds)], ...(route.includeDefaults ? { includeDefaults: true } : {}) };
    else delete monitors[id];
    this.setRouting({ ...this.routingRules, monitors });
  }

  /** Sets which channels get the alerts of monitors without their own routing. */
  setDefaultChannels(channelIds: ChannelId[], exists: (channelId: ChannelId) => boolean): void {
    if (channelIds.some((c) => !exists(c))) throw unknownChannel();
    this.setRouting({ ...this.routingRules, defaultChannelIds: [...new Set(channelIds)] });
  }

  /** A channel is gone: no route names it any more. */
  dropChannel(channelId: ChannelId): void {
    const r = this.routingRules;
    const monitors = Object.fromEntries(Object.entries(r.monitors ?? {}).map(([m, x]) => [m, { ...x, channelIds: x.channelIds.filter((c) => c !== channelId) }]));
    this.setRouting({ defaultChannelIds: r.defaultChannelIds.filter((c) => c !== channelId), monitors });
  }

  /** A monitor is gone: its mute, windows and routing go too. */
  forgetMonitor(id: MonitorId): void {
    if (this.mutes[id] !== undefined) {
      delete this.mutes[id];
      this.platform.store.set('monitorMutes', this.mutes);
    }
    if (this.maintenance.monitors[id]) {
      delete this.maintenance.monitors[id];
      this.platform.store.set('monitorMaintenance', this.maintenance);
    }
    if (this.routingRules.monitors?.[id]) {
      const monitors = { ...this.routingRules.monitors };
      delete monitors[id];
      this.setRouting({ ...this.routingRules, monitors });
    }
  }

  /** Mutes, maintenance windows and routing, for the whole app and for each of these monitors. */
  info(monitorIds: Iterable<MonitorId>): AlertSettingsInfo {
    const now = this.now();
    const live = (t: number | null | undefined) => (t != null && t > now ? t : null);
    const monitors: AlertSettingsInfo['monitors'] = {};
    for (const id of monitorIds) {
      const r = this.routingRules.monitors?.[id];
      monitors[id] = {
        mutedUntil: live(this.mutes[id]),
        maintenance: (this.maintenance.monitors[id] ?? []).map((w) => ({ ...w })),
        routing: r ? { channelIds: [...r.channelIds], includeDefaults: r.includeDefaults ?? false } : null,
      };
    }
    return {
      globalMuteUntil: live(this.globalMute),
      globalMaintenance: this.maintenance.global.map((w) => ({ ...w })),
      defaultChannelIds: [...this.routingRules.defaultChannelIds],
      monitors,
    };
  }

  // ── Recent alerts ─────────────────────────────────────────────────────────────────────────

  /** The last alerts (newest first), kept across restarts. */
  recentAlerts(limit: number = ALERT_LIMITS.recentAlerts): StoredAlert[] {
    return this.recent.slice(0, limit).map((a) => ({ ...a, monitorIds: [...a.monitorIds] }));
  }

  remember(a: Alert): void {
    this.recent = [{ id: a.id, kind: a.kind, title: a.title, body: a.body, monitorIds: [...a.monitorIds], at: a.at, severity: a.severity }, ...this.recent].slice(0, ALERT_LIMITS.recentAlerts);
    this.platform.store.set('recentAlerts', this.recent);
  }
}
