import { applyMonitorsChange, HostId, MonitorId, type KumaInstanceInfo, type MonitorInfo } from '../../../shared/contract';
import { kumaStatusItems } from '../../../shared/model/monitor-status';
import type { KumaManager } from '../kuma';
import { toAlertInfo, toMonitorInfo, type MonitorsManager } from '../monitors';
import { Emitter } from '../platform/emitter';
import type { Logger } from '../platform/platform';
import type { ContainersService } from '../containers';
import { notificationFor, trayView, type DesktopNotification, type TrayAction, type TrayView } from './tray';

export interface TrayFeedDeps {
  /** The monitors: the list when the tray starts, then each change and alert as it happens; the menu mutes them. */
  monitors: Pick<MonitorsManager, 'events' | 'list' | 'mute'>;
  /** Uptime Kuma instances, whose mirrored monitors count too. */
  kuma?: Pick<KumaManager, 'events' | 'list'>;
  /** The menu's "Restart" on a container monitor's entry: the same restart as the containers view's. */
  containers: Pick<ContainersService, 'restart'>;
  logger: Logger;
  /** How often the "down for N min" labels are refreshed (ms). */
  refreshMs?: number;
}

/** What the tray asks of the window. */
export interface TrayFeedEvents {
  /** A menu item or a notification was clicked: show this monitor (or the Monitors view). */
  navigate: { view: 'monitors'; monitorId: MonitorId | null };
}

export interface TraySink {
  view(view: TrayView): void;
  notify(notification: DesktopNotification): void;
}

/**
 * Keeps a tray (or any other status surface) in step with the monitors: every change of the
 * monitors (only those that changed, applied to the list it keeps) or of Uptime Kuma's redraws it,
 * every alert becomes a notification, and the menu's actions come back here.
 * The Electron shell only draws what it is given.
 */
export class TrayFeed {
  private last: MonitorInfo[] = [];
  private kuma: KumaInstanceInfo[] = [];
  private sink: TraySink | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private offs: Array<() => void> = [];
  readonly events: Emitter<TrayFeedEvents>;

  constructor(private readonly deps: TrayFeedDeps) {
    this.events = new Emitter(deps.logger, 'tray');
  }

  async start(sink: TraySink): Promise<void> {
    this.sink = sink;
    const { monitors, kuma } = this.deps;
    this.offs = [
      monitors.events.on('changed', ({ changed, removed }) => {
        this.last = applyMonitorsChange(this.last, { changed: changed.map(toMonitorInfo), removed: removed.map(MonitorId) });
        this.draw();
      }),
      monitors.events.on('alert', (alert) => this.sink?.notify(notificationFor(toAlertInfo(alert)))),
    ];
    if (kuma) {
      this.offs.push(
        kuma.events.on('changed', (list) => {
          this.kuma = list;
          this.draw();
        }),
      );
    }
    this.timer = setInterval(() => this.draw(), this.deps.refreshMs ?? 60_000);
    this.timer.unref?.();
    try {
      this.last = monitors.list().map(toMonitorInfo);
      this.kuma = kuma?.list() ?? [];
    } catch (e) {
      this.deps.logger.warn('tray: could not list monitors', { error: e instanceof Error ? e.message : String(e) });
    }
    this.draw();
  }

  stop(): void {
    for (const off of this.offs) off();
    this.offs = [];
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.sink = null;
  }

  /** A menu item or a notification was clicked. Failures are logged and reported by notification. */
  async perform(action: TrayAction): Promise<void> {
    try {
      switch (action.kind) {
        case 'open':
          this.events.emit('navigate', { view: 'monitors', monitorId: action.monitorId === null ? null : MonitorId(action.monitorId) });
          return;
        case 'restart':
          await this.deps.containers.restart({ hostId: HostId(action.hostId), containerId: action.container });
          return;
        case 'mute':
          this.deps.monitors.mute(action.monitorId, action.preset);
          return;
        case 'unmute':
          this.deps.monitors.mute(action.monitorId, null);
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
