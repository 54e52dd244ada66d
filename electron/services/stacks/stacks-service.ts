import path from 'node:path';
import type Dockerode from 'dockerode';
import {
  BUG_FIX,
  HomeportError,
  toErrorInfo,
  type ContainerStateName,
  type ErrorInfo,
  type HostId,
  type HostStacksInfo,
  type StackAction,
  type StackFileInfo,
  type StackInfo,
  type StackRef,
  type StackRunOutputInfo,
  type StacksApi,
  type StackServiceInfo,
} from '../../../shared/contract';
import type { EngineHub } from '../engines';
import { siblingTemp, type HostAccess } from '../hosts';
import type { DocumentStore, Logger } from '../platform/platform';
import { boundedLines } from '../ssh/bounded-output';
import type { StartersOf } from '../streams/streams-service';
import { actionArgs, detectCompose, displayCommand, plainText, projectArgs, resolveConfigFiles, type ComposeFlavor, type ComposeProject } from './compose';
import { setServiceImageInText } from './compose-yaml';
import { stackRunStream } from './stack-run-stream';

const L = {
  project: 'com.docker.compose.project',
  workingDir: 'com.docker.compose.project.working_dir',
  configFiles: 'com.docker.compose.project.config_files',
  service: 'com.docker.compose.service',
  oneoff: 'com.docker.compose.oneoff',
} as const;

/**
 * The file Homeport's last change replaced is kept next to the file as `<file>.homeport-prev`:
 * it stays with the project (whoever deploys it next, from whichever computer, sees it), needs no
 * permission beyond the one the atomic rename already needs (writing the directory), and survives
 * reinstalling Homeport. One generation is kept: rolling back swaps the two.
 */
export const PREVIOUS_SUFFIX = '.homeport-prev';

/** How putting the previous file back after a failed deploy went (`step`: where it stopped). */
export type RevertOutcome = { ok: true; kept: string } | { ok: false; step: 'file' | 'up' | 'check'; why: string; kept: string };

export interface StackRunResult {
  code: number | null;
  argv: string[];
  /** The line of compose's output that says why it failed (its last error line, else its last line). */
  lastLine: string;
  /** Set when the run put the previous file back after a failed deploy. */
  reverted: RevertOutcome | null;
}

/** What the stacks service needs from the hosts service. */
export interface StackHosts {
  list(): Promise<Array<{ id: HostId; name: string }>>;
  access(id: HostId): HostAccess;
  nameOf(id: HostId): string;
}

/** A project as remembered: compose `down` removes its containers, yet the user wants to bring it up again. */
interface Remembered {
  workingDir: string | null;
  configFiles: string[];
  services: string[];
}
type RememberedByHost = Record<string, Record<string, Remembered>>;
const STORE_KEY = 'stacks.known';

/**
 * Stacks: every compose project on every connected host, found from container labels (so a
 * project deployed by hand or by Ansible is a full citizen, never "limited"), its compose file
 * read and written over SFTP, and compose run on the host over the host's SSH connection.
 */
export class StacksService implements StacksApi {
  /** Which compose each connection has, detected once per connection (the key is the SSH client). */
  private readonly flavors = new WeakMap<object, Promise<ComposeFlavor>>();
  private readonly localFlavors = new Map<HostId, Promise<ComposeFlavor>>();

  constructor(
    private readonly hosts: StackHosts,
    private readonly engines: Pick<EngineHub, 'dockerOf'>,
    private readonly store: DocumentStore,
    private readonly logger: Logger,
  ) {}

  async list(): Promise<HostStacksInfo[]> {
    const hosts = await this.hosts.list();
    return Promise.all(
      hosts.map(async (h): Promise<HostStacksInfo> => {
        try {
          return { hostId: h.id, stacks: await this.hostStacks(h.id), error: null };
        } catch (e) {
          return { hostId: h.id, stacks: [], error: toInfo(e) };
        }
      }),
    );
  }

  async file({ hostId, project, path: file }: StackRef & { path?: string | undefined }): Promise<StackFileInfo> {
    const stack = await this.stack(hostId, project);
    const target = this.configFile(stack, file);
    const access = this.hosts.access(hostId);
    return this.fileInfo(access, stack, target);
  }

  async validateFile({ hostId, project, path: file, content }: StackRef & { path?: string | undefined; content: string }): Promise<void> {
    const stack = await this.stack(hostId, project);
    const target = this.configFile(stack, file);
    const access = this.hosts.access(hostId);
    const temp = await this.checkedTemp(access, stack, target, content);
    await access.unlink(temp).catch(() => {});
  }

  async saveFile({ hostId, project, path: file, content }: StackRef & { path?: string | undefined; content: string }): Promise<StackFileInfo> {
    const stack = await this.stack(hostId, project);
    const target = this.configFile(stack, file);
    return this.replace(hostId, stack, target, content);
  }

  async rollbackFile({ hostId, project, path: file }: StackRef & { path?: string | undefined }): Promise<StackFileInfo> {
    const stack = await this.stack(hostId, project);
    const target = this.configFile(stack, file);
    const access = this.hosts.access(hostId);
    const prevPath = target + PREVIOUS_SUFFIX;
    let previous: string;
    try {
      previous = await access.readFile(prevPath);
    } catch (e) {
      if (e instanceof HomeportError && e.code === 'NOT_FOUND') {
        throw new HomeportError({
          code: 'NOT_FOUND',
          message: `There is no previous version of ${target} to roll back to (${path.posix.basename(prevPath)} does not exist).`,
          fix: 'Homeport keeps the previous file when it saves one; edit the file to change it instead.',
        });
      }
      throw e;
    }
    // The same path as a save: validated, and the current file becomes the previous one.
    return this.replace(hostId, stack, target, previous);
  }

  async setServiceImage({ hostId, project, service, image }: StackRef & { service: string; image: string }): Promise<StackFileInfo> {
    const stack = await this.stack(hostId, project);
    const access = this.hosts.access(hostId);
    // The last file that defines the service wins in compose's merge; edit that one.
    for (const file of [...stack.configFiles].reverse()) {
      const text = await access.readFile(file);
      const next = setServiceImageInText(text, service, image);
      if (next !== null) return this.replace(hostId, stack, file, next);
    }
    throw new HomeportError({
      code: 'NOT_FOUND',
      message: `No compose file of ${project} defines a service named "${service}".`,
      fix: 'Reload the stacks list; the service may have been renamed.',
    });
  }

  /**
   * Runs a compose action; output goes to `onLine` line by line. Resolves with the exit status
   * (null when stopped). Throws before running anything for an unknown stack, a disconnected
   * host, a missing compose or a `revertFile` that is not one of the stack's files.
   *
   * `revertFile` (with `up`): the file this deploy follows a change of. `compose config -q`
   * accepts files the engine then refuses (`restart: sometimes`), and by then compose v1 has
   * stopped and renamed the old container: so when `up -d` fails, the previous file is put back,
   * compose's half-done renames are undone and the previous file is deployed again — the same
   * promise the container upgrade keeps (a failed change puts the old one back).
   */
  async run(
    { hostId, project, action, revertFile }: StackRef & { action: StackAction; revertFile?: string | undefined },
    onLine: (out: StackRunOutputInfo) => void,
    signal: AbortSignal,
  ): Promise<() => Promise<StackRunResult>> {
    const stack = await this.stack(hostId, project);
    if (revertFile !== undefined && action !== 'up') {
      throw new HomeportError({ code: 'VALIDATION', message: 'Only a deploy (up) can put the previous compose file back when it fails.', fix: 'Run up after changing the file.' });
    }
    const revert = revertFile === undefined ? null : this.configFile(stack, revertFile);
    const access = this.hosts.access(hostId);
    const flavor = await this.flavor(hostId, access);
    const p = this.composeProject(stack);
    const argv = actionArgs(flavor, p, action);
    const compose = async (): Promise<{ code: number | null; why: string }> => {
      onLine({ line: `$ ${displayCommand(argv)}`, stream: 'info' });
      let lastLine = '';
      let lastError = '';
      const splitters = {
        stdout: lineSplitter((line) => onLine({ line, stream: 'stdout' })),
        stderr: lineSplitter((line) => {
          const t = line.trim().replace(/\s{2,}/g, ' ');
          if (t) lastLine = t;
          // compose v1 ends with "Encountered errors while bringing up the project."; the line that says why comes before.
          if (/^(error|err)\b/i.test(t) || /error response from daemon/i.test(t)) lastError = t.replace(/^ERROR: for \S+ /, '').replace(/^ERROR: /, '');
          onLine({ line, stream: 'stderr' });
        }),
      };
      const r = await access.exec(argv, {
        cwd: p.workingDir,
        env: this.env(access),
        signal,
        onOutput: (chunk, stream) => splitters[stream].push(chunk),
      });
      splitters.stdout.flush();
      splitters.stderr.flush();
      return { code: r.code, why: lastError || lastLine };
    };
    return async () => {
      const first = await compose();
      if (first.code === 0 || signal.aborted || revert === null) return { code: first.code, argv, lastLine: first.why, reverted: null };
      const info = (line: string) => onLine({ line, stream: 'info' });
      info(`The new file failed${first.why ? `: ${first.why}` : ''}. Putting the previous file back and redeploying it…`);
      const reverted = await this.redeployPrevious(stack, revert, info, compose);
      return { code: first.code, argv, lastLine: first.why, reverted };
    };
  }

  /**
   * After a failed deploy of a changed file: the previous file back in place (the failed one is
   * kept as the previous, so the edit is not lost), containers compose set aside put back under
   * their names, `up -d` again, and the services that were running before checked to run again.
   */
  private async redeployPrevious(
    stack: StackInfo,
    file: string,
    info: (line: string) => void,
    compose: () => Promise<{ code: number | null; why: string }>,
  ): Promise<RevertOutcome> {
    const kept = path.posix.basename(file) + PREVIOUS_SUFFIX;
    try {
      await this.rollbackFile({ hostId: stack.hostId, project: stack.project, path: file });
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      info(`Putting the previous file back failed: ${why}`);
      return { ok: false, step: 'file', why, kept };
    }
    info(`${file} is the previous version again; the file that failed is kept as ${kept}.`);
    const docker = this.engines.dockerOf(stack.hostId);
    try {
      for (const r of await undoComposeRenames(docker, stack.project)) info(`Renamed ${r.from} back to ${r.to}.`);
    } catch (e) {
      // Not fatal: compose starts a set-aside container under its odd name as well.
      info(`Could not rename the containers compose had set aside: ${e instanceof Error ? e.message : String(e)}`);
    }
    const second = await compose();
    if (second.code !== 0) return { ok: false, step: 'up', why: second.why || `exit status ${second.code ?? 'unknown (killed)'}`, kept };
    const wanted = stack.services.filter((s) => s.running > 0).map((s) => s.name);
    const now = await docker.listContainers({ all: true, filters: { label: [`${L.project}=${stack.project}`] } });
    const running = new Set(now.filter((c) => c.State === 'running' && c.Labels?.[L.oneoff] !== 'True').map((c) => c.Labels?.[L.service]));
    const notRunning = wanted.filter((s) => !running.has(s));
    if (notRunning.length > 0) {
      const why = `${notRunning.join(', ')} ${notRunning.length === 1 ? 'is' : 'are'} not running`;
      info(`The previous file is deployed, but ${why}.`);
      return { ok: false, step: 'check', why, kept };
    }
    info(wanted.length > 0 ? `Running again with the previous file: ${wanted.join(', ')}.` : 'The previous file is deployed again.');
    return { ok: true, kept };
  }

  // ——— internals ———

  private async hostStacks(hostId: HostId): Promise<StackInfo[]> {
    const docker = this.engines.dockerOf(hostId);
    const containers = await docker.listContainers({ all: true, filters: { label: [L.project] } });
    const byProject = new Map<string, Dockerode.ContainerInfo[]>();
    for (const c of containers) {
      const project = c.Labels?.[L.project];
      if (!project || c.Labels?.[L.oneoff] === 'True') continue;
      byProject.set(project, [...(byProject.get(project) ?? []), c]);
    }
    const stacks = [...byProject].map(([project, cs]) => toStack(hostId, project, cs));

    // Projects seen before whose containers are gone (compose down): listed while their file exists.
    const known = this.remembered();
    const mine = { ...(known[hostId] ?? {}) };
    for (const s of stacks) mine[s.project] = { workingDir: s.workingDir, configFiles: s.configFiles, services: s.services.map((x) => x.name) };
    const gone = Object.keys(mine).filter((p) => !byProject.has(p));
    if (gone.length > 0) {
      let access: HostAccess | null = null;
      try {
        access = this.hosts.access(hostId);
      } catch {
        access = null;
      }
      for (const project of gone) {
        const r = mine[project]!;
        const first = r.configFiles[0];
        const exists = access && first ? await access.stat(first).then((st) => st !== null, () => true) : false;
        if (!exists) {
          delete mine[project];
          continue;
        }
        stacks.push({
          hostId,
          project,
          workingDir: r.workingDir,
          configFiles: r.configFiles,
          services: r.services.map((name) => ({ name, image: '', containers: [], running: 0 })),
          running: 0,
          total: 0,
          status: 'stopped',
        });
      }
    }
    this.store.set(STORE_KEY, { ...known, [hostId]: mine });
    return stacks.sort((a, b) => a.project.localeCompare(b.project));
  }

  private remembered(): RememberedByHost {
    const v = this.store.get(STORE_KEY);
    return v && typeof v === 'object' ? (v as RememberedByHost) : {};
  }

  private async stack(hostId: HostId, project: string): Promise<StackInfo> {
    const stacks = await this.hostStacks(hostId);
    const s = stacks.find((x) => x.project === project);
    if (!s) {
      throw new HomeportError({
        code: 'NOT_FOUND',
        message: `There is no compose project named "${project}" on ${this.hosts.nameOf(hostId)}.`,
        fix: 'Reload the stacks list.',
      });
    }
    if (!s.workingDir || s.configFiles.length === 0) {
      throw new HomeportError({
        code: 'NOT_FOUND',
        message: `The containers of "${project}" do not say where its compose file is (no working_dir / config_files labels).`,
        fix: 'Redeploy the stack once with docker compose so its containers carry those labels.',
      });
    }
    return s;
  }

  private configFile(stack: StackInfo, file: string | undefined): string {
    if (file === undefined) return stack.configFiles[0]!;
    // Only the project's own files: the path is the user's, so it must not reach anything else.
    if (!stack.configFiles.includes(file)) {
      throw new HomeportError({
        code: 'VALIDATION',
        message: `${file} is not one of the compose files of ${stack.project}.`,
        fix: `Pick one of: ${stack.configFiles.join(', ')}.`,
      });
    }
    return file;
  }

  private composeProject(stack: StackInfo): ComposeProject {
    return { project: stack.project, workingDir: stack.workingDir, configFiles: stack.configFiles };
  }

  private env(access: HostAccess): Record<string, string> {
    // The host's engine may not be on the default socket (a second engine): compose goes where Homeport goes.
    return { DOCKER_HOST: `unix://${access.socketPath}` };
  }

  private flavor(hostId: HostId, access: HostAccess): Promise<ComposeFlavor> {
    const key = access.connectionKey;
    const cached = key ? this.flavors.get(key) : this.localFlavors.get(hostId);
    if (cached) return cached;
    const detecting = detectCompose((argv, o) => access.exec(argv, { ...o, env: this.env(access) }), this.hosts.nameOf(hostId));
    // A failure is not remembered: the user may install compose and try again.
    detecting.then(
      (f) => this.logger.info('compose detected', { hostId, version: f.version, text: f.versionText }),
      () => (key ? this.flavors.delete(key) : this.localFlavors.delete(hostId)),
    );
    if (key) this.flavors.set(key, detecting);
    else this.localFlavors.set(hostId, detecting);
    return detecting;
  }

  private async fileInfo(access: HostAccess, stack: StackInfo, target: string): Promise<StackFileInfo> {
    const content = await access.readFile(target);
    const prev = await access.stat(target + PREVIOUS_SUFFIX);
    return { hostId: stack.hostId, project: stack.project, path: target, content, previousPath: prev ? target + PREVIOUS_SUFFIX : null };
  }

  /**
   * Writes `content` to a new file beside `target` (same directory, so relative paths in it mean
   * the same and the final rename is atomic) and has compose check the project with it in place
   * of `target`. Invalid: the temp file is removed and VALIDATION carries compose's message.
   */
  private async checkedTemp(access: HostAccess, stack: StackInfo, target: string, content: string): Promise<string> {
    const flavor = await this.flavor(stack.hostId, access);
    const st = await access.stat(target);
    if (!st) {
      throw new HomeportError({ code: 'NOT_FOUND', message: `${target} does not exist on the host.`, fix: 'The project may have moved; redeploy it from its new place.' });
    }
    const temp = siblingTemp(target, 'homeport-new');
    await access.writeNewFile(temp, content, { mode: st.mode, owner: { uid: st.uid, gid: st.gid } });
    let ok = false;
    try {
      const files = stack.configFiles.map((f) => (f === target ? temp : f));
      const r = await access.exec([...projectArgs(flavor, this.composeProject(stack), files), 'config', '-q'], { cwd: stack.workingDir, env: this.env(access) });
      if (r.code !== 0) {
        const said = plainText(`${r.stderr}\n${r.stdout}`).trim().replaceAll(temp, target).replaceAll(path.posix.basename(temp), path.posix.basename(target));
        throw new HomeportError({
          code: 'VALIDATION',
          message: `Compose rejected the file, nothing was changed: ${said || `exit status ${r.code ?? r.signal}`}`,
          fix: 'Correct the file and save again.',
          details: { path: target },
        });
      }
      ok = true;
      return temp;
    } finally {
      if (!ok) await access.unlink(temp).catch(() => {});
    }
  }

  private async replace(hostId: HostId, stack: StackInfo, target: string, content: string): Promise<StackFileInfo> {
    const access = this.hosts.access(hostId);
    const temp = await this.checkedTemp(access, stack, target, content);
    try {
      const current = await access.readFile(target);
      const st = (await access.stat(target))!;
      const prevTemp = siblingTemp(target, 'homeport-prev');
      await access.writeNewFile(prevTemp, current, { mode: st.mode, owner: { uid: st.uid, gid: st.gid } });
      await access.rename(prevTemp, target + PREVIOUS_SUFFIX).catch(async (e: unknown) => {
        await access.unlink(prevTemp).catch(() => {});
        throw e;
      });
      await access.rename(temp, target);
    } catch (e) {
      await access.unlink(temp).catch(() => {});
      throw e;
    }
    this.logger.info('compose file replaced', { hostId, project: stack.project, path: target });
    return this.fileInfo(access, stack, target);
  }
}

function toStack(hostId: HostId, project: string, cs: Dockerode.ContainerInfo[]): StackInfo {
  const labels = cs.map((c) => c.Labels ?? {});
  const workingDir = labels.map((l) => l[L.workingDir]).find((x): x is string => !!x) ?? null;
  const configFiles = resolveConfigFiles(labels.map((l) => l[L.configFiles]).find((x) => !!x), workingDir);
  const services = new Map<string, StackServiceInfo>();
  for (const c of cs) {
    const name = c.Labels?.[L.service] ?? '(unnamed)';
    const s = services.get(name) ?? { name, image: c.Image, containers: [], running: 0 };
    const state = c.State as ContainerStateName;
    s.containers.push({ id: c.Id, name: (c.Names?.[0] ?? c.Id).replace(/^\//, ''), state, status: c.Status });
    if (state === 'running') s.running++;
    services.set(name, s);
  }
  const list = [...services.values()].sort((a, b) => a.name.localeCompare(b.name));
  for (const s of list) s.containers.sort((a, b) => a.name.localeCompare(b.name));
  const running = cs.filter((c) => c.State === 'running').length;
  return {
    hostId,
    project,
    workingDir,
    configFiles,
    services: list,
    running,
    total: cs.length,
    status: running === 0 ? 'stopped' : running === cs.length ? 'running' : 'partial',
  };
}

/**
 * Chunks → lines; progress written with \r keeps only its last state. Each line is bounded
 * (a line of a gigabyte is cut, with a marker), so the host's output cannot fill memory.
 */
function lineSplitter(onLine: (line: string) => void): { push(chunk: string): void; flush(): void } {
  return boundedLines((raw) => {
    const parts = plainText(raw).split('\r');
    onLine(parts.filter((p) => p.length > 0).at(-1) ?? '');
  });
}

/**
 * Compose recreates a container by renaming the old one `<its id, 12 hex>_<name>` first (v1 also
 * stops it) and creating the new one; when creating fails, the old one is left under that name.
 * Only that exact pattern (the prefix is the container's own id) is renamed back, and only when
 * the name is free.
 */
async function undoComposeRenames(docker: Dockerode, project: string): Promise<Array<{ from: string; to: string }>> {
  const cs = await docker.listContainers({ all: true, filters: { label: [`${L.project}=${project}`] } });
  const taken = new Set(cs.map((c) => (c.Names?.[0] ?? '').replace(/^\//, '')));
  const done: Array<{ from: string; to: string }> = [];
  for (const c of cs) {
    const from = (c.Names?.[0] ?? '').replace(/^\//, '');
    const m = /^([0-9a-f]{12})_(.+)$/.exec(from);
    if (!m || !c.Id.startsWith(m[1]!) || taken.has(m[2]!)) continue;
    await docker.getContainer(c.Id).rename({ name: m[2]! });
    taken.add(m[2]!);
    done.push({ from, to: m[2]! });
  }
  return done;
}

function toInfo(e: unknown): ErrorInfo {
  return toErrorInfo(e, { message: (e) => `Listing stacks failed unexpectedly: ${String(e)}`, fix: BUG_FIX });
}

/** The stacks' stream kinds: a compose action and its output. */
export function stackStreams(stacks: StacksService): StartersOf<'stacks'> {
  return { 'stack.run': stackRunStream(stacks) };
}
