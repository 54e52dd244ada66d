import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContainerEventHub, ContainerWatch, type DockerLike } from './container-watch';
import type { CheckResult } from './types';

/**
 * Against the lab's real engine (/var/run/docker.sock), with this test's own containers only
 * (hp-checks-cw-*, host network, the lab's busybox image); the lab's containers are never touched.
 */

const docker = new Docker({ socketPath: '/var/run/docker.sock' });
const IMAGE = 'homeport-lab/busybox:latest';
const PREFIX = `hp-checks-cw-${process.pid}-`;
const created = new Set<string>();
let inspects = 0;
// dockerode itself satisfies the interface the owner will pass (checked by tsc)
const _dockerodeFits: DockerLike = docker;
void _dockerodeFits;

/** The engine, counting inspects: after the first one, changes must arrive by events alone. */
let lastStream: (NodeJS.ReadableStream & { destroy(): void }) | null = null;
const counting: DockerLike = {
  getEvents: async (opts) => {
    const s = await docker.getEvents(opts as Docker.GetEventsOptions);
    lastStream = s as NodeJS.ReadableStream & { destroy(): void };
    return s;
  },
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

let hub: ContainerEventHub;

beforeAll(async () => {
  await docker.getImage(IMAGE).inspect();
  hub = new ContainerEventHub(counting);
  await hub.start();
});

afterAll(async () => {
  hub?.close();
  const leftovers = await docker.listContainers({ all: true, filters: { name: [PREFIX] } });
  const ids = new Set([...created, ...leftovers.filter((c) => c.Names.some((n) => n.startsWith(`/${PREFIX}`))).map((c) => c.Id)]);
  await Promise.all([...ids].map((id) => docker.getContainer(id).remove({ force: true }).catch(() => {})));
});

describe('ContainerWatch against the real engine', () => {
  it('follows a container without a health check through stop, start, pause and unpause by events alone', async () => {
    const c = await create('plain', false);
    await c.start();
    const results: CheckResult[] = [];
    const w = await hub.watch(PREFIX + 'plain', (r) => results.push(r));
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
    hub.unwatch(w);
  });

  it('reports health: starting (up, noted), healthy (up), unhealthy (down, with the check output)', async () => {
    const c = await create('health', true);
    await c.start();
    const results: CheckResult[] = [];
    const w = await hub.watch(PREFIX + 'health', (r) => results.push(r));
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
    hub.unwatch(w);
  });

  it('follows a name across removal and re-creation (compose up), and a name that does not exist yet', async () => {
    const results: CheckResult[] = [];
    const w = await hub.watch(PREFIX + 'later', (r) => results.push(r));
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
    hub.unwatch(w);
  });

  it('re-inspects after the event stream drops, catching what happened meanwhile', async () => {
    const c = await create('drop', false);
    await c.start();
    const results: CheckResult[] = [];
    const w = await hub.watch(PREFIX + 'drop', (r) => results.push(r));
    expect(results[0]).toMatchObject({ status: 'up' });
    const before = lastStream;
    before!.destroy(); // as when the SSH connection under it drops
    await c.stop({ t: 0 }); // while nobody listens: the hub reopens after ~1 s and re-inspects
    const down = await waitFor(results, 1, (r) => r.status === 'down', 'down after the stream came back', 5000);
    expect(down.message).toBe(`Container ${PREFIX}drop is exited (exit code 137)`);
    expect(lastStream).not.toBe(before);
    // and events flow on the new stream
    await c.start();
    await waitFor(results, 2, (r) => r.status === 'up', 'up by an event on the new stream');
    hub.unwatch(w);
  });

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
