/**
 * The monitors feature as the window sees it (the contract's `monitors`): each call is answered
 * by the MonitorsManager, and what it gives back is turned into the contract's DTOs here — ids
 * chosen, secrets left out, ranges read as the charts draw them.
 */
import { randomBytes } from 'node:crypto';
import {
  HomeportError,
  MonitorId,
  type AlertInfo,
  type AlertSettingsInfo,
  type ChannelConfigInput,
  type ChannelId,
  type ChannelInfo,
  type HistoryRange,
  type MaintenanceWindowInfo,
  type MonitorConfigInput,
  type MonitorHistoryInfo,
  type MonitorImportResultInfo,
  type MonitorInfo,
  type MonitorRoutingInfo,
  type MonitorsApi,
  type MonitorSuggestionInfo,
  type MutePreset,
} from '../../../shared/contract';
import type { Alert } from '../alerts';
import type { MonitorConfig } from './checks';
import type { MonitorSnapshot, MonitorsManager } from './monitors-manager';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** How each history range is read: its span, the number of status bars and of latency points. */
const RANGES: Record<HistoryRange, { spanMs: number; bars: number; points: number }> = {
  '24h': { spanMs: DAY, bars: 48, points: 144 },
  '30d': { spanMs: 30 * DAY, bars: 30, points: 180 },
  '1y': { spanMs: 365 * DAY, bars: 52, points: 365 },
};

/** Where a monitor looks, without credentials or query strings. */
export function monitorTarget(c: MonitorConfig): string {
  switch (c.type) {
    case 'http':
      try {
        const u = new URL(c.url);
        return `${u.protocol}//${u.host}${u.pathname}`;
      } catch {
        return c.url;
      }
    case 'tcp':
      return `${c.host.includes(':') ? `[${c.host}]` : c.host}:${c.port}`;
    case 'ping':
      return c.host;
    case 'dns':
      return `${c.hostname} ${c.recordType}`;
    case 'container':
      return c.container;
    case 'ssh-command':
      return c.command.slice(0, 80);
    case 'push':
      return 'push';
  }
}

export function toMonitorInfo(m: MonitorSnapshot): MonitorInfo {
  const c = m.config;
  const state = c.paused ? 'paused' : (m.status?.state ?? 'pending');
  return {
    id: c.id,
    name: c.name,
    type: c.type,
    target: monitorTarget(c),
    config: { ...c },
    secretFields: m.secretFields,
    source: m.label ? { kind: 'label', hostId: m.label.hostId, container: m.label.container } : { kind: 'user' },
    intervalSec: c.intervalSec,
    retries: c.retries,
    paused: c.paused,
    state,
    muted: m.status?.muted ?? false,
    flapping: m.status?.flapping ?? false,
    message: m.status?.message || m.last?.message || '',
    downSince: m.status?.downSince ?? null,
    lastCheckAt: m.last?.time ?? null,
    latencyMs: m.latencyMs,
    avgLatencyMs24h: m.avgLatencyMs24h,
    uptime: { ...m.uptime },
  };
}

export function toAlertInfo(a: Alert): AlertInfo {
  return { id: a.id, kind: a.kind, title: a.title, body: a.body, monitorIds: a.monitorIds.map(MonitorId), at: a.at, severity: a.severity };
}

const notFound = () => new HomeportError({ code: 'NOT_FOUND', message: 'There is no such monitor.', fix: 'Reload the list.' });
const newId = (prefix: 'm_' | 'c_') => prefix + randomBytes(12).toString('base64url');

export interface MonitorsServiceOptions {
  now?: () => number;
  /** The monitors offered for the containers and ports the engines show, and those containers declare with labels. */
  suggestions?: () => Promise<MonitorSuggestionInfo[]>;
}

export class MonitorsService implements MonitorsApi {
  private readonly now: () => number;

  constructor(
    private readonly manager: MonitorsManager,
    private readonly opts: MonitorsServiceOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
  }

  async list(): Promise<MonitorInfo[]> {
    return this.manager.list().map(toMonitorInfo);
  }

  async add(input: MonitorConfigInput): Promise<MonitorInfo> {
    const c = this.manager.add({ ...input, id: newId('m_') });
    this.manager.checkSoon(c.id);
    return this.info(c.id);
  }

  async update({ id, config }: { id: MonitorId; config: MonitorConfigInput }): Promise<MonitorInfo> {
    return this.info(this.manager.update(id, config).id);
  }

  async remove({ id }: { id: MonitorId }): Promise<void> {
    this.manager.remove(id);
  }

  async pause({ id }: { id: MonitorId }): Promise<void> {
    this.manager.pause(id);
  }

  async resume({ id }: { id: MonitorId }): Promise<void> {
    this.manager.resume(id);
    this.manager.checkSoon(id);
  }

  async suggestions(): Promise<MonitorSuggestionInfo[]> {
    return this.opts.suggestions ? this.opts.suggestions() : [];
  }

  async addSuggested({ key }: { key: string }): Promise<MonitorInfo> {
    // As it is offered now: the client names a suggestion, it never says what a label declares.
    const s = (await this.suggestions()).find((x) => x.key === key);
    if (!s) throw new HomeportError({ code: 'NOT_FOUND', message: 'That suggestion is no longer offered (the container or the monitors changed).', fix: 'Reload the suggestions.' });
    const c = s.kind === 'label' ? this.manager.approveLabel(s.hostId, s.container) : this.manager.add({ ...s.input, id: newId('m_') });
    this.manager.checkSoon(c.id);
    return this.info(c.id);
  }

  async pushUrl({ id }: { id: MonitorId }): Promise<{ path: string }> {
    return { path: `/push/${this.manager.pushToken(id)}` };
  }

  async history({ id, range }: { id: MonitorId; range: HistoryRange }): Promise<MonitorHistoryInfo> {
    const r = RANGES[range];
    const to = this.now();
    const from = to - r.spanMs;
    if (!this.manager.has(id)) throw notFound();
    return {
      id,
      range,
      latency: this.manager.latencySeries(id, from, to, r.points).map((p) => ({ time: p.t, avg: p.avg, min: p.min, max: p.max })),
      bars: this.manager.statusBars(id, r.bars, Math.ceil(r.spanMs / r.bars)).map((b) => ({ start: b.t, status: b.status, up: b.up, down: b.down, other: b.other })),
      incidents: this.manager
        .incidents(id, 100, 'confirmed')
        .filter((i) => i.end === null || i.end >= from)
        .map((i) => ({ id: i.id, monitorId: i.monitorId, start: i.start, end: i.end, durationMs: i.durationMs, message: i.message })),
    };
  }

  async listChannels(): Promise<ChannelInfo[]> {
    return this.manager.listChannels();
  }

  async addChannel(input: ChannelConfigInput): Promise<ChannelInfo> {
    return this.manager.addChannel({ ...input, id: newId('c_') });
  }

  async removeChannel({ id }: { id: ChannelId }): Promise<void> {
    this.manager.removeChannel(id);
  }

  testChannel({ id }: { id: ChannelId }): Promise<void> {
    return this.manager.testChannel(id);
  }

  async updateChannel({ id, config }: { id: ChannelId; config: ChannelConfigInput }): Promise<ChannelInfo> {
    return this.manager.updateChannel(id, config);
  }

  async mute({ id, preset, utcOffsetMinutes }: { id: MonitorId | null; preset: MutePreset; utcOffsetMinutes: number }): Promise<{ until: number }> {
    if (id !== null && !this.manager.has(id)) throw notFound();
    return { until: this.manager.mute(id, preset, utcOffsetMinutes)! };
  }

  async unmute({ id }: { id: MonitorId | null }): Promise<void> {
    if (id !== null && !this.manager.has(id)) throw notFound();
    this.manager.mute(id, null);
  }

  async setMaintenance({ id, windows }: { id: MonitorId | null; windows: MaintenanceWindowInfo[] }): Promise<void> {
    this.manager.setMaintenance(id, windows);
  }

  async setRouting({ id, routing }: { id: MonitorId; routing: MonitorRoutingInfo | null }): Promise<void> {
    this.manager.setMonitorRouting(id, routing);
  }

  async setDefaultChannels({ channelIds }: { channelIds: ChannelId[] }): Promise<void> {
    this.manager.setDefaultChannels(channelIds);
  }

  async alertSettings(): Promise<AlertSettingsInfo> {
    return this.manager.alertSettings();
  }

  async recentAlerts(): Promise<AlertInfo[]> {
    return this.manager.recentAlerts().map((a) => ({ ...a, monitorIds: a.monitorIds.map(MonitorId) }));
  }

  async exportYaml(): Promise<{ yaml: string }> {
    return { yaml: this.manager.exportYaml() };
  }

  async importYaml({ yaml, dryRun }: { yaml: string; dryRun: boolean }): Promise<MonitorImportResultInfo> {
    return this.manager.importYaml(yaml, dryRun);
  }

  private info(id: MonitorId): MonitorInfo {
    if (!this.manager.has(id)) throw notFound();
    return toMonitorInfo(this.manager.info(id));
  }
}
