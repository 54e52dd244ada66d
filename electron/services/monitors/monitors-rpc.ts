import { randomBytes } from 'node:crypto';
import { HomeportError } from '../../../shared/model/errors';
import { HostId, MonitorId } from '../../../shared/model/ids';
import type { MonitorsApi } from '../../../shared/contract/monitors';
import type { AlertInfo, ChannelInfo, HistoryRange, MonitorHistoryInfo, MonitorInfo, MonitorSuggestionInfo } from '../../../shared/model/monitors';
import type { Alert } from '../alerts';
import type { ContractImpl } from '../rpc/dispatcher';
import type { MonitorConfig } from './checks';
import type { StoredAlert } from './alert-settings';
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
    id: MonitorId(c.id),
    name: c.name,
    type: c.type,
    target: monitorTarget(c),
    config: { ...c },
    secretFields: m.secretFields,
    source: m.label ? { kind: 'label', hostId: HostId(m.label.hostId), container: m.label.container } : { kind: 'user' },
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

/** The `monitors` service of the contract, over a MonitorsManager. */
export function createMonitorsService(
  manager: MonitorsManager,
  now: () => number = Date.now,
  extras: { suggestions?: () => Promise<MonitorSuggestionInfo[]> } = {},
): ContractImpl['monitors'] {
  const info = (id: string): MonitorInfo => {
    if (!manager.has(id)) throw notFound();
    return toMonitorInfo(manager.info(id));
  };
  const service: MonitorsApi = {
    list: async () => manager.list().map(toMonitorInfo),
    add: async (input) => {
      const c = manager.add({ ...input, id: newId('m_') });
      manager.checkSoon(c.id);
      return info(c.id);
    },
    update: async ({ id, config }) => info(manager.update(id, config).id),
    remove: async ({ id }) => manager.remove(id),
    pause: async ({ id }) => manager.pause(id),
    resume: async ({ id }) => {
      manager.resume(id);
      manager.checkSoon(id);
    },
    suggestions: async () => (extras.suggestions ? extras.suggestions() : []),
    addSuggested: async ({ key }) => {
      // As it is offered now: the client names a suggestion, it never says what a label declares.
      const s = (extras.suggestions ? await extras.suggestions() : []).find((x) => x.key === key);
      if (!s) throw new HomeportError({ code: 'NOT_FOUND', message: 'That suggestion is no longer offered (the container or the monitors changed).', fix: 'Reload the suggestions.' });
      const c = s.kind === 'label' ? manager.approveLabel(s.hostId, s.container) : manager.add({ ...s.input, id: newId('m_') });
      manager.checkSoon(c.id);
      return info(c.id);
    },
    pushUrl: async ({ id }) => ({ path: `/push/${manager.pushToken(id)}` }),
    history: async ({ id, range }): Promise<MonitorHistoryInfo> => {
      const r = RANGES[range];
      const to = now();
      const from = to - r.spanMs;
      if (!manager.has(id)) throw notFound();
      return {
        id,
        range,
        latency: manager.latencySeries(id, from, to, r.points).map((p) => ({ time: p.t, avg: p.avg, min: p.min, max: p.max })),
        bars: manager.statusBars(id, r.bars, Math.ceil(r.spanMs / r.bars)).map((b) => ({ start: b.t, status: b.status, up: b.up, down: b.down, other: b.other })),
        incidents: manager
          .incidents(id, 100, 'confirmed')
          .filter((i) => i.end === null || i.end >= from)
          .map((i) => ({ id: i.id, monitorId: MonitorId(i.monitorId), start: i.start, end: i.end, durationMs: i.durationMs, message: i.message })),
      };
    },
    listChannels: async (): Promise<ChannelInfo[]> => manager.listChannels(),
    addChannel: async (input) => manager.addChannel({ ...input, id: newId('c_') }),
    removeChannel: async ({ id }) => manager.removeChannel(id),
    testChannel: async ({ id }) => manager.testChannel(id),
    updateChannel: async ({ id, config }) => manager.updateChannel(id, config),
    mute: async ({ id, preset, utcOffsetMinutes }) => {
      if (id !== null && !manager.has(id)) throw notFound();
      return { until: manager.mute(id, preset, utcOffsetMinutes)! };
    },
    unmute: async ({ id }) => {
      if (id !== null && !manager.has(id)) throw notFound();
      manager.mute(id, null);
    },
    setMaintenance: async ({ id, windows }) => manager.setMaintenance(id, windows),
    setRouting: async ({ id, routing }) => manager.setMonitorRouting(id, routing),
    setDefaultChannels: async ({ channelIds }) => manager.setDefaultChannels(channelIds),
    alertSettings: async () => manager.alertSettings(),
    recentAlerts: async (): Promise<AlertInfo[]> => manager.recentAlerts().map((a: StoredAlert) => ({ ...a, monitorIds: a.monitorIds.map(MonitorId) })),
    exportYaml: async () => ({ yaml: manager.exportYaml() }),
    importYaml: async ({ yaml, dryRun }) => manager.importYaml(yaml, dryRun),
  };
  return service;
}
