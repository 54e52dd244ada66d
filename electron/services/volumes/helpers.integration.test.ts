import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../app';
import { createTestPlatform } from '../test-support/temp-platform';
import { requireLab, type Lab } from '../test-support/lab';
import { addConnectedHost, labSsh } from '../test-support/lab-host';
import { contractCalls, until } from '../test-support/wait';
import { cleanupStaleHelpers, OWNER_LABEL, withHelper } from './helper-containers';
import { cleanupByLabel, LAB_IMAGE, TEST_LABEL } from '../test-support/docker-fixtures';

// Homeport's helper containers left behind on a host — by a Homeport that was killed, by a lost
// connection — and which of them go when a host connects. Against the lab's main engine, which
// other test runs use at the same time: everything here mounts or names our own volume
// (hp-helpers-<pid>) and is labelled homeport.test=<pid>; the sweep a real Homeport makes on
// connect only removes what is surely nobody's.

const pid = process.pid;
const VOL = `hp-helpers-${pid}`;
const LABEL = `${TEST_LABEL}=${pid}`;
const HOLDER = fileURLToPath(new URL('./test-support/helper-holder.ts', import.meta.url));
const children: ChildProcess[] = [];
let lab: Lab;
let local: Docker;

/** Helpers (any state) that mount our volume, by id. */
async function helperIds(): Promise<string[]> {
  return (await local.listContainers({ all: true, filters: { label: ['homeport.helper=1', `homeport.helper.volume=${VOL}`] } })).map((c) => c.Id);
}

/** Another Homeport process that makes a helper on our volume and holds it, as during a backup. */
async function holder(): Promise<{ child: ChildProcess; id: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', HOLDER, lab.engine1.socket, VOL, LAB_IMAGE], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const id = await until(`the holder's helper (${err})`, () => /^[0-9a-f]{64}$/m.exec(out)?.[0], 60_000);
  return { child, id };
}

/** A container carrying the helper labels, as some other Homeport made it. */
async function fakeHelper(o: { owner?: string; run?: 'start' | 'keep-running' }): Promise<string> {
  const c = await local.createContainer({
    Image: LAB_IMAGE,
    Cmd: o.run === 'keep-running' ? ['sleep', '300'] : ['true'],
    Labels: { 'homeport.helper': '1', 'homeport.helper.purpose': 'restore', 'homeport.helper.volume': VOL, [TEST_LABEL]: String(pid), ...(o.owner ? { [OWNER_LABEL]: o.owner } : {}) },
    HostConfig: { NetworkMode: 'none' },
  });
  if (o.run) await c.start();
  if (o.run === 'start') await c.wait();
  return c.id;
}

const elsewhere = JSON.stringify({ machine: 'another-computer', pid: 4242, start: '1', run: 'x' });

beforeAll(async () => {
  lab = await requireLab();
  local = new Docker({ socketPath: lab.engine1.socket });
  await local.createVolume({ Name: VOL, Labels: { [TEST_LABEL]: String(pid) } });
});

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  if (!local) return;
  for (const id of await helperIds()) await local.getContainer(id).remove({ force: true }).catch(() => {});
  await cleanupByLabel(local, LABEL);
  await local.getVolume(VOL).remove().catch(() => {});
});

describe('helper containers left behind', () => {
  it('a crashed Homeport\'s helper is removed when a Homeport connects to the host; a running Homeport\'s helper, and a running helper, stay', async () => {
    const crashed = await holder();
    crashed.child.kill('SIGKILL');
    await until('the crashed holder gone', () => crashed.child.exitCode !== null || crashed.child.signalCode !== null, 10_000);
    const alive = await holder();
    const running = await fakeHelper({ owner: elsewhere, run: 'keep-running' });
    expect(await helperIds()).toEqual(expect.arrayContaining([crashed.id, alive.id, running]));

    const tp = createTestPlatform({ agentSocket: lab.agentSock });
    const services: Services = await createServices(tp.platform);
    try {
      const { ok } = contractCalls(() => services);
      await addConnectedHost(ok, labSsh(lab));
      await until('the crashed Homeport\'s helper removed', async () => !(await helperIds()).includes(crashed.id), 30_000);
      const left = await helperIds();
      expect(left).toContain(alive.id);
      expect(left).toContain(running);
    } finally {
      await services.dispose();
      tp.cleanup();
    }
    alive.child.kill('SIGKILL');
    await local.getContainer(alive.id).remove({ force: true });
  }, 90_000);

  it('removes what is surely nobody\'s: its own unused helpers at once, another Homeport\'s only once old and not running', async () => {
    const oldExited = await fakeHelper({ owner: elsewhere, run: 'start' });
    const oldCreated = await fakeHelper({ owner: elsewhere });
    const oldRunning = await fakeHelper({ owner: elsewhere, run: 'keep-running' });
    const oldUnlabelled = await fakeHelper({ run: 'start' }); // a Homeport before helpers named their owner
    const t0 = (await local.getContainer(oldExited).inspect()).Created;
    // The engine keeps creation times in seconds: these are a few seconds old before the sweep.
    await until('the first helpers 4 s old', () => Date.now() - Date.parse(t0) > 4500, 10_000);
    const young = await fakeHelper({ owner: elsewhere, run: 'start' });

    let inUseId = '';
    await withHelper(local, { volume: VOL, readOnly: true, purpose: 'browse', image: LAB_IMAGE }, async (inUse) => {
      inUseId = inUse.id;
      // One of this process's own that nobody uses any more (as a lost connection leaves it).
      const own = (await inUse.inspect()).Config.Labels[OWNER_LABEL]!;
      const mineUnused = await fakeHelper({ owner: own, run: 'start' });
      const n = await cleanupStaleHelpers(local, { olderThanMs: 3000, only: (c) => c.Labels['homeport.helper.volume'] === VOL });
      const left = await helperIds();
      for (const gone of [oldExited, oldCreated, oldUnlabelled, mineUnused]) expect(left).not.toContain(gone);
      for (const kept of [oldRunning, young, inUse.id]) expect(left).toContain(kept);
      expect(n).toBe(4);
    });
    expect(await helperIds()).not.toContain(inUseId); // and withHelper removed its own when done
  });
});
