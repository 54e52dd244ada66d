import { z } from 'zod';
import type { KumaInstanceId } from '../model/ids';
import type { HeartbeatInfo, KumaAddInput, KumaAddResultInfo, KumaInstanceInfo } from '../model/kuma';
import { event, feature, none } from './define';
import { noControl } from './fields';

/**
 * The user's Uptime Kuma instances, mirrored (live updates: `kuma.changed`), and Homeport's own
 * heartbeat to a push URL (`heartbeat.changed`). Instance ids are `ku_…`.
 */
export interface KumaApi {
  list(): Promise<KumaInstanceInfo[]>;
  /** Connects once before saving; answers `totp-required` when the account has 2FA. */
  add(input: KumaAddInput): Promise<KumaAddResultInfo>;
  remove(input: { id: KumaInstanceId }): Promise<void>;
  /** `monitorId`: the monitor's id in that Kuma. */
  pauseMonitor(input: { id: KumaInstanceId; monitorId: string }): Promise<void>;
  resumeMonitor(input: { id: KumaInstanceId; monitorId: string }): Promise<void>;
  heartbeat(): Promise<HeartbeatInfo>;
  /** `url` null stops it. The first beat goes out at once; its result is in the answer. */
  setHeartbeat(input: { url: string | null; intervalSec: number }): Promise<HeartbeatInfo>;
  sendHeartbeat(): Promise<HeartbeatInfo>;
}

const kumaId = z.string().regex(/^ku_[A-Za-z0-9_-]{4,40}$/, 'is not an Uptime Kuma instance id').transform((s) => s as KumaInstanceId);
const kumaMonitorId = z.string().min(1).max(64).refine(noControl, 'is not a monitor id');
const kumaAddInput = z.object({
  name: z.string().trim().max(100).refine(noControl, 'must not contain control characters'),
  url: z.string().trim().min(1, 'Enter the address of Uptime Kuma, for example http://nas:3001.').max(2048),
  mode: z.enum(['socket', 'metrics', 'status-page']),
  username: z.string().max(200),
  password: z.string().max(1000),
  totp: z.string().trim().regex(/^(\d{6})?$/, 'A 2FA code is 6 digits.'),
  apiKey: z.string().max(1000),
  slug: z.string().trim().max(200).regex(/^[A-Za-z0-9_-]*$/, 'A status page slug has letters, digits, - and _ only.'),
  allowSelfSigned: z.boolean(),
});

export const kuma = feature<KumaApi>()({
  methods: {
    list: { input: none, action: 'list the Uptime Kuma instances' },
    add: { input: kumaAddInput, action: 'connect Uptime Kuma' },
    remove: { input: z.object({ id: kumaId }), action: 'remove the Uptime Kuma instance' },
    pauseMonitor: { input: z.object({ id: kumaId, monitorId: kumaMonitorId }), action: 'pause the Uptime Kuma monitor' },
    resumeMonitor: { input: z.object({ id: kumaId, monitorId: kumaMonitorId }), action: 'resume the Uptime Kuma monitor' },
    heartbeat: { input: none, action: 'read the heartbeat settings' },
    setHeartbeat: {
      input: z.object({
        url: z.string().trim().min(1, 'Paste the push URL.').max(2048).nullable(),
        intervalSec: z.number().int().min(20, 'must be at least 20 seconds').max(86_400, 'must be at most 86400 seconds (once a day)'),
      }),
      action: 'save the heartbeat',
    },
    sendHeartbeat: { input: none, action: 'send the heartbeat' },
  },
  events: {
    'kuma.changed': event<KumaInstanceInfo[]>(),
    'heartbeat.changed': event<HeartbeatInfo>(),
  },
});
