import type Dockerode from 'dockerode';

/** Labels Homeport puts on an upgraded container: they link it to the container it replaced. */
export const UPGRADE_LABELS = {
  previousId: 'homeport.upgrade.previous-id',
  previousImage: 'homeport.upgrade.previous-image',
  at: 'homeport.upgrade.at',
} as const;

export const PREVIOUS_SUFFIX = '-homeport-previous';

/** Just the parts of an image's config the recreate rule compares against. */
export interface ImageDefaults {
  Env?: string[] | null;
  Cmd?: string[] | null;
  Entrypoint?: string[] | string | null;
  WorkingDir?: string;
  User?: string;
  Labels?: Record<string, string> | null;
  ExposedPorts?: Record<string, object> | null;
  Volumes?: Record<string, object> | null;
  Healthcheck?: unknown;
  StopSignal?: string;
}

export interface NetworkPlan {
  /** Given to create (the network the container's NetworkMode names), if it is a network at all. */
  primary: { name: string; endpoint: EndpointPlan } | null;
  /** Connected after create, before start. */
  others: Array<{ name: string; endpoint: EndpointPlan }>;
}

export interface EndpointPlan {
  Aliases?: string[];
  IPAMConfig?: Record<string, unknown>;
  Links?: string[];
  DriverOpts?: Record<string, string>;
}

export interface CreatePlan {
  body: Dockerode.ContainerCreateOptions;
  networks: NetworkPlan;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const asList = (v: string[] | string | null | undefined): string[] | null => (v == null ? null : Array.isArray(v) ? v : [v]);
const emptyToNull = (v: string[] | null) => (v && v.length ? v : null);

/**
 * The create request that recreates `old` from `image` with the same configuration.
 *
 * The rule for everything an image also sets (Env, Cmd, Entrypoint, WorkingDir, User, Labels,
 * ExposedPorts, Volumes, Healthcheck, StopSignal): a container's inspect shows image defaults and
 * the user's own settings merged, so each value is compared with the OLD image's default. Equal →
 * it was inherited, and is left out so the NEW image's default applies (a new version that changes
 * its command, PATH or healthcheck gets it). Different → the user set it (`docker run … cmd`,
 * `-e`, `--entrypoint`, `-w`, `-u`, `--health-cmd`…), and it is kept. A value the user set equal
 * to the old default cannot be told apart from an inherited one; following the new image is the
 * sensible reading. Entrypoint and Cmd go together: an overridden entrypoint keeps the command as
 * it was (the engine does not add an image's Cmd under a user's entrypoint either).
 *
 * HostConfig (binds, mounts, ports, restart policy, network mode, resources, devices…) belongs
 * to the container alone and is copied whole; anonymous volumes are carried over by name, so the
 * data in them stays with the service, as compose does.
 */
export function buildCreatePlan(old: Dockerode.ContainerInspectInfo, oldImage: ImageDefaults, imageRef: string, extraLabels: Record<string, string>): CreatePlan {
  const c = old.Config;
  const img = oldImage;
  const shortId = old.Id.slice(0, 12);

  const imgEnv = new Set(img.Env ?? []);
  const env = (c.Env ?? []).filter((e) => !imgEnv.has(e));

  const oldEntry = asList(c.Entrypoint as string[] | string | null | undefined);
  const entrypointOverridden = !same(emptyToNull(oldEntry), emptyToNull(asList(img.Entrypoint)));
  const cmd = asList(c.Cmd as string[] | string | null | undefined);
  const cmdKept = entrypointOverridden ? cmd : same(emptyToNull(cmd), emptyToNull(img.Cmd ?? null)) ? null : cmd;

  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(c.Labels ?? {})) {
    if (Object.values(UPGRADE_LABELS).includes(k as never)) continue;
    if (img.Labels && Object.hasOwn(img.Labels, k) && img.Labels[k] === v) continue;
    labels[k] = v;
  }
  Object.assign(labels, extraLabels);

  const hc = (old.HostConfig ?? {}) as Dockerode.HostConfig & Record<string, unknown>;
  const bound = new Set(Object.keys((hc.PortBindings as Record<string, unknown> | undefined) ?? {}));
  const exposed: Record<string, object> = {};
  for (const p of Object.keys((c.ExposedPorts as Record<string, object> | undefined) ?? {})) {
    if (bound.has(p) || !(img.ExposedPorts && Object.hasOwn(img.ExposedPorts, p))) exposed[p] = {};
  }
  const volumes: Record<string, object> = {};
  for (const v of Object.keys((c.Volumes as Record<string, object> | null | undefined) ?? {})) {
    if (!(img.Volumes && Object.hasOwn(img.Volumes, v))) volumes[v] = {};
  }

  // Anonymous volumes (an image's VOLUME, or `-v /path`) are not in Binds/Mounts: name them, so the
  // new container mounts the same data instead of a fresh empty volume.
  const binds = [...((hc.Binds as string[] | null | undefined) ?? [])];
  const declared = new Set<string>([
    ...binds.map((b) => bindTarget(b)),
    ...(((hc.Mounts as Array<{ Target?: string }> | null | undefined) ?? []).map((m) => m.Target ?? '')),
    ...Object.keys((hc.Tmpfs as Record<string, string> | null | undefined) ?? {}),
  ]);
  for (const m of old.Mounts ?? []) {
    const mm = m as Dockerode.ContainerInspectInfo['Mounts'][number] & { Type?: string };
    if (mm.Type === 'volume' && mm.Name && !declared.has(mm.Destination)) binds.push(`${mm.Name}:${mm.Destination}${mm.RW === false ? ':ro' : ''}`);
  }

  const hostConfig: Record<string, unknown> = { ...hc, Binds: binds.length ? binds : null };
  // Inspect shows legacy links as "/db:/app/db"; create takes "db:db".
  if (Array.isArray(hc.Links)) hostConfig.Links = (hc.Links as string[]).map(fromInspectLink);

  const body: Dockerode.ContainerCreateOptions & Record<string, unknown> = {
    Image: imageRef,
    Domainname: c.Domainname,
    AttachStdin: c.AttachStdin,
    AttachStdout: c.AttachStdout,
    AttachStderr: c.AttachStderr,
    Tty: c.Tty,
    OpenStdin: c.OpenStdin,
    StdinOnce: c.StdinOnce,
    Env: env,
    Labels: labels,
    ExposedPorts: exposed,
    Volumes: volumes,
    HostConfig: hostConfig as Dockerode.HostConfig,
  };
  // Docker sets the hostname to the short id; a user-given one is kept.
  if (c.Hostname && c.Hostname !== shortId) body.Hostname = c.Hostname;
  if (entrypointOverridden) body.Entrypoint = oldEntry ?? [];
  if (cmdKept) body.Cmd = cmdKept;
  if (c.WorkingDir && c.WorkingDir !== (img.WorkingDir ?? '')) body.WorkingDir = c.WorkingDir;
  if (c.User && c.User !== (img.User ?? '')) body.User = c.User;
  const cx = c as typeof c & { Healthcheck?: unknown; StopSignal?: string; StopTimeout?: number };
  if (cx.Healthcheck && !same(cx.Healthcheck, img.Healthcheck)) body.Healthcheck = cx.Healthcheck;
  if (cx.StopSignal && cx.StopSignal !== (img.StopSignal ?? '')) body.StopSignal = cx.StopSignal;
  if (cx.StopTimeout !== undefined && cx.StopTimeout !== null) body.StopTimeout = cx.StopTimeout;

  return { body, networks: planNetworks(old) };
}

/** The container path of a bind spec `source:target[:opts]` (or an anonymous `target`). */
function bindTarget(spec: string): string {
  const parts = spec.split(':');
  return parts.length === 1 ? parts[0]! : parts[1]!;
}

function fromInspectLink(link: string): string {
  const m = /^\/?([^:]+):\/?(?:[^/]+\/)*([^/]+)$/.exec(link);
  return m ? `${m[1]}:${m[2]}` : link;
}

/** Networks as they were: aliases (minus the engine's own short-id alias), static addresses, links. */
export function planNetworks(old: Dockerode.ContainerInspectInfo): NetworkPlan {
  const mode = (old.HostConfig?.NetworkMode ?? 'default') as string;
  const nets = (old.NetworkSettings?.Networks ?? {}) as Record<string, Dockerode.NetworkInfo & { DriverOpts?: Record<string, string> | null; IPAMConfig?: Record<string, unknown> | null; Links?: string[] | null }>;
  const shortId = old.Id.slice(0, 12);
  const endpoint = (n: (typeof nets)[string]): EndpointPlan => {
    const e: EndpointPlan = {};
    const aliases = ((n.Aliases as string[] | null | undefined) ?? []).filter((a: string) => a !== shortId && a !== old.Id);
    if (aliases.length) e.Aliases = aliases;
    if (n.IPAMConfig && Object.values(n.IPAMConfig).some((v) => v !== '' && v != null && !(Array.isArray(v) && v.length === 0))) e.IPAMConfig = n.IPAMConfig;
    if (n.Links?.length) e.Links = n.Links;
    if (n.DriverOpts && Object.keys(n.DriverOpts).length) e.DriverOpts = n.DriverOpts;
    return e;
  };
  // host, none and container:<id> have no endpoints to carry.
  if (mode === 'host' || mode === 'none' || mode.startsWith('container:')) return { primary: null, others: [] };
  const primaryName = mode === 'default' ? 'bridge' : (Object.keys(nets).find((k) => k === mode || nets[k]!.NetworkID === mode) ?? mode);
  const primary = nets[primaryName] ? { name: primaryName, endpoint: endpoint(nets[primaryName]) } : null;
  const others = Object.keys(nets)
    .filter((k) => k !== primaryName)
    .sort()
    .map((k) => ({ name: k, endpoint: endpoint(nets[k]!) }));
  return { primary, others };
}

/** The engine's log stream (multiplexed 8-byte frames unless the container has a TTY) as text. */
export function demuxLogs(buf: Buffer, tty: boolean): string {
  if (tty) return buf.toString('utf8');
  const out: Buffer[] = [];
  let i = 0;
  while (i + 8 <= buf.length) {
    const kind = buf[i]!;
    const len = buf.readUInt32BE(i + 4);
    if (kind > 2 || buf[i + 1] !== 0 || buf[i + 2] !== 0 || buf[i + 3] !== 0) return buf.toString('utf8'); // not framed
    out.push(buf.subarray(i + 8, i + 8 + len));
    i += 8 + len;
  }
  return Buffer.concat(out).toString('utf8');
}
