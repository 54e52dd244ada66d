import type Dockerode from 'dockerode';
import { HomeportError, type HostId, type NetworkContainerInfo, type NetworkDetailInfo, type NetworkInfo, type RemoveNetworksResultInfo } from '../../../shared/contract';
import { containerName, engineError, hasLabel, listUserContainers, nameList, notFound, quote, statusOf, validateName } from '../docker/engine-common';
import { engineMessage } from '../docker/engine-message';

/** The engine's own networks (and swarm's): never removed by Homeport. */
const BUILT_IN = new Set(['bridge', 'host', 'none', 'ingress', 'docker_gwbridge']);
const NETWORK_ID = /^[0-9a-f]{12,64}$/;

interface RawNetwork {
  Id: string;
  Name: string;
  Driver: string;
  Scope: string;
  Created?: string;
  EnableIPv6?: boolean;
  Internal?: boolean;
  Attachable?: boolean;
  Ingress?: boolean;
  IPAM?: { Driver?: string; Config?: Array<{ Subnet?: string; Gateway?: string; IPRange?: string }> | null; Options?: Record<string, string> | null };
  Options?: Record<string, string> | null;
  Labels?: Record<string, string> | null;
  Containers?: Record<string, { Name?: string; IPv4Address?: string; IPv6Address?: string; MacAddress?: string }> | null;
}

function validateNetworkRef(ref: unknown): string {
  if (typeof ref === 'string' && NETWORK_ID.test(ref)) return ref;
  return validateName('network', ref, 'network');
}

/**
 * Containers attached to each network id, running or not. A container that never started has an
 * empty NetworkID (the engine assigns it at start), so its attachment is found by network name.
 */
function attachments(containers: Dockerode.ContainerInfo[], networks: Array<Pick<RawNetwork, 'Id' | 'Name'>>): Map<string, NetworkContainerInfo[]> {
  const idByName = new Map(networks.map((n) => [n.Name, n.Id]));
  const m = new Map<string, NetworkContainerInfo[]>();
  for (const c of containers) {
    const nets = (c.NetworkSettings?.Networks ?? {}) as Record<string, { NetworkID?: string; IPAddress?: string; GlobalIPv6Address?: string; MacAddress?: string }>;
    for (const [name, n] of Object.entries(nets)) {
      const id = n.NetworkID || idByName.get(name);
      if (!id) continue;
      const list = m.get(id) ?? [];
      list.push({
        id: c.Id,
        name: containerName(c),
        state: c.State,
        ipv4: n.IPAddress || null,
        ipv6: n.GlobalIPv6Address || null,
        mac: n.MacAddress || null,
      });
      m.set(id, list);
    }
  }
  return m;
}

function toInfo(n: RawNetwork, hostId: HostId, containers: NetworkContainerInfo[]): NetworkInfo {
  const config = n.IPAM?.Config ?? [];
  const labels = n.Labels ?? {};
  const created = n.Created ? Date.parse(n.Created) : NaN;
  return {
    id: n.Id,
    hostId,
    name: n.Name,
    driver: n.Driver,
    scope: n.Scope,
    subnets: config.flatMap((c) => (c.Subnet ? [c.Subnet] : [])),
    gateways: config.flatMap((c) => (c.Gateway ? [c.Gateway] : [])),
    internal: n.Internal === true,
    attachable: n.Attachable === true,
    ipv6: n.EnableIPv6 === true,
    createdAt: Number.isFinite(created) ? created : null,
    labels,
    project: labels['com.docker.compose.project'] ?? null,
    builtIn: BUILT_IN.has(n.Name) || n.Ingress === true,
    containers: [...containers].sort((a, b) => a.name.localeCompare(b.name)),
  };
}

/**
 * Every network with the containers attached. The list endpoint leaves `Containers` empty (API
 * ≥ 1.28) and inspect names running containers only, so attachments come from the container list:
 * one call for all networks, stopped containers included.
 */
export async function listNetworks(docker: Dockerode, hostId: HostId): Promise<NetworkInfo[]> {
  let nets: RawNetwork[];
  let containers: Dockerode.ContainerInfo[];
  try {
    [nets, containers] = await Promise.all([docker.listNetworks() as Promise<RawNetwork[]>, listUserContainers(docker)]);
  } catch (e) {
    throw engineError(e);
  }
  const att = attachments(containers, nets);
  return nets
    .map((n) => toInfo(n, hostId, att.get(n.Id) ?? []))
    .sort((a, b) => Number(b.builtIn) - Number(a.builtIn) || a.name.localeCompare(b.name));
}

async function inspectRaw(docker: Dockerode, ref: string): Promise<RawNetwork> {
  try {
    return (await docker.getNetwork(ref).inspect()) as RawNetwork;
  } catch (e) {
    if (statusOf(e) === 404) throw notFound(`There is no network ${quote(ref)} on this host.`, 'Reload the network list.');
    throw engineError(e);
  }
}

/** One network in full: IPAM, options, attached containers with their addresses, the raw answer. */
export async function inspectNetwork(docker: Dockerode, hostId: HostId, ref: string): Promise<NetworkDetailInfo> {
  validateNetworkRef(ref);
  const [n, containers] = await Promise.all([inspectRaw(docker, ref), listUserContainers(docker)]);
  const attached = attachments(containers, [n]).get(n.Id) ?? [];
  // Inspect has the live addresses of running containers; prefer them.
  for (const [id, ep] of Object.entries(n.Containers ?? {})) {
    const a = attached.find((x) => x.id === id);
    if (!a) continue;
    a.ipv4 = ep.IPv4Address || a.ipv4;
    a.ipv6 = ep.IPv6Address || a.ipv6;
    a.mac = ep.MacAddress || a.mac;
  }
  return {
    ...toInfo(n, hostId, attached),
    ipamDriver: n.IPAM?.Driver ?? 'default',
    ipam: (n.IPAM?.Config ?? []).map((c) => ({ subnet: c.Subnet ?? null, gateway: c.Gateway ?? null, ipRange: c.IPRange ?? null })),
    options: n.Options ?? {},
    ingress: n.Ingress === true,
    raw: JSON.parse(JSON.stringify(n)) as unknown,
  };
}

/**
 * Remove one network. Refused for the engine's own (bridge, host, none), while a running container
 * is attached (the engine refuses too), and — unless `force` — while stopped containers are
 * attached: they would fail to start without it, which is how `docker network prune` breaks a
 * stopped compose stack.
 */
export async function removeNetwork(docker: Dockerode, ref: string, opts: { force?: boolean } = {}): Promise<void> {
  validateNetworkRef(ref);
  const n = await inspectRaw(docker, ref);
  if (BUILT_IN.has(n.Name) || n.Ingress) {
    throw new HomeportError({ code: 'CONFLICT', message: `The network ${quote(n.Name)} belongs to the engine and cannot be removed.`, fix: 'Only networks created by people or compose can be removed.' });
  }
  const attached = attachments(await listUserContainers(docker), [n]).get(n.Id) ?? [];
  const running = attached.filter((c) => c.state === 'running' || c.state === 'restarting' || c.state === 'paused');
  if (running.length || (attached.length && !opts.force)) {
    const stopped = attached.filter((c) => !running.includes(c));
    throw new HomeportError({
      code: 'CONFLICT',
      message:
        `The network ${quote(n.Name)} is in use by ${nameList(attached.map((c) => c.name))}` +
        (running.length ? ` (running: ${nameList(running.map((c) => c.name))})` : ' (stopped: they could not start again without it)') +
        '.',
      fix: running.length
        ? 'Stop and remove those containers (or disconnect them from the network) first.'
        : `Remove ${stopped.length === 1 ? 'that container' : 'those containers'} first, or remove the network with force.`,
      details: { network: n.Name, containers: attached.map((c) => c.name).join(', ') },
    });
  }
  try {
    await docker.getNetwork(n.Id).remove();
  } catch (e) {
    if (statusOf(e) === 404) return;
    if (statusOf(e) === 403 || statusOf(e) === 409) {
      throw new HomeportError({ code: 'CONFLICT', message: `Docker engine: ${engineMessage(e)}`, fix: 'Disconnect or remove the containers on it first.', details: { network: n.Name } });
    }
    throw engineError(e);
  }
}

/**
 * Remove every network no container — running or stopped — is attached to, except the engine's
 * own (`label`: only those carrying it, `key` or `key=value`). Stricter than `docker network prune` (which only counts running containers) on purpose:
 * a stopped compose stack keeps its network and can start again.
 */
export async function removeUnusedNetworks(docker: Dockerode, opts: { label?: string } = {}): Promise<RemoveNetworksResultInfo> {
  let nets: RawNetwork[];
  let containers: Dockerode.ContainerInfo[];
  try {
    // Helpers count here: one running right now is using its network.
    [nets, containers] = await Promise.all([docker.listNetworks() as Promise<RawNetwork[]>, docker.listContainers({ all: true })]);
  } catch (e) {
    throw engineError(e);
  }
  const att = attachments(containers, nets);
  const result: RemoveNetworksResultInfo = { deleted: [], failed: [] };
  for (const n of nets) {
    if (BUILT_IN.has(n.Name) || n.Ingress || n.Scope === 'swarm') continue;
    if ((att.get(n.Id) ?? []).length) continue;
    if (opts.label && !hasLabel(n.Labels, opts.label)) continue;
    try {
      await docker.getNetwork(n.Id).remove();
      result.deleted.push(n.Name);
    } catch (e) {
      if (statusOf(e) !== 404) result.failed.push({ name: n.Name, message: engineMessage(e) });
    }
  }
  return result;
}
