import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostId } from '../../../shared/contract';
import { requireLab } from '../test-support/lab';
import { inspectNetwork, listNetworks, removeNetwork, removeUnusedNetworks } from './networks';
import { cleanupByLabel, LAB_IMAGE, TEST_LABEL, failure } from '../test-support/docker-fixtures';

// Networks against the lab's main engine. Ours are hp-res-net-<pid>…, labelled homeport.test=<pid>;
// remove-unused is run limited to that label so that it cannot take anybody else's network.

const pid = process.pid;
const LABEL = `${TEST_LABEL}=${pid}`;
const NET = `hp-res-net-${pid}`;
const USED = `hp-res-net-${pid}-used`;
const hostId = HostId('lab');
let docker: Docker;

beforeAll(async () => {
  const lab = await requireLab();
  docker = new Docker({ socketPath: lab.engine1.socket });
  const labels = { [TEST_LABEL]: String(pid) };
  await docker.createNetwork({ Name: NET, Driver: 'bridge', Internal: true, Labels: labels, IPAM: { Driver: 'default', Config: [{ Subnet: '10.213.7.0/24', Gateway: '10.213.7.1' }] } });
  await docker.createNetwork({ Name: USED, Driver: 'bridge', Labels: labels });
  // Created, never started: attached all the same, and it would need the network to start.
  await docker.createContainer({ Image: LAB_IMAGE, name: `hp-res-net-user-${pid}`, Cmd: ['true'], Labels: labels, HostConfig: { NetworkMode: USED } });
});

afterAll(async () => {
  if (docker) await cleanupByLabel(docker, LABEL);
});

describe('networks', () => {
  it('lists networks with driver, scope, subnets and the containers attached, running or not', async () => {
    const list = await listNetworks(docker, hostId);
    const mine = list.find((n) => n.name === NET);
    expect(mine).toMatchObject({ hostId, driver: 'bridge', scope: 'local', internal: true, subnets: ['10.213.7.0/24'], gateways: ['10.213.7.1'], builtIn: false, containers: [] });
    const used = list.find((n) => n.name === USED)!;
    expect(used.containers).toEqual([expect.objectContaining({ name: `hp-res-net-user-${pid}`, state: 'created', ipv4: null })]);
    expect(list.find((n) => n.name === 'host')).toMatchObject({ builtIn: true, driver: 'host' });
    expect(list.find((n) => n.name === 'none')).toMatchObject({ builtIn: true, driver: 'null' });
    const labapi = list.find((n) => n.name === 'labapi_default');
    expect(labapi).toMatchObject({ project: 'labapi', builtIn: false });
    expect(labapi!.containers.map((c) => c.name)).toContain('labapi_api_1');
    expect(labapi!.containers.find((c) => c.name === 'labapi_api_1')!.ipv4).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  });

  it('inspects one network', async () => {
    const n = await inspectNetwork(docker, hostId, NET);
    expect(n).toMatchObject({ name: NET, ipamDriver: 'default', ipam: [{ subnet: '10.213.7.0/24', gateway: '10.213.7.1', ipRange: null }], ingress: false });
    expect((n.raw as { Name: string }).Name).toBe(NET);
    const api = await inspectNetwork(docker, hostId, 'labapi_default');
    expect(api.containers.find((c) => c.name === 'labapi_api_1')!.ipv4).toMatch(/\/\d+$/); // inspect gives the CIDR form
    expect((await failure(inspectNetwork(docker, hostId, `${NET}-absent`))).code).toBe('NOT_FOUND');
    expect((await failure(inspectNetwork(docker, hostId, 'bad name; $(x)'))).code).toBe('VALIDATION');
  });

  it('refuses to remove built-in networks and networks in use, naming the containers', async () => {
    for (const b of ['host', 'none']) expect((await failure(removeNetwork(docker, b))).message).toContain('belongs to the engine');
    let e = await failure(removeNetwork(docker, USED));
    expect(e.code).toBe('CONFLICT');
    expect(e.message).toContain(`hp-res-net-user-${pid}`);
    expect(e.message).toContain('stopped');
    e = await failure(removeNetwork(docker, 'labapi_default', { force: true }));
    expect(e.message).toContain('running');
    expect((await docker.listNetworks()).some((n) => n.Name === 'labapi_default')).toBe(true);
  });

  it('removes unused networks only: never built-ins, never one a stopped container needs', async () => {
    const r = await removeUnusedNetworks(docker, { label: LABEL });
    expect(r).toEqual({ deleted: [NET], failed: [] });
    const names = (await docker.listNetworks()).map((n) => n.Name);
    expect(names).not.toContain(NET);
    expect(names).toEqual(expect.arrayContaining([USED, 'host', 'none', 'labapi_default']));
  });

  it('removes one network once free (or with force while only stopped containers hold it)', async () => {
    await removeNetwork(docker, USED, { force: true });
    expect((await docker.listNetworks()).some((n) => n.Name === USED)).toBe(false);
  });
});
