/**
 * The tray feed with real parts: a real MonitorsManager (scheduler, TCP checks, policy, SQLite
 * history) and its events, a real TCP target on 127.0.0.1 that goes away and comes back, and a
 * real container on the lab engine for the "restart container" action.
 */
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MonitorsManager } from '../monitors/monitors-manager';
import { toMonitorInfo } from '../monitors/monitors-service';
import { createTestPlatform, type TestPlatform } from '../test-support/temp-platform';
import type { DesktopNotification, TrayView } from './tray';
import { TrayFeed, type TrayFeedEvents } from './tray-feed';
import { waitFor } from '../test-support/wait';

const docker = new Docker({ socketPath: '/var/run/docker.sock' });
const CONTAINER = `hp-tray-${process.pid}`;

function listen(port = 0): Promise<net.Server> {
  const s = net.createServer((c) => c.end());
  return new Promise((resolve) => s.listen(port, '127.0.0.1', () => resolve(s)));
}
const close = (s: net.Server) => new Promise<void>((r) => s.close(() => r()));

describe('TrayFeed (integration)', () => {
  let tp: TestPlatform;
  let target: net.Server;
  let reference: net.Server;
  let port: number;

  beforeAll(async () => {
    tp = createTestPlatform({ agentSocket: null });
    target = await listen();
    port = (target.address() as AddressInfo).port;
    reference = await listen();
    await docker.createContainer({ name: CONTAINER, Image: 'homeport-lab/busybox', Cmd: ['sleep', '3600'], Labels: { 'homeport.test': 'tray' } }).then((c) => c.start());
  });

  afterAll(async () => {
    if (target.listening) await close(target);
    await close(reference);
    await docker.getContainer(CONTAINER).remove({ force: true }).catch(() => undefined);
    tp.cleanup();
  });

  it('draws down, notifies with the monitor to open, and carries out the menu actions', async () => {
    const mgr = new MonitorsManager({
      platform: tp.platform,
      historyFile: path.join(tp.dataDir, 'history.sqlite'),
      intervalScale: 0.01,
      policyOptions: { coalesceMs: 50, coalesceMaxMs: 200 },
      referenceTargets: [{ host: '127.0.0.1', port: (reference.address() as AddressInfo).port }],
      dispatcherAttempts: 1,
    });
    const navigations: TrayFeedEvents['navigate'][] = [];
    mgr.add({ id: 'db', name: 'Database', type: 'tcp', host: '127.0.0.1', port, intervalSec: 20, retryIntervalSec: 20, retries: 0, timeoutSec: 2 });

    const views: TrayView[] = [];
    const notes: DesktopNotification[] = [];
    const restarted: string[] = [];
    const feed = new TrayFeed({
      monitors: mgr,
      containers: {
        restart: async (ref) => {
          restarted.push(ref.containerId);
          await docker.getContainer(ref.containerId).restart({ t: 0 });
        },
      },
      logger: tp.platform.logger,
    });
    feed.events.on('navigate', (to) => navigations.push(to));
    await feed.start({ view: (v) => views.push(v), notify: (n) => notes.push(n) });
    mgr.start();
    try {
      await waitFor(() => views.at(-1)?.status === 'ok', 5000, 'all up');
      expect(views.at(-1)!.tooltip).toBe('Homeport — all 1 up');

      await close(target);
      await waitFor(() => views.at(-1)?.status === 'down', 5000, 'down');
      expect(views.at(-1)!.tooltip).toBe('Homeport — 1 down: Database');
      const note = await waitFor(() => notes.find((n) => n.urgency === 'critical'), 5000, 'down notification');
      expect(note.monitorId).toBe('db');
      expect(note.title).toContain('Database');

      // The notification's click and the menu's "Open" ask the UI to show the monitor.
      const entry = views.at(-1)!.menu.find((i) => i.submenu)!;
      await feed.perform(entry.submenu![0]!.action!);
      expect(navigations).toEqual([{ view: 'monitors', monitorId: 'db' }]);

      // Mute from the menu: the next drawing says so.
      await feed.perform(entry.submenu!.find((i) => i.label === 'Mute for 1 hour')!.action!);
      await waitFor(() => views.at(-1)?.tooltip.endsWith('(muted)'), 3000, 'muted');
      expect(mgr.list().map(toMonitorInfo)[0]!.muted).toBe(true);

      // Restart a container from the menu (what a container monitor's entry offers).
      const before = (await docker.getContainer(CONTAINER).inspect()).State.StartedAt;
      await feed.perform({ kind: 'restart', monitorId: 'db', hostId: 'local', container: CONTAINER });
      const after = (await docker.getContainer(CONTAINER).inspect()).State;
      expect(after.Running).toBe(true);
      expect(after.StartedAt).not.toBe(before);

      // A failing action is told, not swallowed.
      await feed.perform({ kind: 'restart', monitorId: 'db', hostId: 'local', container: 'hp-tray-no-such-container' });
      expect(notes.at(-1)).toMatchObject({ title: 'Homeport could not do that' });
      expect(restarted).toEqual([CONTAINER, 'hp-tray-no-such-container']);

      // Back up: the icon follows.
      target = await listen(port);
      await waitFor(() => views.at(-1)?.status === 'ok', 5000, 'up again');
    } finally {
      feed.stop();
      await mgr.stop();
    }
  });
});
