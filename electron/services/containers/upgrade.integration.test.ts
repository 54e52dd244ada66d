import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import type { Client } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HomeportError, HostId, inputSchemas, type UpgradeProgressInfo } from '../../../shared/contract';
import { cleanupByLabel, dockerOverSsh, failure, LAB_IMAGE, TEST_LABEL } from '../test-support/docker-fixtures';
import type { DockerTransport } from '../ssh/docker-transport';
import { requireLab, type Lab } from '../test-support/lab';
import { ContainerUpgrader } from './upgrade';

// Upgrade / rollback against the lab engine over the lab's real sshd. Everything here is this
// file's own: hp-upgrade-<pid>-* containers, network, volume and images, removed in afterAll.
// The oracle is the engine itself, read through its local socket (not through the code under test).

const pid = process.pid;
const LABEL = `${TEST_LABEL}=hp-upgrade-${pid}`;
const P = `hp-upgrade-${pid}`;
const NET = `hp-upgrade-net-${pid}`;
const VOL = `hp-upgrade-vol-${pid}`;
const APP = `${P}/app`;
const hostId = HostId('lab');

let lab: Lab;
let local: Docker;
let client: Client;
let transport: DockerTransport;
let upgrader: ContainerUpgrader;
let bindDir: string;
let reg10: string;
let reg11: string;
const hadTag = new Map<string, boolean>();

const tagsNow = async () => (await local.listImages()).flatMap((i) => i.RepoTags ?? []);
const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });

async function pullLocal(ref: string) {
  const s = await local.pull(ref);
  await new Promise((res, rej) => local.modem.followProgress(s, (e: unknown) => (e ? rej(e) : res(null))));
}

/** An image of our own, committed from the lab's busybox with the given Dockerfile-style changes. */
async function commitImage(tag: string, changes: string[]): Promise<string> {
  const c = await local.createContainer({ Image: LAB_IMAGE, Cmd: ['true'], Labels: { [TEST_LABEL]: `hp-upgrade-${pid}` } });
  try {
    const r = (await c.commit({ repo: APP, tag, changes: [...changes, `LABEL ${TEST_LABEL}=hp-upgrade-${pid}`] })) as { Id: string };
    return r.Id;
  } finally {
    await c.remove({ force: true });
  }
}

async function run(name: string, body: Docker.ContainerCreateOptions): Promise<Docker.Container> {
  const c = await local.createContainer({ name: `${P}-${name}`, StopTimeout: 1, ...body, Labels: { [TEST_LABEL]: `hp-upgrade-${pid}`, ...(body.Labels ?? {}) } });
  await c.start();
  return c;
}

async function upgrade(containerId: string, image: string, pull = false) {
  const events: UpgradeProgressInfo[] = [];
  try {
    const done = await upgrader.upgrade({ hostId, containerId, image, pull }, (e) => events.push(structuredClone(e)));
    return { events, done, error: null as HomeportError | null };
  } catch (e) {
    return { events, done: null, error: e as HomeportError };
  }
}

const stepsOf = (events: UpgradeProgressInfo[]) => events.flatMap((e) => (e.type === 'step' ? [`${e.step}:${e.state}`] : []));
const namesOnEngine = async () => (await local.listContainers({ all: true })).map((c) => c.Names[0]!.replace(/^\//, '')).filter((n) => n.startsWith(P));

beforeAll(async () => {
  lab = await requireLab();
  local = new Docker({ socketPath: lab.engine1.socket });
  ({ client, transport } = await dockerOverSsh(lab));
  upgrader = new ContainerUpgrader({ dockerOf: () => transport.docker, settleMs: 1500 });
  reg10 = `${lab.registry}/lab/busybox:1.0`;
  reg11 = `${lab.registry}/lab/busybox:1.1`;
  const tags = await tagsNow();
  for (const t of [reg10, reg11]) hadTag.set(t, tags.includes(t));
  if (!hadTag.get(reg10)) await pullLocal(reg10);
  await local.createNetwork({ Name: NET, Labels: { [TEST_LABEL]: `hp-upgrade-${pid}` } });
  await local.createVolume({ Name: VOL, Labels: { [TEST_LABEL]: `hp-upgrade-${pid}` } });
  bindDir = mkdtempSync(path.join(os.tmpdir(), 'hp-upgrade-'));
  writeFileSync(path.join(bindDir, 'config.txt'), 'from the host\n');
  await commitImage('1', ['CMD ["sleep","3600"]', 'ENV IMG=1', 'LABEL ver=1']);
  await commitImage('2', ['CMD ["sleep","7200"]', 'ENV IMG=2', 'LABEL ver=2']);
  await commitImage('bad', ['CMD ["sh","-c","echo boom-$IMG >&2; exit 3"]', 'ENV IMG=bad']);
});

afterAll(async () => {
  if (!local) return;
  // `v`: the anonymous volumes of our containers go with them.
  for (const c of await local.listContainers({ all: true, filters: { label: [LABEL] } })) await local.getContainer(c.Id).remove({ force: true, v: true }).catch(() => {});
  await cleanupByLabel(local, LABEL);
  for (const t of (await tagsNow()).filter((x) => x.startsWith(`${APP}:`))) await local.getImage(t).remove({ force: true }).catch(() => {});
  // Leave the registry tags as the lab had them.
  const tags = await tagsNow();
  for (const [t, had] of hadTag) if (!had && tags.includes(t)) await local.getImage(t).remove().catch(() => {});
  if (bindDir) rmSync(bindDir, { recursive: true, force: true });
  transport?.close();
  client?.end();
});

describe('container upgrade and rollback', { timeout: 120_000 }, () => {
  it('upgrades 1.0 → 1.1 (pulled from the registry) keeping env, mounts, ports, networks, labels and restart policy; rollback gives back the same container', async () => {
    const port = await freePort();
    const c = await run('main', {
      Image: reg10,
      Cmd: ['sleep', '3600'],
      Env: ['APP_MODE=prod', `QUOTED=it's "a" b; $(rm -rf /)`],
      Labels: { 'app.role': 'web' },
      ExposedPorts: { '8080/tcp': {} },
      Volumes: { '/cache': {} },
      HostConfig: {
        Binds: [`${VOL}:/data`, `${bindDir}:/host:ro`],
        PortBindings: { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }] },
        RestartPolicy: { Name: 'unless-stopped', MaximumRetryCount: 0 },
        NetworkMode: NET,
      },
      NetworkingConfig: { EndpointsConfig: { [NET]: { Aliases: ['svc-alias'] } } },
    });
    const before = await c.inspect();
    const anon = before.Mounts.find((m) => m.Destination === '/cache')!;
    expect(anon.Name).toBeTruthy();

    const opts = await upgrader.options({ hostId, containerId: before.Id });
    expect(opts).toMatchObject({ name: `${P}-main`, image: reg10, imageId: before.Image, repository: `${lab.registry}/lab/busybox`, compose: null, blocked: null, previous: null, running: true });
    expect(opts.tags.map((t) => t.ref)).toContain(reg10);

    const { events, done, error } = await upgrade(before.Id, reg11, true);
    expect(error).toBeNull();
    expect(events.some((e) => e.type === 'pull')).toBe(true);
    expect(stepsOf(events)).toEqual(expect.arrayContaining(['pull:done', 'create:done', 'stop:done', 'swap:done', 'start:done', 'verify:done']));
    expect(events.at(-1)).toEqual(done);
    const newId = done!.result.containerId;
    expect(newId).not.toBe(before.Id);

    const after = await local.getContainer(newId).inspect();
    expect(after.Name).toBe(`/${P}-main`);
    expect(after.State.Running).toBe(true);
    expect(after.Config.Image).toBe(reg11);
    expect(after.Config.Env).toEqual(expect.arrayContaining(['APP_MODE=prod', `QUOTED=it's "a" b; $(rm -rf /)`]));
    expect(after.Config.Cmd).toEqual(['sleep', '3600']);
    expect(after.Config.Labels).toMatchObject({ 'app.role': 'web', 'homeport.upgrade.previous-id': before.Id, 'homeport.upgrade.previous-image': reg10 });
    expect(after.HostConfig.Binds).toEqual([`${VOL}:/data`, `${bindDir}:/host:ro`, `${anon.Name}:/cache`]);
    expect(after.HostConfig.PortBindings).toEqual(before.HostConfig.PortBindings);
    expect(after.NetworkSettings.Ports['8080/tcp']).toEqual([{ HostIp: '127.0.0.1', HostPort: String(port) }]);
    expect(after.HostConfig.RestartPolicy).toEqual(before.HostConfig.RestartPolicy);
    expect(after.HostConfig.NetworkMode).toBe(NET);
    expect(after.NetworkSettings.Networks[NET]!.Aliases).toContain('svc-alias');
    expect(after.Mounts.find((m) => m.Destination === '/cache')!.Name).toBe(anon.Name);

    const kept = await local.getContainer(before.Id).inspect();
    expect(kept.Name).toBe(`/${P}-main-homeport-previous`);
    expect(kept.State.Running).toBe(false);
    const opts2 = await upgrader.options({ hostId, containerId: newId });
    expect(opts2.previous).toMatchObject({ containerId: before.Id, name: `${P}-main-homeport-previous`, image: reg10, imageId: before.Image });

    const back = await upgrader.rollback({ hostId, containerId: newId });
    expect(back).toEqual({ containerId: before.Id, name: `${P}-main`, image: reg10, imageId: before.Image });
    const restored = await local.getContainer(before.Id).inspect();
    expect(restored.Name).toBe(`/${P}-main`);
    expect(restored.State.Running).toBe(true);
    expect(restored.Image).toBe(before.Image);
    expect(restored.Config).toEqual(before.Config);
    expect(restored.HostConfig).toEqual(before.HostConfig);
    expect(restored.NetworkSettings.Networks[NET]!.Aliases).toEqual(before.NetworkSettings.Networks[NET]!.Aliases);
    expect(restored.NetworkSettings.Ports).toEqual(before.NetworkSettings.Ports);
    await expect(local.getContainer(newId).inspect()).rejects.toMatchObject({ statusCode: 404 });
    expect((await upgrader.options({ hostId, containerId: before.Id })).previous).toBeNull();
    expect(await namesOnEngine()).toEqual([`${P}-main`]);
    await c.remove({ force: true, v: true }); // with its anonymous volume (the upgraded one shared it)
  });

  it('follows the new image\'s defaults where the container inherited them, keeps what the user set, and keeps one way back', async () => {
    const id1 = (await local.getImage(`${APP}:1`).inspect()).Id;
    const id2 = (await local.getImage(`${APP}:2`).inspect()).Id;
    expect(id1).not.toBe(id2);
    const inherit = await run('inherit', { Image: `${APP}:1`, Env: ['USER_VAR=1'] });
    const override = await run('override', { Image: `${APP}:1`, Cmd: ['sleep', '999'], Env: ['IMG=mine'] });

    const a = await upgrade(inherit.id, `${APP}:2`);
    expect(a.error).toBeNull();
    expect(stepsOf(a.events)).toContain('pull:skipped'); // on the host already: no pull
    const ai = await local.getContainer(a.done!.result.containerId).inspect();
    expect(ai.Image).toBe(id2);
    expect(ai.Config.Cmd).toEqual(['sleep', '7200']); // the new image's command
    expect(ai.Config.Env).toEqual(expect.arrayContaining(['USER_VAR=1', 'IMG=2']));
    expect(ai.Config.Env).not.toContain('IMG=1');
    expect(ai.Config.Labels).toMatchObject({ ver: '2' });

    const b = await upgrade(override.id, `${APP}:2`);
    expect(b.error).toBeNull();
    const bi = await local.getContainer(b.done!.result.containerId).inspect();
    expect(bi.Config.Cmd).toEqual(['sleep', '999']); // the user's command
    expect(bi.Config.Env).toContain('IMG=mine');

    // Upgrading again keeps only the latest way back: the first kept container goes.
    const again = await upgrade(ai.Id, `${APP}:1`);
    expect(again.error).toBeNull();
    expect(stepsOf(again.events)).toContain('cleanup:done');
    await expect(local.getContainer(inherit.id).inspect()).rejects.toMatchObject({ statusCode: 404 });
    const third = again.done!.result.containerId;
    expect((await local.getContainer(third).inspect()).Image).toBe(id1);
    const back = await upgrader.rollback({ hostId, containerId: third });
    expect(back.containerId).toBe(ai.Id);
    expect((await local.getContainer(ai.Id).inspect()).Image).toBe(id2);
  });

  it('a container that exits at once after the upgrade: a clear error with its output, and the old one running again as it was', async () => {
    const c = await run('exits', { Image: `${APP}:1` });
    const before = await c.inspect();
    const { events, error } = await upgrade(before.Id, `${APP}:bad`);
    expect(error).toBeInstanceOf(HomeportError);
    expect(error!.message).toMatch(/exited at once \(exit code 3\)/);
    expect(error!.message).toContain('boom-bad');
    expect(error!.message).toMatch(/put the old container back/);
    expect(error!.fix).toBeTruthy();
    expect(error!.details).toMatchObject({ restored: true, exitCode: 3 });
    expect(stepsOf(events)).toEqual(expect.arrayContaining(['verify:failed', 'restore:done']));
    const now = await local.getContainer(before.Id).inspect();
    expect(now.Name).toBe(before.Name);
    expect(now.State.Running).toBe(true);
    expect(now.Config).toEqual(before.Config);
    expect((await namesOnEngine()).filter((n) => n.startsWith(`${P}-exits`))).toEqual([`${P}-exits`]);
  });

  it('an unhealthy upgrade is undone; a healthy one waits for the health check', async () => {
    // Generous timeout and retries: a loaded machine must not turn the good case unhealthy.
    const hc = { Interval: 300e6, Timeout: 10e9, Retries: 3 };
    const ok = await run('healthy', { Image: `${APP}:1`, Cmd: ['sh', '-c', 'touch /tmp/ok; exec sleep 3600'], Healthcheck: { Test: ['CMD-SHELL', 'test -e /tmp/ok'], ...hc } });
    const good = await upgrade(ok.id, `${APP}:2`);
    expect(good.error).toBeNull();
    expect(good.events.some((e) => e.type === 'step' && e.step === 'verify' && /healthy/.test(e.text) && e.state === 'done')).toBe(true);
    const gi = await local.getContainer(good.done!.result.containerId).inspect();
    expect(gi.State.Health?.Status).toBe('healthy');
    expect((gi.Config as { Healthcheck?: unknown }).Healthcheck).toEqual({ Test: ['CMD-SHELL', 'test -e /tmp/ok'], ...hc });

    // Healthy on the old image only: the check looks for a file the new image's variable names.
    const sick = await run('sick', { Image: `${APP}:1`, Healthcheck: { Test: ['CMD-SHELL', 'test "$IMG" = 1 || { echo "IMG is $IMG"; exit 1; }'], ...hc } });
    const bad = await upgrade(sick.id, `${APP}:2`);
    expect(bad.error?.message).toMatch(/unhealthy: its health check said "IMG is 2"/);
    expect(bad.error?.message).toMatch(/put the old container back/);
    const si = await local.getContainer(sick.id).inspect();
    expect(si.Name).toBe(`/${P}-sick`);
    expect(si.State.Running).toBe(true);
  });

  it('a tag that does not exist: the pull error, and nothing changed', async () => {
    const c = await run('nopull', { Image: reg10, Cmd: ['sleep', '3600'] });
    const { events, error } = await upgrade(c.id, `${lab.registry}/lab/busybox:9.9-nope`);
    expect(error?.code).toBe('ENGINE');
    expect(error?.message).toMatch(/Pulling .*9\.9-nope failed: .*(manifest unknown|not found)/i);
    expect(error?.message).toContain(`Nothing was changed: ${P}-nopull still runs ${reg10}.`);
    expect(error?.fix).toMatch(/Check the name and the tag/);
    expect(stepsOf(events)).toContain('pull:failed');
    expect(stepsOf(events)).not.toContain('stop:running');
    const now = await c.inspect();
    expect(now.State.Running).toBe(true);
    expect(now.Name).toBe(`/${P}-nopull`);
    expect((await namesOnEngine()).filter((n) => n.startsWith(`${P}-nopull`))).toEqual([`${P}-nopull`]);
  });

  it('refuses hostile input, compose containers, --rm containers and unknown ones with clear errors', async () => {
    const c = await run('hostile', { Image: reg10, Cmd: ['sleep', '3600'] });
    for (const image of ['busybox; rm -rf /', 'busybox:$(id)', 'busybox\nx', "busybox:1.0' || true"]) {
      const e = await failure(upgrader.upgrade({ hostId, containerId: c.id, image, pull: false }, () => {}));
      expect(e.code).toBe('VALIDATION');
    }
    const schema = inputSchemas['streams.open'];
    expect(schema.safeParse({ kind: 'container.upgrade', hostId: 'h_lab0000', containerId: 'x; rm -rf /', image: 'busybox:1', pull: false }).success).toBe(false);
    expect(schema.safeParse({ kind: 'container.upgrade', hostId: 'h_lab0000', containerId: c.id, image: 'busybox:$(id)', pull: false }).success).toBe(false);
    expect(schema.safeParse({ kind: 'container.upgrade', hostId: 'h_lab0000', containerId: c.id, image: `${lab.registry}/lab/busybox:1.1`, pull: false }).success).toBe(true);
    expect((await c.inspect()).State.Running).toBe(true);

    const missing = await failure(upgrader.options({ hostId, containerId: `${P}-nope` }));
    expect(missing.code).toBe('NOT_FOUND');
    await failure(upgrader.rollback({ hostId, containerId: c.id })).then((e) => expect(e.message).toMatch(/no container kept from an upgrade/));

    const web = `${lab.compose.project}_web_1`;
    const webBefore = await local.getContainer(web).inspect();
    const o = await upgrader.options({ hostId, containerId: web });
    expect(o.compose).toEqual({ project: lab.compose.project, service: 'web' });
    expect(o.blocked?.message).toMatch(/compose project .*detach it from its compose file/);
    const refused = await failure(upgrader.upgrade({ hostId, containerId: web, image: reg11, pull: false }, () => {}));
    expect(refused.code).toBe('CONFLICT');
    expect(refused.fix).toMatch(/Stacks view/);
    const webAfter = await local.getContainer(web).inspect();
    expect([webAfter.Id, webAfter.Name, webAfter.State.Running]).toEqual([webBefore.Id, webBefore.Name, webBefore.State.Running]);

    const rm = await run('autorm', { Image: reg10, Cmd: ['sleep', '3600'], HostConfig: { AutoRemove: true } });
    expect((await upgrader.options({ hostId, containerId: rm.id })).blocked?.message).toMatch(/--rm/);
  });
});
