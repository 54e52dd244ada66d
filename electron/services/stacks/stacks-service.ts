import path from 'node:path';
import type Dockerode from 'dockerode';
import {
  HomeportError,
  type ContainerStateName,
  type ErrorInfo,
  type HostId,
  type HostStacksInfo,
  type StackAction,
  type StackFileInfo,
  type StackInfo,
  type StackRef,
  type StackRunOutputInfo,
  type StacksService,
  type StackServiceInfo,
} from '../../../shared/contract';
import type { EngineHub } from '../engines/engine-hub';
import { siblingTemp, type HostAccess } from '../hosts/host-access';
import type { DocumentStore, Logger } from '../platform/platform';
import { actionArgs, detectCompose, displayCommand, plainText, projectArgs, resolveConfigFiles, type ComposeFlavor, type ComposeProject } from './compose';
import { setServiceImageInText } from './compose-yaml';

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
export class StacksManager implements StacksService {
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
   * host or a missing compose.
   */
  async run(
    { hostId, project, action }: StackRef & { action: StackAction },
    onLine: (out: StackRunOutputInfo) => void,
    signal: AbortSignal,
  ): Promise<() => Promise<{ code: number | null; argv: string[]; lastLine: string }>> {
    const stack = await this.stack(hostId, project);
    const access = this.hosts.access(hostId);
    const flavor = await this.flavor(hostId, access);
    const p = this.composeProject(stack);
    const argv = actionArgs(flavor, p, action);
    return async () => {
      onLine({ line: `$ ${displayCommand(argv)}`, stream: 'info' });
      let lastLine = '';
      const splitters = {
        stdout: lineSplitter((line) => onLine({ line, stream: 'stdout' })),
        stderr: lineSplitter((line) => {
          if (line.trim()) lastLine = line.trim();
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
      return { code: r.code, argv, lastLine };
    };
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

/** Chunks → lines; progress written with \r keeps only its last state. */
function lineSplitter(onLine: (line: string) => void): { push(chunk: string): void; flush(): void } {
  let buf = '';
  const emit = (raw: string) => {
    const parts = plainText(raw).split('\r');
    onLine(parts.filter((p) => p.length > 0).at(-1) ?? '');
  };
  return {
    push(chunk) {
      buf += chunk;
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        emit(buf.slice(0, i));
        buf = buf.slice(i + 1);
      }
    },
    flush() {
      if (buf) emit(buf);
      buf = '';
    },
  };
}

function toInfo(e: unknown): ErrorInfo {
  return e instanceof HomeportError ? e.toInfo() : { code: 'INTERNAL', message: `Listing stacks failed unexpectedly: ${String(e)}`, fix: 'This is a bug; the log has details.' };
}
