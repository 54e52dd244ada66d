/**
 * Monitor, channel and host ids are branded all through the monitors: a host id handed where a
 * monitor id is wanted does not compile. This file is checked by `tsc -b`: each
 * `@ts-expect-error` line must be an error, or the typecheck fails ("unused directive"). The
 * calls are only built, never made.
 */
import { describe, expect, it } from 'vitest';
import { ChannelId, HostId, MonitorId } from '../../../shared/model/ids';
import type { MonitorsManager } from './monitors-manager';

const host = HostId('h_lab0001');
const monitor = MonitorId('m_web0001');
const channel = ChannelId('c_hook001');

describe('ids in the monitors manager', () => {
  it('refuses a host id, a channel id or a plain string where a monitor id is wanted', () => {
    const calls: Array<(m: MonitorsManager) => unknown> = [
      // @ts-expect-error — a HostId is not a MonitorId
      (m) => m.pause(host),
      // @ts-expect-error — a HostId is not a MonitorId
      (m) => m.info(host),
      // @ts-expect-error — a HostId is not a MonitorId
      (m) => m.update(host, {}),
      // @ts-expect-error — a ChannelId is not a MonitorId
      (m) => m.remove(channel),
      // @ts-expect-error — a HostId is not a MonitorId
      (m) => m.mute(host, '1h'),
      // @ts-expect-error — a HostId is not a MonitorId
      (m) => m.incidents(host, 10),
      // @ts-expect-error — an unbranded string is not a MonitorId
      (m) => m.resume('m_web0001'),
      // The right ids compile.
      (m) => m.pause(monitor),
      (m) => m.mute(null, '1h'),
      (m) => m.incidents(null, 10),
    ];
    expect(calls).toHaveLength(10);
  });

  it('refuses a monitor id where a host id or a channel id is wanted', () => {
    const calls: Array<(m: MonitorsManager) => unknown> = [
      // @ts-expect-error — a MonitorId is not a HostId
      (m) => m.hostEngineUp(monitor),
      // @ts-expect-error — a MonitorId is not a HostId
      (m) => m.approveLabel(monitor, 'web'),
      // @ts-expect-error — a MonitorId is not a ChannelId
      (m) => m.testChannel(monitor),
      // @ts-expect-error — a MonitorId is not a ChannelId
      (m) => m.setDefaultChannels([monitor]),
      // @ts-expect-error — a HostId is not a ChannelId
      (m) => m.setMonitorRouting(monitor, { channelIds: [host] }),
      (m) => m.hostEngineUp(host),
      (m) => m.testChannel(channel),
      (m) => m.setMonitorRouting(monitor, { channelIds: [channel] }),
    ];
    expect(calls).toHaveLength(8);
  });
});
