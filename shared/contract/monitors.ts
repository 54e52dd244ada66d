import { z } from 'zod';
import type { ChannelId, MonitorId } from '../model/ids';
import type {
  AlertInfo,
  AlertSettingsInfo,
  ChannelConfigInput,
  ChannelInfo,
  HistoryRange,
  MaintenanceWindowInfo,
  MonitorConfigInput,
  MonitorHistoryInfo,
  MonitorImportResultInfo,
  MonitorInfo,
  MonitorRoutingInfo,
  MonitorsChangedInfo,
  MonitorSuggestionInfo,
  MutePreset,
} from '../model/monitors';
import { ALERT_LIMITS, MONITOR_INPUT_CAPS, MONITOR_IMPORT_LIMITS } from '../model/monitor-limits';
import { event, feature, none } from './define';
import { noControl } from './fields';

/** Monitors and alert channels (live updates: `monitors.changed`; alerts: `alerts.fired`). */
export interface MonitorsApi {
  list(): Promise<MonitorInfo[]>;
  add(input: MonitorConfigInput): Promise<MonitorInfo>;
  /** Secrets left empty keep their stored values. */
  update(input: { id: MonitorId; config: MonitorConfigInput }): Promise<MonitorInfo>;
  remove(input: { id: MonitorId }): Promise<void>;
  pause(input: { id: MonitorId }): Promise<void>;
  resume(input: { id: MonitorId }): Promise<void>;
  /** A container monitor for every running container without one, an HTTP monitor for every published port, and the monitors containers declare with labels. */
  suggestions(): Promise<MonitorSuggestionInfo[]>;
  /** Adds the suggestion with this key as it is offered now (a label declaration: owned by the container's labels). */
  addSuggested(input: { key: string }): Promise<MonitorInfo>;
  /** A push monitor's push path (`/push/<token>`), asked for explicitly: tokens are never in lists. */
  pushUrl(input: { id: MonitorId }): Promise<{ path: string }>;
  /** Latency series, status bars and incidents of one monitor over a range. */
  history(input: { id: MonitorId; range: HistoryRange }): Promise<MonitorHistoryInfo>;
  listChannels(): Promise<ChannelInfo[]>;
  /** A new channel is one of the default channels (every monitor's alerts go to it). */
  addChannel(input: ChannelConfigInput): Promise<ChannelInfo>;
  removeChannel(input: { id: ChannelId }): Promise<void>;
  /** Sends a test message through a saved channel. */
  testChannel(input: { id: ChannelId }): Promise<void>;
  /** Changes a channel; secret fields left empty keep their stored values. */
  updateChannel(input: { id: ChannelId; config: ChannelConfigInput }): Promise<ChannelInfo>;
  /** Mutes one monitor (or, id null, every notification); "tomorrow" is the next 08:00 at the given offset. Returns the end. */
  mute(input: { id: MonitorId | null; preset: MutePreset; utcOffsetMinutes: number }): Promise<{ until: number }>;
  unmute(input: { id: MonitorId | null }): Promise<void>;
  /** Replaces the maintenance windows of one monitor (or, id null, the windows of every monitor). */
  setMaintenance(input: { id: MonitorId | null; windows: MaintenanceWindowInfo[] }): Promise<void>;
  /** Where one monitor's alerts go (null: the default channels). */
  setRouting(input: { id: MonitorId; routing: MonitorRoutingInfo | null }): Promise<void>;
  /** The channels for monitors without their own routing. */
  setDefaultChannels(input: { channelIds: ChannelId[] }): Promise<void>;
  /** Mutes, maintenance windows and routing. */
  alertSettings(): Promise<AlertSettingsInfo>;
  /** The last 50 alerts, newest first (kept across restarts). */
  recentAlerts(): Promise<AlertInfo[]>;
  /** Every monitor as YAML (secrets replaced by a placeholder). */
  exportYaml(): Promise<{ yaml: string }>;
  /** Reads a YAML export: a dry run says what each entry would do; otherwise entries without errors are applied. */
  importYaml(input: { yaml: string; dryRun: boolean }): Promise<MonitorImportResultInfo>;
}

// Monitors and channels: only the shape and a size cap are checked here; the monitors service's
// validators are the real validation (their VALIDATION errors carry details.field).
const monitorId = z.string().regex(/^m_[A-Za-z0-9_-]{4,40}$/, 'is not a monitor id').transform((s) => s as MonitorId);
const channelId = z.string().regex(/^c_[A-Za-z0-9_-]{4,40}$/, 'is not a channel id').transform((s) => s as ChannelId);
const cap = MONITOR_INPUT_CAPS;
const monitorCommon = { name: z.string().max(cap.name) };
const monitorConfigInput = z.discriminatedUnion('type', [
  z.looseObject({ ...monitorCommon, type: z.literal('http'), url: z.string().max(cap.url) }),
  z.looseObject({ ...monitorCommon, type: z.literal('tcp'), host: z.string().max(cap.host), port: z.number() }),
  z.looseObject({ ...monitorCommon, type: z.literal('ping'), host: z.string().max(cap.host) }),
  z.looseObject({ ...monitorCommon, type: z.literal('dns'), hostname: z.string().max(cap.host) }),
  z.looseObject({ ...monitorCommon, type: z.literal('container'), hostId: z.string().max(cap.hostId), container: z.string().max(cap.container) }),
  z.looseObject({ ...monitorCommon, type: z.literal('ssh-command'), hostId: z.string().max(cap.hostId), command: z.string().max(cap.command) }),
  z.looseObject({ ...monitorCommon, type: z.literal('push'), token: z.string().max(cap.token).optional() }),
]) as unknown as z.ZodType<MonitorConfigInput, unknown>;
const channelConfigInput = z.looseObject({
  type: z.enum(['ntfy', 'webhook', 'discord', 'slack', 'telegram', 'gotify', 'email']),
  name: z.string().max(cap.name),
  enabled: z.boolean().optional(),
}) as z.ZodType<ChannelConfigInput, unknown>;
const utcOffsetMinutes = z.number().int().min(-840).max(840);
const clock = z.string().regex(/^([01]?\d|2[0-3]):[0-5]\d$/, 'must be a time as HH:MM (24 h)');
const maintenanceWindow = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('once'), from: z.number().finite(), to: z.number().finite() }),
  z.object({ kind: z.literal('weekly'), days: z.array(z.number().int().min(0).max(6)).max(7), start: clock, end: clock, utcOffsetMinutes }),
]);

export const monitors = feature<MonitorsApi>()({
  methods: {
    list: { input: none, action: 'list the monitors' },
    add: { input: monitorConfigInput, action: 'add the monitor' },
    update: { input: z.object({ id: monitorId, config: monitorConfigInput }), action: 'save the monitor' },
    remove: { input: z.object({ id: monitorId }), action: 'remove the monitor' },
    pause: { input: z.object({ id: monitorId }), action: 'pause the monitor' },
    resume: { input: z.object({ id: monitorId }), action: 'resume the monitor' },
    suggestions: { input: none, action: 'suggest monitors' },
    addSuggested: { input: z.object({ key: z.string().min(1).max(1024).refine(noControl, 'no control characters') }), action: 'add the suggested monitor' },
    pushUrl: { input: z.object({ id: monitorId }), action: 'show the push URL' },
    history: { input: z.object({ id: monitorId, range: z.enum(['24h', '30d', '1y']) }), action: 'read the monitor’s history' },
    listChannels: { input: none, action: 'list the channels' },
    addChannel: { input: channelConfigInput, action: 'add the channel' },
    removeChannel: { input: z.object({ id: channelId }), action: 'remove the channel' },
    testChannel: { input: z.object({ id: channelId }), action: 'send the test notification' },
    updateChannel: { input: z.object({ id: channelId, config: channelConfigInput }), action: 'save the channel' },
    mute: {
      input: z.object({ id: monitorId.nullable(), preset: z.enum(['1h', '4h', '8h', 'tomorrow']), utcOffsetMinutes }),
      action: 'mute the notifications',
    },
    unmute: { input: z.object({ id: monitorId.nullable() }), action: 'unmute the notifications' },
    setMaintenance: { input: z.object({ id: monitorId.nullable(), windows: z.array(maintenanceWindow).max(ALERT_LIMITS.maintenanceWindows) }), action: 'save the maintenance windows' },
    setRouting: {
      input: z.object({ id: monitorId, routing: z.object({ channelIds: z.array(channelId).max(ALERT_LIMITS.routeChannels), includeDefaults: z.boolean() }).nullable() }),
      action: 'save where the alerts go',
    },
    setDefaultChannels: { input: z.object({ channelIds: z.array(channelId).max(ALERT_LIMITS.routeChannels) }), action: 'save the default channels' },
    alertSettings: { input: none, action: 'read the alert settings' },
    recentAlerts: { input: none, action: 'list the recent alerts' },
    exportYaml: { input: none, action: 'export the monitors' },
    importYaml: { input: z.object({ yaml: z.string().max(MONITOR_IMPORT_LIMITS.bytes), dryRun: z.boolean() }), action: 'import the monitors' },
  },
  events: {
    /** Only the monitors that changed (and those removed); `monitors.list` gives them all. */
    'monitors.changed': event<MonitorsChangedInfo>(),
    'alerts.fired': event<AlertInfo>(),
  },
});
