import type Dockerode from 'dockerode';
import {
  HomeportError,
  type ContainerInspectInfo,
  type EnvVarInfo,
  type HealthInfo,
  type HostId,
  type InspectPortInfo,
  type MountInfo,
  type NetworkAttachmentInfo,
} from '../../../shared/contract';
import { engineError, statusOf } from '../docker/engine-common';
import { isSecretEnv, MASK, splitEnv } from './secret-env';

/** The address a browser on this computer uses for the host: its SSH hostname, `localhost` for a local engine. */
export interface HostAddress {
  kind: 'ssh' | 'local';
  hostname: string;
}

/** The part of `GET /containers/{id}/json` read here (the rest only travels in the raw JSON). */
interface RawInspect {
  Id: string;
  Name?: string;
  Created?: string;
  Image?: string;
  RestartCount?: number;
  State?: {
    Status?: string;
    ExitCode?: number;
    StartedAt?: string;
    FinishedAt?: string;
    Health?: { Status?: string; FailingStreak?: number; Log?: Array<{ Start?: string; End?: string; ExitCode?: number; Output?: string }> | null };
  };
  Config?: {
    Image?: string;
    Env?: string[] | null;
    Cmd?: string[] | null;
    Entrypoint?: string[] | string | null;
    WorkingDir?: string;
    User?: string;
    Hostname?: string;
    Labels?: Record<string, string> | null;
    ExposedPorts?: Record<string, unknown> | null;
    Healthcheck?: { Test?: string[] | null } | null;
  };
  HostConfig?: { RestartPolicy?: { Name?: string; MaximumRetryCount?: number }; NetworkMode?: string };
  Mounts?: Array<{ Type?: string; Name?: string; Source?: string; Destination?: string; RW?: boolean; Mode?: string }> | null;
  NetworkSettings?: {
    Ports?: Record<string, Array<{ HostIp?: string; HostPort?: string }> | null> | null;
    Networks?: Record<string, { IPAddress?: string; GlobalIPv6Address?: string; Gateway?: string; MacAddress?: string; Aliases?: string[] | null }> | null;
  };
}

async function inspectRaw(docker: Dockerode, containerId: string): Promise<RawInspect> {
  try {
    return (await docker.getContainer(containerId).inspect()) as unknown as RawInspect;
  } catch (e) {
    if (statusOf(e) === 404) {
      throw new HomeportError({ code: 'NOT_FOUND', message: `No container ${containerId.slice(0, 64)} on this host.`, fix: 'It may have been removed; go back to the list.' });
    }
    throw engineError(e);
  }
}

/** Docker's zero time (never started) → null. */
function time(s: string | undefined): number | null {
  if (!s || s.startsWith('0001-')) return null;
  const t = Date.parse(s);
  return Number.isFinite(t) ? t : null;
}

const LOOPBACK = /^(127\.|::1$|localhost$)/;
const ANY = new Set(['', '0.0.0.0', '::']);
const HTTPS_PORTS = new Set([443, 8443, 9443]);

function urlHost(h: string): string {
  return h.includes(':') && !h.startsWith('[') ? `[${h}]` : h;
}

/** A published port → the link that opens it from this computer, or why there is none. */
export function portLink(hostIp: string, hostPort: number, privatePort: number, protocol: string, host: HostAddress): { url: string | null; note: string | null } {
  if (protocol !== 'tcp') return { url: null, note: `${protocol.toUpperCase()}: not a web address` };
  const onLoopback = LOOPBACK.test(hostIp);
  if (onLoopback && host.kind === 'ssh' && !LOOPBACK.test(host.hostname)) {
    return { url: null, note: "Bound to the host's loopback: reachable only from the host itself" };
  }
  const address = ANY.has(hostIp) || onLoopback ? (host.kind === 'local' ? 'localhost' : host.hostname) : hostIp;
  const scheme = HTTPS_PORTS.has(privatePort) || HTTPS_PORTS.has(hostPort) ? 'https' : 'http';
  return { url: `${scheme}://${urlHost(address)}:${hostPort}/`, note: null };
}

function ports(raw: RawInspect, host: HostAddress): InspectPortInfo[] {
  const out: InspectPortInfo[] = [];
  const bound = raw.NetworkSettings?.Ports ?? {};
  const keys = new Set([...Object.keys(raw.Config?.ExposedPorts ?? {}), ...Object.keys(bound)]);
  for (const key of keys) {
    const [portText, proto = 'tcp'] = key.split('/');
    const privatePort = Number(portText);
    if (!Number.isInteger(privatePort)) continue;
    const protocol = (proto === 'udp' || proto === 'sctp' ? proto : 'tcp') as InspectPortInfo['protocol'];
    const bindings = bound[key] ?? [];
    if (bindings.length === 0) {
      out.push({ privatePort, protocol, hostIp: null, hostPort: null, url: null, note: 'Exposed, not published on the host' });
      continue;
    }
    const seen = new Set<string>();
    for (const b of bindings) {
      const hostPort = Number(b.HostPort);
      // The engine lists 0.0.0.0 and :: separately for the same port: one entry.
      const ip = b.HostIp === '::' ? '0.0.0.0' : (b.HostIp ?? '');
      if (!Number.isInteger(hostPort) || seen.has(`${ip}|${hostPort}`)) continue;
      seen.add(`${ip}|${hostPort}`);
      out.push({ privatePort, protocol, hostIp: ip || '0.0.0.0', hostPort, ...portLink(ip, hostPort, privatePort, protocol, host) });
    }
  }
  return out.sort((a, b) => (a.hostPort ?? 1e6) - (b.hostPort ?? 1e6) || a.privatePort - b.privatePort);
}

function env(raw: RawInspect): EnvVarInfo[] {
  return (raw.Config?.Env ?? []).map((entry) => {
    const [name, value] = splitEnv(entry);
    const masked = isSecretEnv(name, value);
    return { name, value: masked ? null : value, masked };
  });
}

function health(raw: RawInspect): HealthInfo | null {
  const h = raw.State?.Health;
  const test = raw.Config?.Healthcheck?.Test ?? [];
  if (!h && (test.length === 0 || test[0] === 'NONE')) return null;
  const status = h?.Status;
  return {
    status: status === 'starting' || status === 'healthy' || status === 'unhealthy' ? status : 'none',
    failingStreak: h?.FailingStreak ?? 0,
    log: (h?.Log ?? []).map((l) => ({
      start: time(l.Start) ?? 0,
      end: time(l.End) ?? 0,
      exitCode: l.ExitCode ?? -1,
      // Check output can be long (a whole HTML page): the engine already caps it at 4 KiB.
      output: (l.Output ?? '').slice(0, 4096),
    })),
    test,
  };
}

function mounts(raw: RawInspect): MountInfo[] {
  return (raw.Mounts ?? []).map((m) => ({
    type: m.Type ?? 'unknown',
    name: m.Name || null,
    source: m.Source ?? '',
    destination: m.Destination ?? '',
    readOnly: m.RW === false,
    mode: m.Mode ?? '',
  }));
}

function networks(raw: RawInspect): NetworkAttachmentInfo[] {
  return Object.entries(raw.NetworkSettings?.Networks ?? {})
    .map(([name, n]) => ({
      name,
      ipAddress: n.IPAddress ?? '',
      ipv6Address: n.GlobalIPv6Address ?? '',
      gateway: n.Gateway ?? '',
      macAddress: n.MacAddress ?? '',
      aliases: n.Aliases ?? [],
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The raw answer with every masked env value replaced, pretty-printed. */
function maskedJson(raw: RawInspect): string {
  const copy = structuredClone(raw);
  if (copy.Config?.Env) {
    copy.Config.Env = copy.Config.Env.map((entry) => {
      const [name, value] = splitEnv(entry);
      return isSecretEnv(name, value) ? `${name}=${MASK}` : entry;
    });
  }
  return JSON.stringify(copy, null, 2);
}

const asList = (v: string[] | string | null | undefined): string[] => (v == null ? [] : Array.isArray(v) ? v : [v]);

/** `containers.inspect`: what the Inspect tab shows. Secret-looking env values stay in main. */
export async function inspectContainer(docker: Dockerode, hostId: HostId, containerId: string, host: HostAddress): Promise<ContainerInspectInfo> {
  const raw = await inspectRaw(docker, containerId);
  const state = raw.State ?? {};
  return {
    hostId,
    id: raw.Id,
    name: (raw.Name ?? '').replace(/^\//, '') || raw.Id.slice(0, 12),
    image: raw.Config?.Image ?? raw.Image ?? '',
    imageId: raw.Image ?? '',
    created: time(raw.Created) ?? 0,
    startedAt: time(state.StartedAt),
    finishedAt: time(state.FinishedAt),
    state: state.Status ?? 'unknown',
    exitCode: state.Status === 'exited' || state.Status === 'dead' ? (state.ExitCode ?? null) : null,
    restartCount: raw.RestartCount ?? 0,
    entrypoint: asList(raw.Config?.Entrypoint),
    command: asList(raw.Config?.Cmd),
    workingDir: raw.Config?.WorkingDir ?? '',
    user: raw.Config?.User ?? '',
    hostname: raw.Config?.Hostname ?? '',
    restartPolicy: { name: raw.HostConfig?.RestartPolicy?.Name || 'no', maximumRetryCount: raw.HostConfig?.RestartPolicy?.MaximumRetryCount ?? 0 },
    env: env(raw),
    mounts: mounts(raw),
    ports: ports(raw, host),
    labels: Object.entries(raw.Config?.Labels ?? {})
      .map(([key, value]) => ({ key, value }))
      .sort((a, b) => a.key.localeCompare(b.key)),
    networkMode: raw.HostConfig?.NetworkMode ?? '',
    networks: networks(raw),
    health: health(raw),
    rawJson: maskedJson(raw),
  };
}

/** `containers.revealEnv`: one value, read afresh from the engine, when the user clicks Reveal. */
export async function revealEnv(docker: Dockerode, containerId: string, name: string): Promise<{ value: string }> {
  const raw = await inspectRaw(docker, containerId);
  for (const entry of raw.Config?.Env ?? []) {
    const [n, value] = splitEnv(entry);
    if (n === name) return { value };
  }
  throw new HomeportError({ code: 'NOT_FOUND', message: 'The container has no such environment variable.', fix: 'Reload the Inspect tab; the container may have been recreated.' });
}
