import { applyMonitorsChange, MonitorId, type KumaInstanceInfo, type MonitorInfo, type MonitorsChangedInfo } from '../../../shared/contract';
import { kumaStatusItems } from '../../../shared/model/monitor-status';
import type { Logger } from '../platform/platform';
import type { EventBus } from '../rpc/event-bus';
import type { MutePreset } from './policy/maintenance';
import { notificationFor, trayView, type DesktopNotification, type TrayAction, type TrayView } from './tray';

export interface TrayFeedDeps {
  events: EventBus;
  listMonitors(): Promise<MonitorInfo[]>;
  /** Uptime Kuma instances, whose mirrored monitors count too. */
  listKuma?(): KumaInstanceInfo[];
  mute(monitorId: string | null, preset: MutePreset | null): void;
  restartContainer(ref: { hostId: string; containerId: string }): Promise<void>;
  logger: Logger;
  /** How often the "down for N min" labels are refreshed (ms). */
  refreshMs?: number;
}

export interface TraySink {
  view(view: TrayView): void;
  notify(notification: DesktopNotification): void;
}

/**
 * Keeps a tray (or any other status surface) in step with the monitors: every `monitors.changed`
 * (the monitors that changed, applied to the list it keeps) redraws it, every `alerts.fired`
 * becomes a notification, and the menu's actions come back here.
 * The Electron shell only draws what it is given.
 */
export class TrayFeed {
  private last: MonitorInfo[] = [];
  private kuma: KumaInstanceInfo[] = [];
  private sink: TraySink | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private off: (() => void) | null = null;

  constructor(private readonly deps: TrayFeedDeps) {}

  async start(sink: TraySink): Promise<void> {
    this.sink = sink;
    this.off = this.deps.events.subscribe((event, payload) => {
      if (event === 'monitors.changed') {
        // Only the monitors that changed come with the event.
        this.last = applyMonitorsChange(this.last, payload as MonitorsChangedInfo);
        this.draw();
      } else if (event === 'kuma.changed') {
        this.kuma = payload as KumaInstanceInfo[];
        this.draw();
      } else if (event === 'alerts.fired') {
        this.sink?.notify(notificationFor(payload as Parameters<typeof notificationFor>[0]));
      }
    });
    this.timer = setInterval(() => this.draw(), this.deps.refreshMs ?? 60_000);
    this.timer.unref?.();
    try {
      this.last = await this.deps.listMonitors();
      this.kuma = this.deps.listKuma?.() ?? [];
    } catch (e) {
      this.deps.logger.warn('tray: could not list monitors', { error: e instanceof Error ? e.message : String(e) });
    }
    this.draw();
  }

  stop(): void {
    this.off?.();
    this.off = null;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.sink = null;
  }

  /** A menu item or a notification was clicked. Failures are logged and reported by notification. */
  async perform(action: TrayAction): Promise<void> {
    try {
      switch (action.kind) {
        case 'open':
          this.deps.events.emit('app.navigate', { view: 'monitors', monitorId: action.monitorId === null ? null : MonitorId(action.monitorId) });
          return;
        case 'restart':
          await this.deps.restartContainer({ hostId: action.hostId, containerId: action.container });
          return;
        case 'mute':
          this.deps.mute(action.monitorId, action.preset);
          return;
        case 'unmute':
          this.deps.mute(action.monitorId, null);
          return;
      }
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.deps.logger.warn('tray action failed', { action: action.kind, error: message });
      this.sink?.notify({ title: 'Homeport could not do that', body: message, monitorId: null, urgency: 'normal' });
    }
  }

  private draw(): void {
    this.sink?.view(trayView([...this.last, ...kumaStatusItems(this.kuma)]));
  }
}
