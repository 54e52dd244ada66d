import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostId, MonitorId } from '../../../../shared/contract';
import { EngineHub } from '../../engines/engine-hub';
import { createLink } from '../../hosts/link';
import type { Logger } from '../../platform/platform';
import { ContainerWatches } from '../runtime/container-watches';
import { ContainerWatch, type DockerLike } from './container-watch';
import type { CheckResult, MonitorConfig } from './types';

/**
 * Against the lab's real engine (/var/run/docker.sock), with this test's own containers only
 * (hp-checks-cw-*, host network, the lab's busybox image); the lab's containers are never touched.
 * The watches follow the engine as container monitors do: through the engine hub's one event
 * stream for the host, started again on a new connection when the old one drops.
 */

const docker = new Docker({ socketPath: '/var/run/docker.sock' });
const IMAGE = 'homeport-lab/busybox:latest';
const PREFIX = `hp-checks-cw-${process.pid}-`;
const HOST = 'h_cw';
const created = new Set<string>();
let inspects = 0;
// dockerode itself satisfies the interface the owner will pass (checked by tsc)
const _dockerodeFits: DockerLike = docker;
void _dockerodeFits;

/** The engine, counting the watches' inspects: after the first one, changes must arrive by events alone. */
const counting: DockerLike = {
  getContainer: (id) => {
    const c = docker.getContainer(id);
    return {
      inspect: () => {
        inspects++;
        return c.inspect();
      },
    };
  },
};

/** The hub's event streams, the last one opened first. */
let lastStream: (NodeJS.ReadableStream & { destroy(): void }) | null = null;
const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {} };

/** A connection to the lab engine as the hosts give the hub one; when it drops, a new one is made (as a host reconnects). */
function connect(): void {
  const engine = new Docker({ socketPath: '/var/run/docker.sock' });
  const getEvents = engine.getEvents.bind(engine);
  engine.getEvents = (async (opts?: Docker.GetEventsOptions) => {
    const s = await getEvents(opts ?? {});
    lastStream = s as NodeJS.ReadableStream & { destroy(): void };
    return s;
  }) as typeof engine.getEvents;
  const link = createLink({ docker: engine, transport: 'local', agent: null, ssh: null });
  link.onClose(() => {
    if (closed) return;
    hub.hostDown(HostId(HOST));
    connect();
  });
  hub.hostUp(HostId(HOST), link);
}

let closed = false;
let hub: EngineHub;
let watches: ContainerWatches;
const monitors = new Map<MonitorId, { config: Extract<MonitorConfig, { type: 'container' }>; onResult: (r: CheckResult) => void }>();
let n = 0;

/** A container monitor's watch: resolves once its first look is in (as the owner's watch did). */
async function watchOf(container: string, onResult: (r: CheckResult) => void): Promise<{ id: MonitorId; current(): CheckResult | null }> {
  const id = MonitorId(`m_cw${n++}`);
  let first = false;
  const config = { id, type: 'container', hostId: HOST, container } as Extract<MonitorConfig, { type: 'container' }>;
  monitors.set(id, {
    config,
    onResult: (r) => {
      first = true;
      onResult(r);
    },
  });
  watches.watch(config);
  for (const t0 = Date.now(); !first; await new Promise((r) => setTimeout(r, 10))) if (Date.now() - t0 > 8000) throw new Error(`no first look at ${container}`);
  return { id, current: () => watches.current(id) };
}

function unwatch(w: { id: MonitorId }): void {
  watches.unwatch(w.id);
  monitors.delete(w.id);
}

async function create(suffix: string, health: boolean): Promise<Docker.Container> {
  const name = PREFIX + suffix;
  const c = await docker.createContainer({
    name,
    Image: IMAGE,
    Cmd: ['sh', '-c', 'touch /tmp/ok; exec sleep 600'],
    HostConfig: { NetworkMode: 'host' },
    ...(health ? { Healthcheck: { Test: ['CMD-SHELL', 'test -f /tmp/ok || { echo no /tmp/ok; exit 1; }'], Interval: 1e9, Retries: 1 } } : {}),
  });
  created.add(c.id);
  return c;
}

async function sh(c: Docker.Container, cmd: string): Promise<void> {
  const ex = await c.exec({ Cmd: ['sh', '-c', cmd], AttachStdout: false, AttachStderr: false });
  await ex.start({ Detach: true });
}

/** Waits for a result at index `from` or later that satisfies `pred`. */
async function waitFor(results: CheckResult[], from: number, pred: (r: CheckResult) => boolean, what: string, ms = 8000): Promise<CheckResult> {
  const t0 = Date.now();
  for (;;) {
    const hit = results.slice(from).find(pred);
    if (hit) return hit;
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}; got: ${JSON.stringify(results.map((r) => `${r.status}: ${r.message}`))}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

beforeAll(async () => {
  await docker.getImage(IMAGE).inspect();
  hub = new EngineHub(quiet);
  watches = new ContainerWatches({
    engines: { dockerOf: () => counting, subscribe: (h, l, resumed) => hub.subscribeRaw(HostId(h), l, resumed), eventsOpen: (h) => hub.eventsOpen(HostId(h)) },
    logger: quiet,
    onResult: (id, r) => monitors.get(id)?.onResult(r),
    hasResult: () => true,
  });
  // What the monitors do when an engine comes and goes: watch on every new engine, end with the old one.
  hub.onAvailability((h, up) => (up ? watches.hostUp(h, [...monitors.values()].map((m) => m.config)) : watches.hostDown(h)));
  connect();
  await hub.eventsOpen(HostId(HOST));
});

afterAll(async () => {
  closed = true;
  watches?.stop();
  hub?.dispose();
  const leftovers = await docker.listContainers({ all: true, filters: { name: [PREFIX] } });
  const ids = new Set([...created, ...leftovers.filter((c) => c.Names.some((n) => n.startsWith(`/${PREFIX}`))).map((c) => c.Id)]);
  await Promise.all([...ids].map((id) => docker.getContainer(id).remove({ force: true }).catch(() => {})));
});

describe('ContainerWatch against the real engine', () => {
  it('follows a container without a health check through stop, start, pause and unpause by events alone', async () => {
    const c = await create('plain', false);
    await c.start();
    const results: CheckResult[] = [];
    const w = await watchOf(PREFIX + 'plain', (r) => results.push(r));
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ status: 'up', message: `Container ${PREFIX}plain is running`, details: { state: 'running', containerId: c.id.slice(0, 12) } });
    const inspectsAfterStart = inspects;

    await c.stop({ t: 0 });
    const stopped = await waitFor(results, 0, (r) => r.status === 'down', 'down after stop');
    expect(stopped.message).toBe(`Container ${PREFIX}plain is exited (exit code 137)`);
    expect(stopped.details).toMatchObject({ exitCode: 137 });

    await c.start();
    await waitFor(results, 2, (r) => r.status === 'up', 'up after start');
    await c.pause();
    await waitFor(results, 3, (r) => r.message.endsWith('is paused'), 'paused');
    await c.unpause();
    await waitFor(results, 4, (r) => r.status === 'up', 'up after unpause');

    expect(inspects).toBe(inspectsAfterStart); // no polling: every change came from an event
    expect(w.current()).toMatchObject({ status: 'up' });
    // only changes are emitted: stop's kill/die/stop events gave one result, not three
    expect(results.map((r) => r.status)).toEqual(['up', 'down', 'up', 'down', 'up']);
    unwatch(w);
  });

  it('reports health: starting (up, noted), healthy (up), unhealthy (down, with the check output)', async () => {
    const c = await create('health', true);
    await c.start();
    const results: CheckResult[] = [];
    const w = await watchOf(PREFIX + 'health', (r) => results.push(r));
    if (results[0]!.details?.health === 'starting') {
      expect(results[0]).toMatchObject({ status: 'up', message: `Container ${PREFIX}health is running; health check starting` });
    }
    await waitFor(results, 0, (r) => r.message === `Container ${PREFIX}health is running and healthy`, 'healthy');

    await sh(c, 'rm -f /tmp/ok');
    const unhealthy = await waitFor(results, 0, (r) => r.status === 'down', 'unhealthy');
    expect(unhealthy).toMatchObject({ message: expect.stringMatching(new RegExp(`^Container ${PREFIX}health is unhealthy`)), details: { health: 'unhealthy' } });
    await waitFor(results, 0, (r) => r.message === `Container ${PREFIX}health is unhealthy: no /tmp/ok`, 'the health check output in the message');

    const n = results.length;
    await sh(c, 'touch /tmp/ok');
    await waitFor(results, n, (r) => r.status === 'up' && r.details?.health === 'healthy', 'healthy again');

    // a restart goes through "starting" (still up) before healthy
    await c.stop({ t: 0 });
    await waitFor(results, n, (r) => r.status === 'down', 'down after stop');
    const m = results.length;
    await c.start();
    await waitFor(results, m, (r) => r.status === 'up' && r.details?.health === 'starting', 'starting after restart');
    await waitFor(results, m, (r) => r.status === 'up' && r.details?.health === 'healthy', 'healthy after restart');
    unwatch(w);
  });

  it('follows a name across removal and re-creation (compose up), and a name that does not exist yet', async () => {
    const results: CheckResult[] = [];
    const w = await watchOf(PREFIX + 'later', (r) => results.push(r));
    expect(results[0]).toMatchObject({ status: 'down', message: `No container named ${PREFIX}later on this host` });

    const first = await create('later', false);
    await first.start();
    const up1 = await waitFor(results, 0, (r) => r.status === 'up', 'up once created');
    expect(up1.details?.containerId).toBe(first.id.slice(0, 12));

    let k = results.length;
    await first.remove({ force: true });
    await waitFor(results, k, (r) => r.message === `Container ${PREFIX}later was removed`, 'removed');
    k = results.length;
    const second = await create('later', false);
    await second.start();
    const up2 = await waitFor(results, k, (r) => r.status === 'up', 'up again under the same name');
    expect(up2.details?.containerId).toBe(second.id.slice(0, 12));
    unwatch(w);
  });

  it('re-inspects after the event stream drops, catching what happened meanwhile', async () => {
    const c = await create('drop', false);
    await c.start();
    const results: CheckResult[] = [];
    const w = await watchOf(PREFIX + 'drop', (r) => results.push(r));
    expect(results[0]).toMatchObject({ status: 'up' });
    const before = lastStream;
    before!.destroy(); // as when the SSH connection under it drops
    await c.stop({ t: 0 }); // while nobody listens: the host connects again and the watch takes a fresh look
    const down = await waitFor(results, 1, (r) => r.status === 'down', 'down after the stream came back', 5000);
    expect(down.message).toBe(`Container ${PREFIX}drop is exited (exit code 137)`);
    expect(lastStream).not.toBe(before);
    // and events flow on the new stream
    await c.start();
    await waitFor(results, 2, (r) => r.status === 'up', 'up by an event on the new stream');
    unwatch(w);
  });

  it('an event stream that could not be opened is tried again on the same connection, and the watch catches what happened meanwhile', async () => {
    const c = await create('late', false);
    await c.start();
    // The engine refuses the first two events requests (as a busy engine or a refused SSH channel would); the connection itself works.
    const engine = new Docker({ socketPath: '/var/run/docker.sock' });
    const getEvents = engine.getEvents.bind(engine);
    let refused = 0;
    let opened = 0;
    engine.getEvents = (async (opts?: Docker.GetEventsOptions) => {
      if (refused < 2) {
        refused++;
        throw new Error('(HTTP code 503) unavailable');
      }
      opened++;
      return getEvents(opts ?? {});
    }) as typeof engine.getEvents;
    const hostId = `${HOST}-late`;
    const host = HostId(hostId);
    const ownHub = new EngineHub(quiet);
    const results: CheckResult[] = [];
    const ownWatches = new ContainerWatches({
      engines: { dockerOf: () => engine as unknown as DockerLike, subscribe: (h, l, resumed) => ownHub.subscribeRaw(HostId(h), l, resumed), eventsOpen: (h) => ownHub.eventsOpen(HostId(h)) },
      logger: quiet,
      onResult: (_id, r) => results.push(r),
      hasResult: () => results.length > 0,
    });
    try {
      ownHub.hostUp(host, createLink({ docker: engine, transport: 'local', agent: null, ssh: null }));
      ownWatches.watch({ id: 'm_cwlate', type: 'container', hostId, container: PREFIX + 'late' } as Extract<MonitorConfig, { type: 'container' }>);
      await waitFor(results, 0, (r) => r.status === 'up', 'the first look, without events');
      expect(opened).toBe(0);
      // Stopped while no events come: the reopened stream brings a fresh look (the second retry is ~3 s after the start).
      await c.stop({ t: 0 });
      const down = await waitFor(results, 1, (r) => r.status === 'down', 'down once the stream is open', 15_000);
      expect(down.message).toBe(`Container ${PREFIX}late is exited (exit code 137)`);
      expect(opened).toBe(1);
      // and events flow on it, on the same connection
      await c.start();
      await waitFor(results, 2, (r) => r.status === 'up', 'up by an event');
      expect(ownHub.list().find((l) => l.hostId === host)?.containers.some((x) => x.name === PREFIX + 'late')).toBe(true);
    } finally {
      ownWatches.stop();
      ownHub.dispose();
    }
  }, 30_000);

  it('a watch fed by the owner’s own event stream works the same (handleEvent)', async () => {
    const c = await create('fed', false);
    const results: CheckResult[] = [];
    const w = new ContainerWatch({ docker: counting, container: PREFIX + 'fed', onResult: (r) => results.push(r) });
    const stream = await docker.getEvents({ filters: { type: ['container'] } });
    let buf = '';
    stream.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.trim()) w.handleEvent(JSON.parse(line));
      }
    });
    try {
      await w.start();
      expect(results[0]).toMatchObject({ status: 'down', message: `Container ${PREFIX}fed is created` });
      await c.start();
      await waitFor(results, 0, (r) => r.status === 'up', 'up');
    } finally {
      (stream as unknown as { destroy(): void }).destroy();
    }
  });
});
