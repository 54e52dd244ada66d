import { randomBytes } from 'node:crypto';
import type Dockerode from 'dockerode';
import {
  HomeportError,
  type ContainerRef,
  type ErrorInfo,
  type HostId,
  type PreviousContainerInfo,
  type RollbackResultInfo,
  type UpgradeOptionsInfo,
  type UpgradeProgressInfo,
  type UpgradeStepName,
  type UpgradeTagInfo,
} from '../../../shared/contract';
import { engineError, quote, statusOf } from '../docker/engine-common';
import { familiarRef, parseImageRef, pullImage } from '../images';
import { buildCreatePlan, demuxLogs, PREVIOUS_SUFFIX, UPGRADE_LABELS, type ImageDefaults } from './upgrade-config';

/** How long a container without a health check must stay up (not exit, not restart) to count as started. */
export const SETTLE_MS = 3000;
const POLL_MS = 400;
const COMPOSE_PROJECT = 'com.docker.compose.project';
const COMPOSE_SERVICE = 'com.docker.compose.service';

export interface UpgradeDeps {
  dockerOf(hostId: HostId): Dockerode;
  /** Called after the containers changed, so the list follows at once (events also do it). */
  changed?(hostId: HostId): Promise<void> | void;
  /** Timing knobs for tests. */
  settleMs?: number;
}

export interface UpgradeRequest {
  hostId: HostId;
  containerId: string;
  image: string;
  pull: boolean;
}

const nameOf = (c: Dockerode.ContainerInspectInfo) => c.Name.replace(/^\//, '');
const shortId = (id: string) => id.replace(/^sha256:/, '').slice(0, 12);
const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

function conflict(message: string, fix: string, details?: ErrorInfo['details']): HomeportError {
  return new HomeportError({ code: 'CONFLICT', message, fix, ...(details ? { details } : {}) });
}

/**
 * Upgrade / downgrade of one container: recreate it from another image with the same
 * configuration, keep the old one stopped under `<name>-homeport-previous` for a one-click
 * rollback, and never leave a half-changed container behind silently — a new container that does
 * not start, exits, restarts or turns unhealthy is removed and the old one put back at once.
 *
 * Why the old one is put back automatically rather than offered: the service is down while the
 * broken one sits there, and there is nothing in it worth keeping (its last log lines go into the
 * error). The user sees the error with those lines, and the container they had is running again.
 */
export class ContainerUpgrader {
  /** `hostId/name` of containers an upgrade or rollback is working on. */
  private readonly busy = new Set<string>();

  constructor(private readonly deps: UpgradeDeps) {}

  /** The list is current before the caller hears the outcome (the UI then finds the new id). */
  private async changed(hostId: HostId): Promise<void> {
    try {
      await this.deps.changed?.(hostId);
    } catch {
      // the list follows engine events anyway
    }
  }

  async options(ref: ContainerRef): Promise<UpgradeOptionsInfo> {
    const docker = this.deps.dockerOf(ref.hostId);
    const c = await inspectContainer(docker, ref.containerId);
    const name = nameOf(c);
    const labels = c.Config.Labels ?? {};
    let repository: string | null = null;
    try {
      repository = parseImageRef(c.Config.Image).repository;
    } catch {
      repository = null; // created from a bare image id
    }
    const tags: UpgradeTagInfo[] = [];
    if (repository) {
      let images: Dockerode.ImageInfo[] = [];
      try {
        images = await docker.listImages({ filters: { reference: [repository] } });
      } catch (e) {
        throw engineError(e);
      }
      const familiarRepo = familiarRef(`${repository}:x`).replace(/:x$/, '');
      for (const i of images) {
        for (const t of i.RepoTags ?? []) {
          if (t === '<none>:<none>' || t.slice(0, t.lastIndexOf(':')) !== familiarRepo) continue;
          tags.push({ ref: t, imageId: i.Id, createdAt: i.Created * 1000, current: i.Id === c.Image });
        }
      }
      tags.sort((a, b) => b.createdAt - a.createdAt || b.ref.localeCompare(a.ref, undefined, { numeric: true }));
    }
    const compose = labels[COMPOSE_PROJECT] ? { project: labels[COMPOSE_PROJECT]!, service: labels[COMPOSE_SERVICE] ?? null } : null;
    return {
      hostId: ref.hostId,
      containerId: c.Id,
      name,
      image: c.Config.Image,
      imageId: c.Image,
      repository,
      tags,
      running: c.State.Running,
      compose,
      blocked: blockedReason(c)?.toInfo() ?? null,
      previous: await findPrevious(docker, c),
    };
  }

  /**
   * The upgrade. `emit` receives steps and pull progress; the promise resolves with the result
   * (also emitted as `done`) or rejects with an error whose message says what state things are in.
   * `signal` aborts the pull only: once the old container is touched, the change runs to its end.
   */
  async upgrade(req: UpgradeRequest, emit: (p: UpgradeProgressInfo) => void, signal?: AbortSignal): Promise<UpgradeProgressInfo & { type: 'done' }> {
    const docker = this.deps.dockerOf(req.hostId);
    const ref = parseImageRef(req.image, 'image');
    const step = (s: UpgradeStepName, state: 'running' | 'done' | 'failed' | 'skipped', text: string) => emit({ type: 'step', step: s, state, text });

    step('prepare', 'running', 'Reading the container\'s configuration');
    const old = await inspectContainer(docker, req.containerId);
    const name = nameOf(old);
    const blocked = blockedReason(old);
    if (blocked) throw blocked;
    const key = `${req.hostId}/${name}`;
    if (this.busy.has(key)) throw conflict(`An upgrade or rollback of ${name} is already running.`, 'Wait for it to finish.');
    this.busy.add(key);
    try {
      return await this.run(docker, req, old, name, ref.tag || ref.digest ? req.image : `${req.image}:latest`, step, emit, signal);
    } finally {
      this.busy.delete(key);
      await this.changed(req.hostId);
    }
  }

  private async run(
    docker: Dockerode,
    req: UpgradeRequest,
    old: Dockerode.ContainerInspectInfo,
    name: string,
    image: string,
    step: (s: UpgradeStepName, state: 'running' | 'done' | 'failed' | 'skipped', text: string) => void,
    emit: (p: UpgradeProgressInfo) => void,
    signal?: AbortSignal,
  ): Promise<UpgradeProgressInfo & { type: 'done' }> {
    const untouched = `Nothing was changed: ${name} still runs ${old.Config.Image}.`;
    const oldImage = await inspectImageConfig(docker, old.Image);
    step('prepare', 'done', `${name} runs ${old.Config.Image} (${shortId(old.Image)})`);

    // 1. The image: on the host already, or pulled now.
    let present = await docker
      .getImage(image)
      .inspect()
      .then((i) => i.Id)
      .catch(() => null);
    if (present && !req.pull) {
      step('pull', 'skipped', `${image} is on the host (${shortId(present)})`);
    } else {
      step('pull', 'running', `Pulling ${image}`);
      try {
        const r = await pullImage(docker, image, (progress) => emit({ type: 'pull', progress }), signal);
        present = r.id;
      } catch (e) {
        step('pull', 'failed', `Pulling ${image} failed`);
        throw withNote(e, untouched);
      }
      step('pull', 'done', `Pulled ${image} (${shortId(present)})`);
    }
    if (signal?.aborted) throw new HomeportError({ code: 'VALIDATION', message: `The upgrade was cancelled. ${untouched}`, fix: 'Start it again when you are ready.', details: { cancelled: true } });
    if (present === old.Image) {
      // Allowed (re-create on the same image is a way to apply a re-tag), but said clearly.
      step('prepare', 'done', `${image} is the image ${name} already runs: it is recreated on the same image`);
    }

    // 2. Create the new container under a temporary name first: a configuration the engine
    // refuses is found before the old container is touched.
    const previousName = `${name}${PREVIOUS_SUFFIX}`;
    const tempName = `${name}-homeport-next-${randomBytes(3).toString('hex')}`;
    const plan = buildCreatePlan(old, oldImage, image, {
      [UPGRADE_LABELS.previousId]: old.Id,
      [UPGRADE_LABELS.previousImage]: old.Config.Image,
      [UPGRADE_LABELS.at]: String(Date.now()),
    });
    step('create', 'running', `Creating the new container from ${image}`);
    const createBody: Dockerode.ContainerCreateOptions = { ...plan.body, name: tempName };
    if (plan.networks.primary) {
      createBody.NetworkingConfig = { EndpointsConfig: { [plan.networks.primary.name]: plan.networks.primary.endpoint } };
    }
    let created: Dockerode.Container;
    try {
      created = await docker.createContainer(createBody);
    } catch (e) {
      step('create', 'failed', 'The engine refused to create the new container');
      throw withNote(engineError(e), untouched);
    }
    const newId = created.id;
    const dropNew = () => created.remove({ force: true }).catch(() => {});
    try {
      for (const n of plan.networks.others) {
        await docker.getNetwork(n.name).connect({ Container: newId, EndpointConfig: n.endpoint });
      }
    } catch (e) {
      await dropNew();
      step('create', 'failed', 'Could not attach the new container to its networks');
      throw withNote(engineError(e), untouched);
    }
    step('create', 'done', `Created ${shortId(newId)} (not started yet)`);

    // 3. Make way: a container kept by an earlier upgrade moves aside (it comes back if this
    // fails, and is removed if this succeeds), the old one stops and takes the kept name.
    const asideName = `${name}-homeport-older-${randomBytes(3).toString('hex')}`;
    const older = await docker
      .getContainer(previousName)
      .inspect()
      .catch(() => null);
    const wasRunning = old.State.Running || old.State.Restarting;
    const undo: Array<{ what: string; run: () => Promise<unknown> }> = [];
    const restore = async (cause: HomeportError): Promise<never> => {
      step('restore', 'running', `Putting back ${name} on ${old.Config.Image}`);
      await dropNew();
      const failures: string[] = [];
      for (const u of undo.reverse()) {
        try {
          await u.run();
        } catch (e) {
          failures.push(`${u.what}: ${engineError(e).message}`);
        }
      }
      if (failures.length) {
        step('restore', 'failed', 'Putting the old container back failed');
        throw new HomeportError(
          {
            code: cause.code,
            message: `${cause.message} Putting the old container back ALSO failed — ${failures.join('; ')}. The old container is ${old.Id.slice(0, 12)}.`,
            fix: `Open the containers list: rename the old container back to ${name} and start it (docker rename / docker start). ${cause.fix ?? ''}`.trim(),
            details: { ...cause.details, restored: false, previousId: old.Id },
          },
          { cause },
        );
      }
      step('restore', 'done', `${name} is back on ${old.Config.Image}${wasRunning ? ' and running' : ''}`);
      throw new HomeportError(
        { code: cause.code, message: `${cause.message} Homeport put the old container back: ${name} ${wasRunning ? 'runs' : 'is'} on ${old.Config.Image} as before.`, fix: cause.fix ?? 'Check the new image, then try again.', details: { ...cause.details, restored: true } },
        { cause },
      );
    };

    try {
      if (older) {
        step('swap', 'running', `Moving aside the container kept by the last upgrade (${older.Config.Image})`);
        await docker.getContainer(older.Id).rename({ name: asideName });
        undo.push({ what: `renaming ${asideName} back to ${previousName}`, run: () => docker.getContainer(older.Id).rename({ name: previousName }) });
      }
      if (wasRunning) {
        step('stop', 'running', `Stopping ${name}`);
        await stopContainer(docker, old.Id);
        undo.push({ what: `starting ${name}`, run: () => docker.getContainer(old.Id).start().catch(ignore304) });
        step('stop', 'done', `Stopped ${name}`);
      } else {
        step('stop', 'skipped', `${name} was not running`);
      }
      step('swap', 'running', `Keeping the old container as ${previousName}`);
      await docker.getContainer(old.Id).rename({ name: previousName });
      undo.push({ what: `renaming ${previousName} back to ${name}`, run: () => docker.getContainer(old.Id).rename({ name }) });
      await created.rename({ name });
      step('swap', 'done', `The old container is kept as ${previousName}`);
    } catch (e) {
      return restore(engineError(e));
    }

    // 4. Start it and see it run (and turn healthy, when it has a health check).
    try {
      step('start', 'running', `Starting ${name} on ${image}`);
      await created.start();
      step('start', 'done', `Started ${name}`);
    } catch (e) {
      step('start', 'failed', 'The new container did not start');
      const logs = await tailLogs(created);
      return restore(startError(name, image, engineError(e).message, logs));
    }
    try {
      await this.waitUp(created, name, image, step);
    } catch (e) {
      return restore(e instanceof HomeportError ? e : engineError(e));
    }

    // 5. Done: the container from an earlier upgrade goes (only one way back is kept).
    if (older) {
      step('cleanup', 'running', `Removing the container kept by the last upgrade (${older.Config.Image})`);
      await docker
        .getContainer(older.Id)
        .remove({ force: true })
        .then(
          () => step('cleanup', 'done', 'Removed the container kept by the last upgrade'),
          () => step('cleanup', 'failed', `Could not remove ${asideName}; remove it by hand when convenient`),
        );
    }
    const info = await created.inspect();
    // The list has the new container before the UI hears of it (it follows the new id at once).
    await this.changed(req.hostId);
    const done: UpgradeProgressInfo & { type: 'done' } = {
      type: 'done',
      result: {
        containerId: info.Id,
        name,
        image,
        imageId: info.Image,
        previous: { containerId: old.Id, name: previousName, image: old.Config.Image, imageId: old.Image, upgradedAt: Date.now() },
      },
    };
    emit(done);
    return done;
  }

  private async waitUp(c: Dockerode.Container, name: string, image: string, step: (s: UpgradeStepName, state: 'running' | 'done' | 'failed' | 'skipped', text: string) => void): Promise<void> {
    const first = await c.inspect();
    const hc = (first.Config as { Healthcheck?: { Test?: string[]; Interval?: number; Timeout?: number; StartPeriod?: number; Retries?: number } }).Healthcheck;
    const hasHealth = first.State.Health !== undefined && first.State.Health !== null;
    const settle = this.deps.settleMs ?? SETTLE_MS;
    // Long enough for the health check's start period and its retries, bounded.
    const ns = (v: number | undefined, d: number) => (v && v > 0 ? v / 1e6 : d);
    const timeoutMs = hasHealth ? Math.min(300_000, Math.max(30_000, ns(hc?.StartPeriod, 0) + (hc?.Retries || 3) * (ns(hc?.Interval, 30_000) + ns(hc?.Timeout, 30_000)) + 5000)) : settle + 30_000;
    step('verify', 'running', hasHealth ? `Waiting for ${name} to be healthy (up to ${Math.round(timeoutMs / 1000)} s)` : `Checking that ${name} keeps running`);
    const startedAt = Date.now();
    const restarts0 = first.RestartCount ?? 0;
    for (;;) {
      const s = await c.inspect();
      const st = s.State;
      const failed = async (what: string) => {
        step('verify', 'failed', what);
        return startError(name, image, what, await tailLogs(c), st.ExitCode);
      };
      if ((s.RestartCount ?? 0) > restarts0 || st.Restarting) throw await failed(`The new container keeps restarting (last exit code ${st.ExitCode}).`);
      if (!st.Running) throw await failed(`The new container exited at once (exit code ${st.ExitCode}${st.Error ? `: ${st.Error}` : ''}).`);
      if (hasHealth) {
        const h = st.Health?.Status;
        if (h === 'healthy') break;
        if (h === 'unhealthy') {
          const last = st.Health?.Log?.at(-1)?.Output?.trim();
          throw await failed(`The new container is unhealthy${last ? `: its health check said ${quote(last, 300)}` : ''}.`);
        }
      } else if (Date.now() - startedAt >= settle) break;
      if (Date.now() - startedAt > timeoutMs) throw await failed(`The new container did not become healthy within ${Math.round(timeoutMs / 1000)} s (health: ${st.Health?.Status ?? 'unknown'}).`);
      await delay(POLL_MS);
    }
    step('verify', 'done', hasHealth ? `${name} is running and healthy` : `${name} is running`);
  }

  /**
   * Back to the kept container: the upgraded one stops and steps aside, the kept one takes its
   * name back and starts; only once it runs is the upgraded one removed. If the kept one does not
   * come up, the upgraded one is put back and the error says so.
   */
  async rollback(ref: ContainerRef): Promise<RollbackResultInfo> {
    const docker = this.deps.dockerOf(ref.hostId);
    const cur = await inspectContainer(docker, ref.containerId);
    const name = nameOf(cur);
    const prev = await findPrevious(docker, cur);
    if (!prev) {
      throw new HomeportError({ code: 'NOT_FOUND', message: `${name} has no container kept from an upgrade to roll back to.`, fix: 'Only containers upgraded by Homeport can be rolled back, and only until the kept container is removed.' });
    }
    const key = `${ref.hostId}/${name}`;
    if (this.busy.has(key)) throw conflict(`An upgrade or rollback of ${name} is already running.`, 'Wait for it to finish.');
    this.busy.add(key);
    const aside = `${name}-homeport-rolledback-${randomBytes(3).toString('hex')}`;
    const curRunning = cur.State.Running || cur.State.Restarting;
    const undo: Array<() => Promise<unknown>> = [];
    try {
      try {
        if (curRunning) {
          await stopContainer(docker, cur.Id);
          undo.push(() => docker.getContainer(cur.Id).start().catch(ignore304));
        }
        await docker.getContainer(cur.Id).rename({ name: aside });
        undo.push(() => docker.getContainer(cur.Id).rename({ name }));
        await docker.getContainer(prev.containerId).rename({ name });
        undo.push(() => docker.getContainer(prev.containerId).rename({ name: prev.name }));
        await docker.getContainer(prev.containerId).start().catch(ignore304);
        undo.push(() => stopContainer(docker, prev.containerId));
        await this.waitRunning(docker.getContainer(prev.containerId), name, prev.image);
      } catch (e) {
        const cause = e instanceof HomeportError ? e : engineError(e);
        const failures: string[] = [];
        for (const u of undo.reverse()) await u().catch((x: unknown) => failures.push(engineError(x).message));
        throw new HomeportError(
          {
            code: cause.code,
            message: failures.length
              ? `Rolling back ${name} failed: ${cause.message} Putting the upgraded container back also failed (${failures.join('; ')}).`
              : `Rolling back ${name} failed: ${cause.message} The upgraded container is back in place${curRunning ? ' and running' : ''}; the kept one is still there.`,
            fix: failures.length ? `Check the containers list: ${name} should be the upgraded container (${cur.Id.slice(0, 12)}).` : (cause.fix ?? 'Check the old image, then try again.'),
            details: { ...cause.details, restored: failures.length === 0 },
          },
          { cause },
        );
      }
      await docker
        .getContainer(cur.Id)
        .remove({ force: true })
        .catch(() => {}); // the rollback itself worked; a leftover is listed under its aside name
      return { containerId: prev.containerId, name, image: prev.image, imageId: prev.imageId };
    } finally {
      this.busy.delete(key);
      await this.changed(ref.hostId);
    }
  }

  /** The upgrade is final: remove the kept container. */
  async discardPrevious(ref: ContainerRef): Promise<void> {
    const docker = this.deps.dockerOf(ref.hostId);
    const cur = await inspectContainer(docker, ref.containerId);
    const prev = await findPrevious(docker, cur);
    if (!prev) throw new HomeportError({ code: 'NOT_FOUND', message: `${nameOf(cur)} has no kept container.`, fix: 'Reload: it may have been removed already.' });
    try {
      await docker.getContainer(prev.containerId).remove({ force: true });
    } catch (e) {
      throw engineError(e);
    } finally {
      await this.changed(ref.hostId);
    }
  }

  private async waitRunning(c: Dockerode.Container, name: string, image: string): Promise<void> {
    const settle = this.deps.settleMs ?? SETTLE_MS;
    const t0 = Date.now();
    const first = await c.inspect();
    for (;;) {
      const s = await c.inspect();
      if (!s.State.Running || (s.RestartCount ?? 0) > (first.RestartCount ?? 0)) {
        throw startError(name, image, `The container did not keep running (exit code ${s.State.ExitCode}).`, await tailLogs(c), s.State.ExitCode);
      }
      if (s.State.Health?.Status === 'unhealthy') throw startError(name, image, 'The container is unhealthy.', await tailLogs(c));
      if (Date.now() - t0 >= settle) return;
      await delay(POLL_MS);
    }
  }
}

const ignore304 = (e: unknown) => {
  if (statusOf(e) !== 304) throw e;
};

async function stopContainer(docker: Dockerode, id: string): Promise<void> {
  await docker
    .getContainer(id)
    .stop()
    .catch(ignore304);
}

async function inspectContainer(docker: Dockerode, id: string): Promise<Dockerode.ContainerInspectInfo> {
  try {
    return await docker.getContainer(id).inspect();
  } catch (e) {
    if (statusOf(e) === 404) throw new HomeportError({ code: 'NOT_FOUND', message: `There is no container ${quote(id)} on this host.`, fix: 'Reload the containers list.' });
    throw engineError(e);
  }
}

async function inspectImageConfig(docker: Dockerode, id: string): Promise<ImageDefaults> {
  try {
    const i = await docker.getImage(id).inspect();
    return (i.Config ?? {}) as ImageDefaults;
  } catch (e) {
    throw engineError(e, 'The image the container runs could not be read.');
  }
}

/** Why this container cannot be upgraded here, or null. */
function blockedReason(c: Dockerode.ContainerInspectInfo): HomeportError | null {
  const labels = c.Config.Labels ?? {};
  const name = nameOf(c);
  if (labels[COMPOSE_PROJECT]) {
    return conflict(
      `${name} belongs to the compose project ${quote(labels[COMPOSE_PROJECT]!)}. Recreating it outside compose would detach it from its compose file: the next "compose up" would put the file's image back, and a kept copy would show up as a second container of the service.`,
      `Change the image in the project's compose file from the Stacks view, which redeploys the service with compose.`,
      { compose: labels[COMPOSE_PROJECT]! },
    );
  }
  if (c.HostConfig?.AutoRemove) {
    return conflict(`${name} was created with --rm: stopping it deletes it, so no way back could be kept.`, 'Recreate it without --rm (or upgrade it by hand).');
  }
  if (name.includes(PREVIOUS_SUFFIX) || name.includes('-homeport-next-') || name.includes('-homeport-rolledback-') || name.includes('-homeport-older-')) {
    return conflict(`${name} is a container Homeport kept or set aside during an upgrade.`, 'Open the upgraded container to roll back to it, or remove it.');
  }
  return null;
}

/** The kept container: named by the label Homeport put on the upgraded one, and still there. */
async function findPrevious(docker: Dockerode, c: Dockerode.ContainerInspectInfo): Promise<PreviousContainerInfo | null> {
  const labels = c.Config.Labels ?? {};
  const id = labels[UPGRADE_LABELS.previousId];
  if (!id) return null;
  const p = await docker
    .getContainer(id)
    .inspect()
    .catch(() => null);
  if (!p) return null;
  const at = Number(labels[UPGRADE_LABELS.at]);
  return { containerId: p.Id, name: nameOf(p), image: p.Config.Image, imageId: p.Image, upgradedAt: Number.isFinite(at) && at > 0 ? at : null };
}

async function tailLogs(c: Dockerode.Container): Promise<string> {
  try {
    const info = await c.inspect();
    const buf = (await c.logs({ stdout: true, stderr: true, tail: 20, follow: false })) as unknown as Buffer;
    return demuxLogs(Buffer.isBuffer(buf) ? buf : Buffer.from(String(buf)), info.Config.Tty)
      .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
      .trim()
      .slice(-2000);
  } catch {
    return '';
  }
}

function startError(name: string, image: string, what: string, logs: string, exitCode?: number): HomeportError {
  const lastLines = logs.split('\n').slice(-5).join('\n');
  return new HomeportError({
    code: 'ENGINE',
    message: `${name} on ${image}: ${what}${lastLines ? ` Its last output: ${lastLines}` : ''}`,
    fix: `The new image does not run with this container's configuration: check its release notes (a changed command, a required variable or volume), or pick another tag.`,
    details: { image, ...(logs ? { logs } : {}), ...(exitCode !== undefined ? { exitCode } : {}) },
  });
}

/** An error, with a sentence saying what state things were left in. */
function withNote(e: unknown, note: string): HomeportError {
  const h = e instanceof HomeportError ? e : engineError(e);
  return new HomeportError({ ...h.toInfo(), message: `${h.message} ${note}` }, { cause: h });
}
