import type Dockerode from 'dockerode';
import { HomeportError, type HostId, type ImageInfo, type PruneImagesResultInfo, type PullProgressInfo, type RemoveImageResultInfo } from '../../../shared/contract';
import { abortedError, containerName, engineError, invalid, linkGone, listUserContainers, nameList, notFound, quote, statusOf, throttle } from '../docker/engine-common';
import { engineMessage } from '../docker/engine-message';
import { familiarRef, isImageId, parseImageRef, validateImageRefOrId } from './image-ref';
import { ndjson, PullProgressTracker, type PullEvent } from './pull-progress';

/** Progress reaches the caller at most this often (≤ 10 updates/s); the last state always arrives. */
export const PULL_PROGRESS_INTERVAL_MS = 100;

const realTags = (tags: string[] | null | undefined) => (tags ?? []).filter((t) => t !== '<none>:<none>');
const realDigests = (ds: string[] | null | undefined) => (ds ?? []).filter((d) => d !== '<none>@<none>');

/** Every image on the host (not intermediate layers), with the containers created from each. */
export async function listImages(docker: Dockerode, hostId: HostId): Promise<ImageInfo[]> {
  let images: Dockerode.ImageInfo[];
  let containers: Dockerode.ContainerInfo[];
  try {
    [images, containers] = await Promise.all([docker.listImages({ all: false }), listUserContainers(docker)]);
  } catch (e) {
    throw engineError(e);
  }
  const users = new Map<string, string[]>();
  for (const c of containers) {
    const list = users.get(c.ImageID) ?? [];
    list.push(containerName(c));
    users.set(c.ImageID, list);
  }
  return images
    .map((i): ImageInfo => {
      const repoTags = realTags(i.RepoTags);
      return {
        id: i.Id,
        hostId,
        repoTags,
        repoDigests: realDigests(i.RepoDigests),
        sizeBytes: i.Size,
        createdAt: i.Created * 1000,
        dangling: repoTags.length === 0,
        containers: (users.get(i.Id) ?? []).sort(),
      };
    })
    .sort((a, b) => (a.repoTags[0] ?? '\uffff').localeCompare(b.repoTags[0] ?? '\uffff') || b.createdAt - a.createdAt);
}

function pullFix(msg: string): string {
  if (/manifest unknown|not found|no such image|does not exist/i.test(msg)) {
    return 'Check the name and the tag: the registry has no image by that name (tags are case-sensitive; the registry\'s web page lists the ones that exist).';
  }
  if (/unauthorized|denied|authentication required|requested access to the resource/i.test(msg)) {
    return 'The registry refused access: the repository may be private or misspelled. Log in to the registry on the host (docker login <registry>) or check the name.';
  }
  if (/toomanyrequests|rate limit/i.test(msg)) return 'The registry is rate-limiting this host: wait a while, or log in to raise the limit.';
  if (/no space left on device/i.test(msg)) return 'The host\'s disk is full: prune unused images and volumes, then pull again.';
  if (/server gave HTTP response to HTTPS client/i.test(msg)) {
    return 'The registry speaks plain HTTP: add it to "insecure-registries" in /etc/docker/daemon.json on the host and restart Docker, or serve it over HTTPS.';
  }
  if (/dial tcp|connection refused|no such host|i\/o timeout|TLS handshake|timeout|network is unreachable|x509|certificate/i.test(msg)) {
    return 'The host could not reach the registry: the pull runs on the host, not on this computer — check the registry address and the host\'s DNS, network and proxy settings.';
  }
  return 'The engine refused the pull; its message above says why.';
}

function pullError(ref: string, e: unknown): HomeportError {
  if (e instanceof HomeportError) return e;
  const msg = typeof e === 'string' ? e : engineMessage(e);
  const status = typeof e === 'string' ? undefined : statusOf(e);
  if (typeof e !== 'string' && linkGone(e) !== null) return engineError(e);
  return new HomeportError(
    { code: 'ENGINE', message: `Pulling ${ref} failed: ${msg}`, fix: pullFix(msg), details: { ref, ...(status !== undefined ? { status } : {}) } },
    typeof e === 'string' ? undefined : { cause: e },
  );
}

/** What a finished pull left on the host. */
export interface PullResult {
  ref: string;
  /** Image id the reference points at after the pull. */
  id: string;
  /** False when the engine already had it ("Image is up to date"). */
  downloaded: boolean;
  digest: string | null;
}

/**
 * Pull an image on the host, streaming the engine's progress: per layer and overall, throttled to
 * ≤ 10 updates/s. `auth` is an engine AuthConfig (for private registries), sent as the
 * X-Registry-Auth header, never in a URL or a message.
 */
export async function pullImage(
  docker: Dockerode,
  ref: string,
  onProgress: (p: PullProgressInfo) => void,
  signal?: AbortSignal,
  opts: { auth?: { username?: string; password?: string; serveraddress?: string; identitytoken?: string } } = {},
): Promise<PullResult> {
  const p = parseImageRef(ref);
  if (signal?.aborted) throw abortedError(`Pulling ${ref}`);
  // Without a tag the API pulls EVERY tag of the repository; `docker pull` means :latest.
  const tag = p.digest ?? p.tag ?? 'latest';
  const canonical = p.digest ? `${p.repository}@${p.digest}` : `${p.repository}:${tag}`;
  const tracker = new PullProgressTracker();
  const out = throttle(onProgress, PULL_PROGRESS_INTERVAL_MS);
  let streamError: string | null = null;

  let stream: NodeJS.ReadableStream & { destroy?: (e?: Error) => void };
  try {
    const createOpts: Record<string, unknown> = { fromImage: p.repository, tag };
    if (signal) createOpts.abortSignal = signal;
    if (opts.auth) createOpts.authconfig = opts.auth;
    stream = (await docker.createImage(createOpts)) as typeof stream;
  } catch (e) {
    if (signal?.aborted) throw abortedError(`Pulling ${ref}`);
    throw pullError(canonical, e);
  }

  try {
    await new Promise<void>((resolve, reject) => {
      const parser = ndjson((ev: PullEvent) => {
        if (ev.error || ev.errorDetail) {
          streamError = ev.errorDetail?.message ?? ev.error ?? 'unknown error';
          return;
        }
        if (tracker.apply(ev)) out.push(tracker.snapshot());
      });
      const onAbort = () => {
        stream.destroy?.();
        reject(abortedError(`Pulling ${ref}`));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = (err?: Error) => {
        signal?.removeEventListener('abort', onAbort);
        if (err) reject(signal?.aborted ? abortedError(`Pulling ${ref}`) : err);
        else resolve();
      };
      stream.on('data', (c: Buffer) => parser.push(c));
      stream.on('end', () => {
        parser.end();
        done();
      });
      stream.on('error', (e: Error) => done(e));
      // A connection that drops mid-pull ends without 'end'.
      stream.on('close', () => done(new Error('socket hang up')));
    });
  } catch (e) {
    out.cancel();
    throw e instanceof HomeportError ? e : pullError(canonical, e);
  }
  out.flush();
  if (streamError) throw pullError(canonical, streamError);

  let id: string;
  try {
    id = (await docker.getImage(canonical).inspect()).Id;
  } catch (e) {
    throw engineError(e, 'The pull reported success but the image is not there; pull again.');
  }
  return { ref: canonical, id, downloaded: !tracker.upToDate, digest: tracker.digest };
}

interface RemovePlan {
  image: Dockerode.ImageInspectInfo;
  /** Removing this ref only drops a tag; the image stays (other tags point at it). */
  untagOnly: boolean;
  tag: string | null;
}

async function inspectImage(docker: Dockerode, idOrRef: string): Promise<Dockerode.ImageInspectInfo> {
  try {
    return await docker.getImage(idOrRef).inspect();
  } catch (e) {
    if (statusOf(e) === 404) throw notFound(`There is no image ${quote(idOrRef)} on this host.`, 'Reload the image list.');
    throw engineError(e);
  }
}

/**
 * Remove an image, or one of its tags. Refused (CONFLICT, naming the containers) while containers
 * use what would go: the image itself when this removes it, or the tag when a container was
 * created from that name (the engine itself happily untags it, and the container's compose
 * service then shows an image that no longer exists). `force` removes anyway — except an image
 * under a running container, which no engine removes.
 */
export async function removeImage(docker: Dockerode, idOrRef: string, opts: { force?: boolean } = {}): Promise<RemoveImageResultInfo> {
  validateImageRefOrId(idOrRef, 'image');
  const force = opts.force === true;
  const image = await inspectImage(docker, idOrRef);
  const tags = realTags(image.RepoTags);
  const byId = isImageId(idOrRef) || idOrRef === image.Id;
  const tag = byId ? null : (tags.find((t) => t === familiarRef(idOrRef)) ?? null);
  const plan: RemovePlan = { image, tag, untagOnly: !byId && tag !== null && tags.length > 1 };

  const containers = await listUserContainers(docker);
  const onImage = containers.filter((c) => c.ImageID === image.Id);
  const fromTag = plan.tag ? containers.filter((c) => c.ImageID === image.Id && safeFamiliar(c.Image) === plan.tag) : [];
  const users = plan.untagOnly ? fromTag : onImage;
  const label = plan.tag ?? image.Id.replace(/^sha256:/, '').slice(0, 12);

  if (users.length && !force) {
    const running = users.filter((c) => c.State === 'running').map(containerName);
    throw new HomeportError({
      code: 'CONFLICT',
      message:
        `${plan.untagOnly ? `The tag ${label}` : `The image ${label}`} is in use by ${users.length === 1 ? 'the container' : `${users.length} containers:`} ` +
        `${nameList(users.map(containerName))}${running.length ? ` (running: ${nameList(running)})` : ''}.`,
      fix: 'Remove those containers first, or remove with force (a running container keeps its image until it is removed).',
      details: { image: label, containers: users.map(containerName).join(', ') },
    });
  }
  if (!plan.untagOnly && force) {
    const running = onImage.filter((c) => c.State === 'running');
    if (running.length) {
      throw new HomeportError({
        code: 'CONFLICT',
        message: `The image ${label} is used by the running container${running.length > 1 ? 's' : ''} ${nameList(running.map(containerName))}; even a forced removal cannot remove it.`,
        fix: 'Stop and remove those containers first (or remove only a tag).',
        details: { image: label, containers: running.map(containerName).join(', ') },
      });
    }
  }
  if (byId && tags.length > 1 && !force) {
    throw new HomeportError({
      code: 'CONFLICT',
      message: `The image ${label} has ${tags.length} tags (${nameList(tags)}); removing it by id removes them all.`,
      fix: 'Remove one tag at a time, or remove with force to drop every tag and the image.',
      details: { image: label },
    });
  }

  try {
    const res = (await docker.getImage(byId ? image.Id : idOrRef).remove({ force })) as Array<{ Untagged?: string; Deleted?: string }>;
    const out: RemoveImageResultInfo = {
      untagged: res.flatMap((r) => (r.Untagged ? [r.Untagged] : [])),
      deleted: res.flatMap((r) => (r.Deleted ? [r.Deleted] : [])),
    };
    // Engine 20.10 drops only the tag when the image also has a digest reference (every pulled
    // image has one), leaving a nameless image behind. The user removed the image's last name:
    // finish the job, unless something still holds it.
    if (!plan.untagOnly && out.deleted.length === 0) {
      const left = await docker
        .getImage(image.Id)
        .inspect()
        .catch(() => null);
      if (left && realTags(left.RepoTags).length === 0) {
        const more = (await docker
          .getImage(image.Id)
          .remove({ force })
          .catch(() => [])) as Array<{ Untagged?: string; Deleted?: string }>;
        out.untagged.push(...more.flatMap((r) => (r.Untagged ? [r.Untagged] : [])));
        out.deleted.push(...more.flatMap((r) => (r.Deleted ? [r.Deleted] : [])));
      }
    }
    return out;
  } catch (e) {
    if (statusOf(e) === 409) {
      throw new HomeportError({ code: 'CONFLICT', message: `Docker engine: ${engineMessage(e)}`, fix: 'Remove the containers that use it first, or remove with force.', details: { image: label } });
    }
    throw engineError(e);
  }
}

function safeFamiliar(ref: string): string | null {
  try {
    return familiarRef(ref);
  } catch {
    return null;
  }
}

/**
 * Remove dangling images (no tag) that no container uses — `docker image prune`. `label` (`key` or
 * `key=value`) limits it to images carrying that label.
 */
export async function pruneDanglingImages(docker: Dockerode, opts: { label?: string } = {}): Promise<PruneImagesResultInfo> {
  try {
    const filters: Record<string, string[]> = { dangling: ['true'] };
    if (opts.label) filters.label = [opts.label];
    const r = (await docker.pruneImages({ filters })) as {
      ImagesDeleted?: Array<{ Deleted?: string; Untagged?: string }> | null;
      SpaceReclaimed?: number;
    };
    return {
      deleted: (r.ImagesDeleted ?? []).flatMap((d) => (d.Deleted ? [d.Deleted] : [])),
      spaceReclaimedBytes: r.SpaceReclaimed ?? 0,
    };
  } catch (e) {
    throw engineError(e);
  }
}

/** Give an image another name: `docker tag source target`. */
export async function tagImage(docker: Dockerode, source: string, target: string): Promise<void> {
  validateImageRefOrId(source, 'source');
  const t = parseImageRef(target, 'target');
  if (t.digest) throw invalid('target', `A tag cannot name a digest (${quote(target)}).`, 'Give the new name as repository:tag.');
  await inspectImage(docker, source);
  try {
    await docker.getImage(source).tag({ repo: t.repository, tag: t.tag ?? 'latest' });
  } catch (e) {
    throw engineError(e);
  }
}
