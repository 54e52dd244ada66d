import { randomBytes } from 'node:crypto';
import Docker from 'dockerode';
import tar from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostId, type PullProgressInfo } from '../../../shared/contract';
import { requireLab, type Lab } from '../test-support/lab';
import { listImages, pruneDanglingImages, pullImage, removeImage, tagImage } from './images';
import { cleanupByLabel, LAB_IMAGE, registryCopy, TEST_LABEL, failure } from '../test-support/docker-fixtures';

// Images against the lab's main engine and its registry (127.0.0.1:5555). The lab's own images
// and tags (homeport-lab/busybox:*, the registry's lab/busybox:*) are left as they were found;
// what is pulled is a copy in a registry repository of our own (hp-res-<pid>/…).

const pid = process.pid;
const LABEL = `${TEST_LABEL}=${pid}`;
const MY_REPO = `hp-res-${pid}/img`;
const hostId = HostId('lab');
let lab: Lab;
let docker: Docker;
let pullRef: string;
let pullCopy: Awaited<ReturnType<typeof registryCopy>> | null = null;

const tagsNow = async () => (await docker.listImages()).flatMap((i) => i.RepoTags ?? []);

beforeAll(async () => {
  lab = await requireLab();
  docker = new Docker({ socketPath: lab.engine1.socket });
  // The lab image under a registry repository of our own: runs at the same time do not pull or
  // remove each other's tag (nor the lab's lab/busybox:*).
  pullCopy = await registryCopy(docker, lab, `hp-res-${pid}/busybox`, '1.1');
  pullRef = pullCopy.ref;
});

afterAll(async () => {
  if (!docker) return;
  await cleanupByLabel(docker, LABEL);
  for (const i of await docker.listImages({ filters: { label: [LABEL] } })) await docker.getImage(i.Id).remove({ force: true }).catch(() => {});
  for (const t of (await tagsNow()).filter((x) => x.startsWith(`hp-res-${pid}/`))) await docker.getImage(t).remove().catch(() => {});
  await pullCopy?.drop();
});

describe('images', () => {
  it('lists images with tags, size, age and the containers using each', async () => {
    const list = await listImages(docker, hostId);
    const bb = list.find((i) => i.repoTags.includes(LAB_IMAGE));
    expect(bb).toBeDefined();
    expect(bb).toMatchObject({ hostId, dangling: false, id: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });
    expect(bb!.sizeBytes).toBeGreaterThan(100_000);
    expect(bb!.createdAt).toBeGreaterThan(Date.UTC(2000, 0, 1));
    expect(bb!.repoTags).toEqual(expect.arrayContaining(['homeport-lab/busybox:1.0', 'homeport-lab/busybox:1.1']));
    // lab-sleeper runs and lab-stopped exited: both count as users
    expect(bb!.containers).toEqual(expect.arrayContaining(['lab-sleeper', 'lab-stopped', 'labweb_web_1']));
    expect(bb!.containers.some((n) => n.startsWith('homeport-helper-'))).toBe(false);
  });

  it(`pulls from the lab registry with progress, then removes it`, async () => {
    expect(await tagsNow()).not.toContain(pullRef);

    const events: PullProgressInfo[] = [];
    const t0 = Date.now();
    const r = await pullImage(docker, pullRef, (p) => events.push(structuredClone(p)));
    const ms = Date.now() - t0;
    expect(r).toMatchObject({ ref: pullRef, downloaded: true, digest: expect.stringMatching(/^sha256:/) });
    expect(r.id).toBe((await docker.getImage(LAB_IMAGE).inspect()).Id);
    expect(await tagsNow()).toContain(pullRef);
    expect(events.length).toBeGreaterThan(0);
    expect(events.length).toBeLessThanOrEqual(2 + Math.ceil(ms / 100));
    const last = events.at(-1)!;
    expect(last.message).toMatch(/Downloaded newer image|up to date/);
    // Engine 20.10 already has this image's config (under other names), so it reports no layer
    // at all — just "Pulling from", "Digest" and "Status"; per-layer progress is the next test's.
    expect(last.layers).toEqual([]);
    expect(last.overall).toEqual({ current: 0, total: 0 });

    const again = await pullImage(docker, pullRef, () => {});
    expect(again.downloaded).toBe(false);

    // Only the tag (and the repository's digest reference, it being its only tag) goes: the lab's
    // other tags keep the image.
    const removed = await removeImage(docker, pullRef);
    expect(removed).toEqual({ untagged: [pullRef, `${pullRef.slice(0, pullRef.lastIndexOf(':'))}@${r.digest}`], deleted: [] });
    expect(await tagsNow()).not.toContain(pullRef);
    expect(await tagsNow()).toContain(LAB_IMAGE);
  });

  it('pulls an image whose layers the host lacks with per-layer download progress, and removes it whole', async () => {
    // A small image of our own, pushed to the lab registry and dropped locally, so that its top
    // layer really travels (the lab image's only layer is on the engine already).
    const repo = `${lab.registry}/hp-res-test/pull`;
    const ref = `${repo}:${pid}`;
    const c = await docker.createContainer({ Image: LAB_IMAGE, Cmd: ['true'], Labels: { [TEST_LABEL]: String(pid) } });
    const pack = tar.pack();
    pack.entry({ name: 'blob' }, randomBytes(600_000));
    pack.finalize();
    await c.putArchive(pack as unknown as NodeJS.ReadableStream, { path: '/' });
    await c.commit({ repo, tag: String(pid) });
    await c.remove();
    // Engine 20.10 refuses a push without an X-Registry-Auth header, even for an open registry.
    const push = await docker.getImage(ref).push({ authconfig: { serveraddress: lab.registry } });
    await new Promise((res) => docker.modem.followProgress(push, res));
    const pushedDigest = ((await docker.getImage(ref).inspect()).RepoDigests ?? [])[0]!.split('@')[1]!;
    try {
      await removeImage(docker, ref);
      expect(await tagsNow()).not.toContain(ref);

      const events: PullProgressInfo[] = [];
      const r = await pullImage(docker, ref, (p) => events.push(structuredClone(p)));
      expect(r).toMatchObject({ ref, downloaded: true, digest: pushedDigest });
      const layerIds = new Set(events.flatMap((e) => e.layers.map((l) => l.id)));
      expect(layerIds.size).toBe(2); // the base layer ("Already exists") and ours
      const statuses = new Set(events.flatMap((e) => e.layers.map((l) => l.status)));
      expect(statuses).toContain('Already exists');
      const last = events.at(-1)!;
      expect(last.overall.total).toBeGreaterThan(500_000);
      expect(last.overall.current).toBe(last.overall.total);
      expect(last.layers.every((l) => /Already exists|Pull complete/.test(l.status))).toBe(true);
      expect(last.message).toContain('Downloaded newer image');

      // Removing its only tag removes the image, not just the name (its digest reference too).
      const removed = await removeImage(docker, ref);
      expect(removed.untagged).toContain(ref);
      expect(removed.deleted).toContain(r.id);
      expect((await docker.listImages()).some((i) => i.Id === r.id)).toBe(false);
    } finally {
      await fetch(`http://${lab.registry}/v2/hp-res-test/pull/manifests/${pushedDigest}`, { method: 'DELETE' }).catch(() => {});
    }
  });

  it("reports a tag the registry does not have with the registry's own message", async () => {
    const e = await failure(pullImage(docker, `${lab.registry}/lab/busybox:no-such-tag-${pid}`, () => {}));
    expect(e.code).toBe('ENGINE');
    expect(e.message).toContain(`no-such-tag-${pid}`);
    expect(e.message).toMatch(/manifest unknown|not found/);
    expect(e.fix).toMatch(/tag/);
    expect(e.details).toMatchObject({ ref: `${lab.registry}/lab/busybox:no-such-tag-${pid}` });
  });

  it('reports an unreachable registry and says where the pull runs', async () => {
    const e = await failure(pullImage(docker, '127.0.0.1:1/lab/busybox:1.0', () => {}));
    expect(e.code).toBe('ENGINE');
    expect(e.message).toContain('connection refused');
    expect(e.fix).toMatch(/host/);
  });

  it('refuses hostile names before the engine sees them', async () => {
    for (const ref of ['busybox; rm -rf /', 'busybox$(id)', 'busy\nbox', 'busybox:latest\u0000', '../busybox']) {
      expect((await failure(pullImage(docker, ref, () => {}))).code).toBe('VALIDATION');
      expect((await failure(removeImage(docker, ref))).code).toBe('VALIDATION');
    }
    expect((await failure(tagImage(docker, LAB_IMAGE, 'x y'))).code).toBe('VALIDATION');
    expect((await failure(removeImage(docker, `${MY_REPO}:absent`))).code).toBe('NOT_FOUND');
  });

  it('refuses to remove an image or tag in use unless forced, naming the containers', async () => {
    const tag = `${MY_REPO}:inuse`;
    await tagImage(docker, LAB_IMAGE, tag);
    const name = `hp-res-img-user-${pid}`;
    const c = await docker.createContainer({ Image: tag, name, Cmd: ['true'], Labels: { [TEST_LABEL]: String(pid) } });

    let e = await failure(removeImage(docker, tag));
    expect(e.code).toBe('CONFLICT');
    expect(e.message).toContain(name);
    // by id: used by the lab's running containers too — refused, and it never reaches the engine
    const id = (await docker.getImage(LAB_IMAGE).inspect()).Id;
    e = await failure(removeImage(docker, id));
    expect(e.code).toBe('CONFLICT');
    expect(e.message).toMatch(/lab-sleeper|running/);
    e = await failure(removeImage(docker, id, { force: true }));
    expect(e.message).toContain('running');
    expect(await tagsNow()).toEqual(expect.arrayContaining([tag, LAB_IMAGE, 'homeport-lab/busybox:1.0']));

    // forced, the tag goes and the image (and the container) stay
    const r = await removeImage(docker, tag, { force: true });
    expect(r.untagged).toEqual([tag]);
    expect(r.deleted).toEqual([]);
    expect(await tagsNow()).not.toContain(tag);
    await c.remove({ force: true });
  });

  it('prunes dangling images', async () => {
    const c = await docker.createContainer({ Image: LAB_IMAGE, Cmd: ['true'], Labels: { [TEST_LABEL]: String(pid) } });
    // Two commits to the same tag: the first image loses its tag and dangles.
    const first = (await c.commit({ repo: MY_REPO, tag: 'dangle', changes: [`LABEL ${TEST_LABEL}=${pid}`] })) as { Id: string };
    await new Promise((r) => setTimeout(r, 1100)); // a different Created time → a different image id
    const second = (await c.commit({ repo: MY_REPO, tag: 'dangle', changes: [`LABEL ${TEST_LABEL}=${pid}`] })) as { Id: string };
    expect(second.Id).not.toBe(first.Id);
    await c.remove({ force: true });
    const listed = (await listImages(docker, hostId)).find((i) => i.id === first.Id);
    expect(listed).toMatchObject({ dangling: true, repoTags: [], containers: [] });

    const r = await pruneDanglingImages(docker, { label: LABEL });
    expect(r.deleted).toContain(first.Id);
    expect((await docker.listImages()).some((i) => i.Id === first.Id)).toBe(false);
    expect((await docker.listImages()).some((i) => i.Id === second.Id)).toBe(true);
    await removeImage(docker, `${MY_REPO}:dangle`);
  });
});
