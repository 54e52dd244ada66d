import type { HostContainersInfo } from '../model/container';
import type { SettingsProblemInfo } from '../model/app';
import type { ErrorInfo } from '../model/errors';
import type { HostInfo, KeyInfo } from '../model/host';
import type { StreamId } from '../model/ids';
import type { HeartbeatInfo, KumaInstanceInfo } from '../model/kuma';
import type { AlertInfo, MonitorId, MonitorsChangedInfo } from '../model/monitors';
import type { HostImagesInfo, HostNetworksInfo, HostVolumesInfo } from '../model/resources';

/** Events main pushes to the UI. Stream events go only to the client that opened the stream. */
export interface EventMap {
  'hosts.changed': HostInfo[];
  'keys.changed': KeyInfo[];
  'containers.changed': HostContainersInfo;
  /** One host's volumes, images or networks after the engine said they changed (whoever changed them). */
  'volumes.changed': HostVolumesInfo;
  'images.changed': HostImagesInfo;
  'networks.changed': HostNetworksInfo;
  /** Only the monitors that changed (and those removed); `monitors.list` gives them all. */
  'monitors.changed': MonitorsChangedInfo;
  'alerts.fired': AlertInfo;
  'kuma.changed': KumaInstanceInfo[];
  'heartbeat.changed': HeartbeatInfo;
  /** Main asks the UI to show something (a tray item or a notification was clicked). */
  'app.navigate': { view: 'monitors'; monitorId: MonitorId | null };
  /** Saved settings that cannot be read changed (the whole list). */
  'app.problems': SettingsProblemInfo[];
  'stream.data': { streamId: StreamId; data: unknown };
  'stream.end': { streamId: StreamId; error: ErrorInfo | null };
}
export type EventName = keyof EventMap;

export const EVENT_NAMES = [
  'hosts.changed',
  'keys.changed',
  'containers.changed',
  'volumes.changed',
  'images.changed',
  'networks.changed',
  'monitors.changed',
  'alerts.fired',
  'kuma.changed',
  'heartbeat.changed',
  'app.navigate',
  'app.problems',
  'stream.data',
  'stream.end',
] as const satisfies readonly EventName[];
