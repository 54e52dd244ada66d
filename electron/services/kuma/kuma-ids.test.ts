/**
 * The Uptime Kuma instances' ids are branded through the Kuma service: a monitor's or a host's
 * id handed where an instance id is wanted does not compile. Checked by `tsc -b` (each
 * `@ts-expect-error` line must be an error); the calls are only built, never made.
 */
import { describe, expect, it } from 'vitest';
import { HostId, KumaInstanceId, MonitorId } from '../../../shared/model/ids';
import type { KumaManager } from './kuma-manager';

const instance = KumaInstanceId('ku_nas00001');

describe('ids in the Uptime Kuma manager', () => {
  it('refuses a host id, a monitor id or a plain string where an instance id is wanted', () => {
    const calls: Array<(k: KumaManager) => unknown> = [
      // @ts-expect-error — a HostId is not a KumaInstanceId
      (k) => k.remove(HostId('h_lab0001')),
      // @ts-expect-error — a MonitorId is not a KumaInstanceId
      (k) => k.pause(MonitorId('m_web0001'), '2'),
      // @ts-expect-error — an unbranded string is not a KumaInstanceId
      (k) => k.resume('ku_nas00001', '2'),
      (k) => k.remove(instance),
      (k) => k.pause(instance, '2'),
    ];
    expect(calls).toHaveLength(5);
  });
});
