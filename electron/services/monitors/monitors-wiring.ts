/**
 * What connects the monitors to the rest of Homeport (used by app.ts; kept here so it can be
 * tested on its own):
 *
 * - `hostExecVia(hosts)`: ssh-command monitors run `sh -c <the command, one single-quoted word>`
 *   on the host's existing ssh2 connection (never a second login, never text spliced raw).
 * - `engineFeedVia(engines)`: container monitors borrow the engine hub's dockerode for the host
 *   and follow the hub's one event stream per host.
 * - `referenceTargetsFromEnv()`: the local-network check's targets (see below).
 * - `wireMonitors(...)`: follows the hosts' changes (host reachability → the policy's one grouped
 *   "host unreachable, N affected" alert, and unknown monitors meanwhile), the engine hub's
 *   availability (engine up/down → container watches) and container lists (label-declared
 *   monitors, debounced), prunes the history hourly, and offers the monitors to suggest.
 * - `monitorSuggestions(...)`, `labelMonitorInput(...)` and `syncLabelsOf(...)`: see their
 *   comments; the label scheme is documented in README.md ("Monitors declared by container labels").
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type Dockerode from 'dockerode';
import { HomeportError, MonitorId, type HostContainersInfo, type HostId, type HostInfo, type MonitorConfigInput, type MonitorSuggestionInfo } from '../../../shared/contract';
import type { EngineHub } from '../engines';
import type { HostsService } from '../hosts';
import type { Logger } from '../platform/platform';
import { sshExecShell } from '../ssh/ssh-exec';
import type { DockerLike } from './checks';
import type { LabelDeclaration } from './label-monitors';
import type { MonitorSnapshot, MonitorsManager } from './monitors-manager';
import type { EngineFeed } from './runtime/container-watches';
import type { HostExec } from './runtime/monitor-runtime';
import type { ReferenceTarget } from './runtime/network-check';

/** ssh-command monitors: the host's own SSH connection (a local engine has none). */
export function hostExecVia(hosts: Pick<HostsService, 'connection'>): HostExec {
  return (hostId, command, signal) => {
    const conn = hosts.connection(hostId);
    if (!conn) return Promise.reject(new HomeportError({ code: 'NOT_FOUND', message: 'The host of this monitor was removed.', fix: 'Edit the monitor and choose another host.' }));
    let ssh: typeof conn.ssh;
    try {
      ssh = conn.ssh; // throws DISCONNECTED (naming why) while the host is not connected
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
    if (!ssh) return Promise.reject(new HomeportError({ code: 'VALIDATION', message: 'This host is a local engine, reached without SSH.', fix: 'Use an SSH host for command monitors.' }));
    return sshExecShell(ssh, command, signal);
  };
}

/** Container monitors: the engine hub's Docker client for a connected host (else null: they wait), and its events. */
export function engineFeedVia(engines: Pick<EngineHub, 'dockerOf' | 'subscribeRaw' | 'eventsOpen'>): EngineFeed {
  return {
    dockerOf: (hostId) => {
      try {
        return engines.dockerOf(hostId) as unknown as DockerLike;
      } catch {
        return null;
      }
    },
    subscribe: (hostId, listener, resumed) => engines.subscribeRaw(hostId, listener, resumed),
    eventsOpen: (hostId) => engines.eventsOpen(hostId),
  };
}

/**
 * The reference targets that tell whether this computer's own network works. Default: the default
 * gateway (TCP 53, 80 and 443: a home router answers on one of them) and the system's DNS
 * servers (TCP 53), loopback ones left out (a local stub resolver proves nothing). Any one
 * answering means the network works. `HOMEPORT_REFERENCE_TARGETS` overrides: `none`, or
 * `host:port,host:port`.
 */
export function referenceTargetsFromEnv(env: NodeJS.ProcessEnv = process.env, read: (file: string) => string = (f) => readFileSync(f, 'utf8')): ReferenceTarget[] {
  const given = env.HOMEPORT_REFERENCE_TARGETS?.trim();
  if (given !== undefined && given !== '') {
    if (given === 'none') return [];
    return given
      .split(',')
      .map((t) => t.trim())
      .map((t) => /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(t))
      .filter((m): m is RegExpExecArray => m !== null && Number(m[2]) >= 1 && Number(m[2]) <= 65_535)
      .map((m) => ({ host: m[1]!, port: Number(m[2]) }));
  }
  const out: ReferenceTarget[] = [];
  const gateway = defaultGateway(read);
  if (gateway) for (const port of [53, 80, 443]) out.push({ host: gateway, port });
  for (const ns of nameservers(read)) if (!out.some((t) => t.host === ns && t.port === 53)) out.push({ host: ns, port: 53 });
  return out.slice(0, 6);
}

/** The IPv4 default gateway from /proc/net/route (Linux); null elsewhere or when there is none. */
export function defaultGateway(read: (file: string) => string): string | null {
  let text: string;
  try {
    text = read('/proc/net/route');
  } catch {
    return null;
  }
  for (const line of text.split('\n').slice(1)) {
    const [, dest, gw, flags] = line.trim().split(/\s+/);
    if (dest !== '00000000' || !gw || gw === '00000000' || !flags || (parseInt(flags, 16) & 0x2) === 0) continue;
    const n = parseInt(gw, 16);
    // Little-endian hex.
    const ip = [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, (n >>> 24) & 255].join('.');
    return isIP(ip) ? ip : null;
  }
  return null;
}

function nameservers(read: (file: string) => string): string[] {
  let text: string;
  try {
    text = read('/etc/resolv.conf');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .map((l) => /^\s*nameserver\s+(\S+)/.exec(l)?.[1])
    .filter((ip): ip is string => !!ip && isIP(ip) !== 0 && !ip.startsWith('127.') && ip !== '::1');
}

/** Where a host's published ports are reached from this computer. */
function hostAddress(h: HostInfo): string {
  if (h.kind === 'local' || !h.hostname) return '127.0.0.1';
  return h.hostname.includes(':') && !h.hostname.startsWith('[') ? `[${h.hostname}]` : h.hostname;
}

/**
 * A container monitor for every running container that has none, an HTTP monitor for every
 * published TCP port that no HTTP monitor targets yet (`http://<host's address>:<port>/`), and
 * every monitor a container declares with labels that the user has not added yet (one that is
 * refused says why, and cannot be added).
 */
export function monitorSuggestions(engines: HostContainersInfo[], hosts: HostInfo[], monitors: MonitorSnapshot[], declared: readonly LabelDeclaration[] = []): MonitorSuggestionInfo[] {
  const out: MonitorSuggestionInfo[] = [];
  const ids = new Set(monitors.map((m) => m.config.id));
  for (const d of declared) {
    if (ids.has(d.id)) continue;
    const host = hosts.find((h) => h.id === d.hostId);
    if (!host) continue;
    out.push({
      key: `${d.hostId}/${d.container}/label`,
      kind: 'label',
      hostId: host.id,
      hostName: host.name,
      container: d.container,
      reason: `${d.container} on ${host.name} declares a monitor with its homeport.monitor.* labels`,
      input: 'input' in d ? d.input : { type: 'container', name: d.container, hostId: host.id, container: d.container },
      ...('error' in d ? { problem: d.error } : {}),
    });
  }
  const watched = new Set(monitors.filter((m) => m.config.type === 'container').map((m) => `${(m.config as { hostId: string }).hostId}\0${(m.config as { container: string }).container}`));
  const urls = new Set(
    monitors
      .filter((m) => m.config.type === 'http')
      .map((m) => {
        try {
          const u = new URL((m.config as { url: string }).url);
          return `${u.hostname.replace(/^\[|\]$/g, '')}:${u.port || (u.protocol === 'https:' ? '443' : '80')}`;
        } catch {
          return '';
        }
      }),
  );
  for (const e of engines) {
    const host = hosts.find((h) => h.id === e.hostId);
    if (!host) continue;
    const address = hostAddress(host);
    for (const c of e.containers) {
      if (c.state !== 'running') continue;
      if (!watched.has(`${e.hostId}\0${c.name}`)) {
        out.push({
          key: `${e.hostId}/${c.name}/container`,
          kind: 'container',
          hostId: e.hostId,
          hostName: host.name,
          container: c.name,
          reason: `${c.name} is running on ${host.name} without a monitor`,
          input: { type: 'container', name: `${c.name} (${host.name})`, hostId: e.hostId, container: c.name },
        });
      }
      const seen = new Set<number>();
      for (const p of c.ports) {
        if (p.protocol !== 'tcp' || p.publicPort === null || seen.has(p.publicPort)) continue;
        seen.add(p.publicPort);
        if (urls.has(`${address.replace(/^\[|\]$/g, '')}:${p.publicPort}`)) continue;
        const url = `http://${address}:${p.publicPort}/`;
        out.push({
          key: `${e.hostId}/${c.name}/${p.publicPort}`,
          kind: 'port',
          hostId: e.hostId,
          hostName: host.name,
          container: c.name,
          reason: `${c.name} publishes port ${p.publicPort} on ${host.name}`,
          input: { type: 'http', name: `${c.name} :${p.publicPort}`, url },
        });
      }
    }
  }
  return out;
}

/** The label prefix of monitors declared by containers. */
export const LABEL_PREFIX = 'homeport.monitor.';

/** The id a label monitor gets: stable for (host, container), so it is updated in place. */
export function labelMonitorId(hostId: HostId, container: string): MonitorId {
  return MonitorId(`m_lbl${createHash('sha256').update(`${hostId}\0${container}`).digest('base64url').slice(0, 24)}`);
}

interface LabelledContainer {
  name: string;
  labels: Record<string, string>;
  /** Published TCP ports: the defaults, and the only ports a label may point at. */
  ports: number[];
}


/**
 * The monitor a container declares with `homeport.monitor.*` labels, as monitors.add input, or an
 * error message naming the label. Scheme:
 * - `homeport.monitor.type`: `container` (the default when any homeport.monitor.* label is set),
 *   `http` or `tcp`;
 * - `homeport.monitor.name`: the monitor's name (default: the container's name);
 * - `homeport.monitor.url` (http): the URL; default `http://<host's address>:<first published port>/`;
 * - `homeport.monitor.port` (tcp, or http without url): the port; default the first published port;
 * - `homeport.monitor.keyword` (http): text the page must contain;
 * - `homeport.monitor.status` (http): accepted status codes, comma-separated (`200-299,301`);
 * - `homeport.monitor.interval`, `.timeout`, `.retries`, `.retry_interval` (seconds / a count);
 * - `homeport.monitor.upside_down`: `true` flips up and down.
 *
 * Labels come with images anyone can publish, so a declaration may only point at its own
 * container: the host's address (`address`) and a port the container publishes. Anything else is
 * refused with a message that names the label; nothing is added until the user approves it.
 */
export function labelMonitorInput(c: LabelledContainer, hostId: string, address: string): { input: MonitorConfigInput } | { error: string } {
  const l = (k: string) => c.labels[LABEL_PREFIX + k]?.trim();
  const type = (l('type') || 'container').toLowerCase();
  const num = (k: string): number | undefined | string => {
    const v = l(k);
    if (v === undefined || v === '') return undefined;
    return /^\d{1,6}$/.test(v) ? Number(v) : `${LABEL_PREFIX}${k} must be a whole number, not ${JSON.stringify(v.slice(0, 40))}`;
  };
  const common: Record<string, unknown> = { name: l('name') || c.name };
  for (const [k, field] of [
    ['interval', 'intervalSec'],
    ['timeout', 'timeoutSec'],
    ['retries', 'retries'],
    ['retry_interval', 'retryIntervalSec'],
  ] as const) {
    const v = num(k);
    if (typeof v === 'string') return { error: v };
    if (v !== undefined) common[field] = v;
  }
  const ud = l('upside_down');
  if (ud !== undefined && ud !== '') common.upsideDown = ud === 'true' || ud === '1';
  const port = num('port');
  if (typeof port === 'string') return { error: port };
  const firstPort = port ?? c.ports[0];
  const bare = (h: string) => h.replace(/^\[|\]$/g, '').toLowerCase();
  const published = c.ports.length ? `it publishes ${c.ports.join(', ')}` : 'it publishes no port';
  const notPublished = (label: string, p: number) =>
    `${LABEL_PREFIX}${label}: port ${p} is not published by the container (${published}); a label may only point at its container's published ports`;
  if (typeof port === 'number' && (type === 'http' || type === 'tcp') && !c.ports.includes(port)) return { error: notPublished('port', port) };
  switch (type) {
    case 'container':
      return { input: { ...common, type: 'container', hostId, container: c.name } as MonitorConfigInput };
    case 'http': {
      const url = l('url') || (firstPort ? `http://${address}:${firstPort}/` : '');
      if (!url) return { error: `${LABEL_PREFIX}url is missing and the container publishes no port` };
      let u: URL;
      try {
        u = new URL(url);
      } catch {
        return { error: `${LABEL_PREFIX}url ${JSON.stringify(url.slice(0, 80))} is not a URL` };
      }
      if (bare(u.hostname) !== bare(address)) {
        return { error: `${LABEL_PREFIX}url points at ${u.hostname}, not at the container's host (${address}); a label may only point at its own container` };
      }
      const urlPort = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
      if (!c.ports.includes(urlPort)) return { error: notPublished('url', urlPort) };
      const input: Record<string, unknown> = { ...common, type: 'http', url };
      const kw = l('keyword');
      if (kw) input.keyword = { text: kw };
      const st = l('status');
      if (st) input.acceptedStatus = st.split(',').map((x) => x.trim()).filter(Boolean);
      return { input: input as unknown as MonitorConfigInput };
    }
    case 'tcp': {
      if (!firstPort) return { error: `${LABEL_PREFIX}port is missing and the container publishes no port` };
      const host = l('host') || address.replace(/^\[|\]$/g, '');
      if (bare(host) !== bare(address)) {
        return { error: `${LABEL_PREFIX}host is ${host.slice(0, 80)}, not the container's host (${address}); a label may only point at its own container` };
      }
      return { input: { ...common, type: 'tcp', host, port: firstPort } as MonitorConfigInput };
    }
    default:
      return { error: `${LABEL_PREFIX}type ${JSON.stringify(type.slice(0, 40))} is not container, http or tcp` };
  }
}

/**
 * Reads what a host's containers declare with homeport.monitor.* labels and hands it to the
 * monitors: new declarations become suggestions, monitors the user already added follow their
 * labels (see MonitorsManager.syncLabelMonitors).
 */
export async function syncLabelsOf(hostId: HostId, host: HostInfo, docker: Dockerode, monitors: MonitorsManager, logger: Logger): Promise<void> {
  const raw = await docker.listContainers({ all: true });
  const declared: LabelDeclaration[] = [];
  const present: string[] = [];
  for (const r of raw) {
    const name = (r.Names?.[0] ?? r.Id.slice(0, 12)).replace(/^\//, '');
    present.push(name);
    const labels = r.Labels ?? {};
    if (!Object.keys(labels).some((k) => k.startsWith(LABEL_PREFIX))) continue;
    const ports = [...new Set((r.Ports ?? []).filter((p) => p.Type === 'tcp' && p.PublicPort).map((p) => p.PublicPort))];
    const made = labelMonitorInput({ name, labels, ports }, hostId, hostAddress(host));
    if ('error' in made) logger.warn('monitors: a container declares a monitor that is refused', { hostId, container: name, error: made.error });
    declared.push({ id: labelMonitorId(hostId, name), hostId, container: name, ...made });
  }
  const r = monitors.syncLabelMonitors(hostId, declared, present);
  if (r.errors.length) logger.warn('monitors: some label monitors are not valid', { hostId, errors: r.errors.slice(0, 5) });
}

export interface WireOptions {
  monitors: MonitorsManager;
  hosts: Pick<HostsService, 'list' | 'events'>;
  engines: Pick<EngineHub, 'dockerOf' | 'onAvailability' | 'list' | 'events'>;
  logger: Logger;
  /** How often the history is pruned (default hourly). */
  pruneEveryMs?: number;
  /** Label sync debounce after a host's container list changed (default 500 ms). */
  labelDebounceMs?: number;
}

export interface MonitorsWiring {
  /**
   * The monitors offered now (see monitorSuggestions): the labels are read first, so a container
   * that just appeared is there.
   */
  suggestions(): Promise<MonitorSuggestionInfo[]>;
  stop(): void;
}

/** Follows hosts and containers for the monitors. */
export function wireMonitors(o: WireOptions): MonitorsWiring {
  /** Hosts whose engine the hub can hand out now. */
  const connected = new Set<HostId>();
  const reachable = new Map<HostId, 'up' | 'down' | 'deliberate'>();
  const known = new Map<HostId, HostInfo>();
  const labelTimers = new Map<HostId, NodeJS.Timeout>();
  let stopped = false;

  const syncLabels = async (hostId: HostId): Promise<void> => {
    const host = known.get(hostId);
    if (stopped || !host || !connected.has(hostId)) return;
    let docker: Dockerode;
    try {
      docker = o.engines.dockerOf(hostId);
    } catch {
      return;
    }
    await syncLabelsOf(hostId, host, docker, o.monitors, o.logger).catch((e: unknown) =>
      o.logger.warn('monitors: could not read container labels', { hostId, error: e instanceof Error ? e.message : String(e) }),
    );
  };
  const scheduleLabels = (hostId: HostId) => {
    const t = labelTimers.get(hostId);
    if (t) clearTimeout(t);
    labelTimers.set(
      hostId,
      setTimeout(() => {
        labelTimers.delete(hostId);
        void syncLabels(hostId);
      }, o.labelDebounceMs ?? 500),
    );
  };

  // Container monitors follow the engine itself, not the "connected" announcement: the hub tells
  // when its engine can be used (and, on subscribing, which can be now), so a watch (re)starts on
  // every new connection whatever order the announcements come in.
  const offEngines = o.engines.onAvailability((hostId, available) => {
    if (stopped) return;
    if (available) {
      connected.add(hostId);
      o.monitors.hostEngineUp(hostId);
      scheduleLabels(hostId);
    } else if (connected.delete(hostId)) {
      o.monitors.hostEngineDown(hostId);
    }
  });

  let heard = false;
  const onHosts = (list: HostInfo[], snapshot = false) => {
    // The first list is read before the hosts start connecting: once an event has been heard, it is stale.
    if (snapshot && heard) return;
    if (!snapshot) heard = true;
    const ids = new Set<HostId>(list.map((h) => h.id));
    for (const id of [...known.keys()]) {
      if (ids.has(id)) continue;
      known.delete(id);
      reachable.delete(id);
    }
    for (const h of list) {
      known.set(h.id, h);
      const status = h.state.status;
      const isUp = status === 'connected';
      // A first connection attempt says nothing yet; every other state means the host cannot be
      // reached (and "disconnected" that the user asked for it: not an outage to alert about).
      if (status === 'connecting') continue;
      const said = isUp ? 'up' : status === 'disconnected' ? 'deliberate' : 'down';
      if (reachable.get(h.id) !== said) {
        reachable.set(h.id, said);
        o.monitors.hostReachability(h.id, h.name, isUp, said === 'deliberate');
      }
    }
  };

  const offHosts = o.hosts.events.on('changed', (list) => onHosts(list));
  const offContainers = o.engines.events.on('containers', (p) => {
    if (!p.loading && !p.error) scheduleLabels(p.hostId);
  });
  void o.hosts.list().then((list) => onHosts(list, true), () => {});

  const prune = setInterval(() => {
    try {
      o.monitors.pruneHistory();
    } catch (e) {
      o.logger.warn('monitors: could not prune the history', { error: (e as Error).message });
    }
  }, o.pruneEveryMs ?? 3_600_000);
  prune.unref?.();

  /** Reads every connected host's container labels now (suggestions are then up to date). */
  const readLabels = async (): Promise<void> => {
    await Promise.all([...connected].map((id) => syncLabels(id)));
  };

  return {
    suggestions: async () => {
      await readLabels();
      return monitorSuggestions(o.engines.list(), await o.hosts.list(), o.monitors.list(), o.monitors.labelDeclarations());
    },
    stop: () => {
      stopped = true;
      offHosts();
      offContainers();
      offEngines();
      clearInterval(prune);
      for (const t of labelTimers.values()) clearTimeout(t);
      labelTimers.clear();
    },
  };
}
