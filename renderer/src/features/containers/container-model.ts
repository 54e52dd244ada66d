import type {
  ContainerInfo,
  ContainerStateName,
  HostContainersInfo,
  HostId,
  HostInfo,
  PortInfo,
} from '../../../../shared/contract';
import type { Tone } from '../../components/StateBadge';

const STATE_LABELS: Record<ContainerStateName, string> = {
  created: 'Created',
  running: 'Running',
  paused: 'Paused',
  restarting: 'Restarting',
  removing: 'Removing',
  exited: 'Exited',
  dead: 'Dead',
};

export function containerStateLabel(state: ContainerStateName): string {
  return STATE_LABELS[state] ?? state;
}

export function containerStateTone(state: ContainerStateName): Tone {
  switch (state) {
    case 'running':
      return 'ok';
    case 'paused':
      return 'warn';
    case 'restarting':
    case 'removing':
      return 'busy';
    case 'dead':
      return 'error';
    default:
      return 'idle';
  }
}

/** Which actions apply to a container in this state (what Docker itself would accept). */
export function availableActions(state: ContainerStateName): {
  start: boolean;
  stop: boolean;
  restart: boolean;
  remove: boolean;
} {
  return {
    start: state === 'created' || state === 'exited',
    stop: state === 'running' || state === 'restarting' || state === 'paused',
    restart: state === 'running' || state === 'exited' || state === 'created' || state === 'paused',
    remove: state !== 'removing',
  };
}

/** `docker rm` refuses a container that is not stopped unless forced. */
export function removeNeedsForce(state: ContainerStateName): boolean {
  return state === 'running' || state === 'restarting' || state === 'paused';
}

/**
 * A duration in the words `docker ps` uses ("Less than a second", "About a minute", "3 hours",
 * "2 weeks"…), with the same steps, so the list reads as the CLI would at this moment.
 */
export function humanDuration(ms: number): string {
  const s = Math.floor(Math.max(0, ms) / 1000);
  if (s < 1) return 'Less than a second';
  if (s === 1) return '1 second';
  if (s < 60) return `${s} seconds`;
  const m = Math.floor(s / 60);
  if (m === 1) return 'About a minute';
  if (m < 60) return `${m} minutes`;
  const h = Math.round(ms / 3_600_000);
  if (h === 1) return 'About an hour';
  if (h < 48) return `${h} hours`;
  if (h < 24 * 7 * 2) return `${Math.floor(h / 24)} days`;
  if (h < 24 * 30 * 2) return `${Math.floor(h / 24 / 7)} weeks`;
  if (h < 24 * 365 * 2) return `${Math.floor(h / 24 / 30)} months`;
  return `${Math.floor(ms / 3_600_000 / 24 / 365)} years`;
}

/**
 * The STATUS text at `now`: the engine's text is true only when the list was read, so it is
 * written again from the run's start or end ("Up 5 minutes", "Exited (0) 2 hours ago"), keeping
 * what the engine adds in brackets ("(healthy)", "(Paused)"). Without times, the engine's text.
 */
export function liveStatus(c: ContainerInfo, now: number): string {
  const tail = /\s(\([^()]*\))$/.exec(c.status)?.[1];
  const withTail = (s: string) => (tail ? `${s} ${tail}` : s);
  if ((c.state === 'running' || c.state === 'paused') && c.startedAt !== null) return withTail(`Up ${humanDuration(now - c.startedAt)}`);
  if (c.finishedAt !== null && c.exitCode !== null) {
    if (c.state === 'exited') return `Exited (${c.exitCode}) ${humanDuration(now - c.finishedAt)} ago`;
    if (c.state === 'restarting') return `Restarting (${c.exitCode}) ${humanDuration(now - c.finishedAt)} ago`;
  }
  return c.status;
}

/** `127.0.0.1:18082→8080/tcp`, `[::]:80→80/tcp`, or `8080/tcp` when not published. */
/**
 * An image reference split for a narrow column: the repository (which may be cut short) and the
 * tag (which must stay in view: it is what tells two versions apart). `nginx` is `:latest`, as
 * Docker reads it; a digest is shortened; an id is shown short, with no tag.
 */
export function splitImage(ref: string): { repo: string; tag: string } {
  if (/^(?:sha256:)?[a-f0-9]{12,64}$/.test(ref)) return { repo: ref.replace(/^sha256:/, '').slice(0, 12), tag: '' };
  const at = ref.indexOf('@');
  const named = at >= 0 ? ref.slice(0, at) : ref;
  const digest = at >= 0 ? ref.slice(at + 1) : '';
  const colon = named.lastIndexOf(':');
  const hasTag = colon > named.lastIndexOf('/');
  const repo = hasTag ? named.slice(0, colon) : named;
  if (hasTag) return { repo, tag: named.slice(colon) };
  if (digest) return { repo, tag: `@${digest.replace(/^sha256:/, '').slice(0, 12)}` };
  return { repo, tag: ':latest' };
}

export function formatPort(p: PortInfo): string {
  if (p.publicPort === null) return `${p.privatePort}/${p.protocol}`;
  const ip = p.ip.includes(':') ? `[${p.ip}]` : p.ip;
  return `${ip ? `${ip}:` : ''}${p.publicPort}→${p.privatePort}/${p.protocol}`;
}

/** Published ports first (by host port), then exposed ones; duplicates dropped. */
export function formatPorts(ports: readonly PortInfo[]): string[] {
  const sorted = [...ports].sort(
    (a, b) =>
      Number(a.publicPort === null) - Number(b.publicPort === null) ||
      (a.publicPort ?? 0) - (b.publicPort ?? 0) ||
      a.privatePort - b.privatePort ||
      a.ip.localeCompare(b.ip) ||
      a.protocol.localeCompare(b.protocol),
  );
  return [...new Set(sorted.map(formatPort))];
}

/** Filter terms: whitespace-separated, all must match, case-insensitive. */
export function filterTerms(query: string): string[] {
  return query.toLowerCase().split(/\s+/).filter(Boolean);
}

export function containerMatches(c: ContainerInfo, host: HostInfo | undefined, terms: readonly string[]): boolean {
  if (terms.length === 0) return true;
  const haystack = [
    c.name,
    c.image,
    c.project ?? '',
    c.service ?? '',
    c.status,
    c.state,
    host?.name ?? '',
    host?.address ?? '',
  ]
    .join('\n')
    .toLowerCase();
  return terms.every((t) => haystack.includes(t));
}

export const STANDALONE = 'Standalone';

export interface ProjectGroup {
  /** Stable key within the host: the project name, or '' for standalone containers. */
  key: string;
  project: string | null;
  label: string;
  /** The containers to show (after filtering), sorted by name. */
  containers: ContainerInfo[];
  /** Summary of the whole project, filter or not. */
  running: number;
  total: number;
}

export interface HostGroup {
  host: HostInfo;
  info: HostContainersInfo | undefined;
  projects: ProjectGroup[];
  /** Containers on the host, and how many pass the filter. */
  total: number;
  matched: number;
}

// One collator for every comparison: `localeCompare` with options sets one up for each call,
// which sorting a thousand containers on each filter key would pay for tens of thousands of times.
const nameOrder = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
const byName = (a: string, b: string) => nameOrder.compare(a, b);

/**
 * Hosts (by name) → compose projects (by name, "Standalone" last) → containers (by name).
 * With a filter, containers that do not match are dropped, and so are projects left empty;
 * hosts are kept only if something on them matches.
 */
export function groupContainers(
  hosts: readonly HostInfo[],
  containers: Readonly<Record<HostId, HostContainersInfo | undefined>>,
  query: string,
): HostGroup[] {
  const terms = filterTerms(query);
  const groups: HostGroup[] = [];
  for (const host of [...hosts].sort((a, b) => byName(a.name, b.name))) {
    const info = containers[host.id];
    const list = info?.containers ?? [];
    const projects = new Map<string, { project: string | null; all: ContainerInfo[] }>();
    for (const c of list) {
      const key = c.project ?? '';
      let p = projects.get(key);
      if (!p) projects.set(key, (p = { project: c.project, all: [] }));
      p.all.push(c);
    }
    const projectGroups: ProjectGroup[] = [];
    let matched = 0;
    for (const [key, p] of projects) {
      const shown = p.all.filter((c) => containerMatches(c, host, terms)).sort((a, b) => byName(a.name, b.name));
      matched += shown.length;
      if (terms.length > 0 && shown.length === 0) continue;
      projectGroups.push({
        key,
        project: p.project,
        label: p.project ?? STANDALONE,
        containers: shown,
        running: p.all.filter((c) => c.state === 'running').length,
        total: p.all.length,
      });
    }
    projectGroups.sort((a, b) => Number(a.project === null) - Number(b.project === null) || byName(a.label, b.label));
    if (terms.length > 0 && matched === 0) continue;
    groups.push({ host, info, projects: projectGroups, total: list.length, matched });
  }
  return groups;
}

export function projectKey(hostId: HostId, project: string): string {
  return `${hostId}/${project}`;
}
