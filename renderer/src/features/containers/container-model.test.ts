import { describe, expect, it } from 'vitest';
import type { HostContainersInfo, HostId } from '../../../../shared/contract';
import { container, host, hostContainers } from '../../test-support/fixtures';
import {
  availableActions,
  containerMatches,
  containerStateLabel,
  containerStateTone,
  formatPort,
  formatPorts,
  groupContainers,
  humanDuration,
  liveStatus,
  removeNeedsForce,
  splitImage,
} from './container-model';

const lab = host({ name: 'lab' });
const attic = host({ name: 'attic', address: 'pi@attic.lan:2222' });
const web = container(lab, { name: 'labweb_web_1', project: 'labweb', service: 'web', image: 'nginx:1.27' });
const db = container(lab, { name: 'labweb_db_1', project: 'labweb', service: 'db', image: 'postgres:16', state: 'exited', status: 'Exited (0) 2 hours ago' });
const api = container(lab, { name: 'labapi-api-1', project: 'labapi', image: 'busybox' });
const loose = container(lab, { name: 'scratch', image: 'alpine' });
const kuma = container(attic, { name: 'uptime-kuma', project: 'monitoring', image: 'louislam/uptime-kuma:1' });

const byHost = (...infos: HostContainersInfo[]) => Object.fromEntries(infos.map((i) => [i.hostId, i])) as Record<HostId, HostContainersInfo>;

describe('groupContainers', () => {
  const data = byHost(hostContainers(lab, [web, loose, api, db]), hostContainers(attic, [kuma]));

  it('groups by host (by name), then project (by name, Standalone last), then container name', () => {
    const groups = groupContainers([lab, attic], data, '');
    expect(groups.map((g) => g.host.name)).toEqual(['attic', 'lab']);
    const labGroup = groups[1]!;
    expect(labGroup.projects.map((p) => p.label)).toEqual(['labapi', 'labweb', 'Standalone']);
    expect(labGroup.projects[1]!.containers.map((c) => c.name)).toEqual(['labweb_db_1', 'labweb_web_1']);
    expect(labGroup.projects[2]!.project).toBeNull();
  });

  it('summarises each project as running / total', () => {
    const labweb = groupContainers([lab], data, '')[0]!.projects.find((p) => p.label === 'labweb')!;
    expect([labweb.running, labweb.total]).toEqual([1, 2]);
  });

  it('keeps hosts without containers or without data yet', () => {
    const groups = groupContainers([lab, attic], byHost(hostContainers(lab, [])), '');
    expect(groups.map((g) => [g.host.name, g.info ? g.total : 'none'])).toEqual([
      ['attic', 'none'],
      ['lab', 0],
    ]);
  });

  it('filters by name, image, project, host and status, dropping empty projects and hosts', () => {
    const names = (q: string) => groupContainers([lab, attic], data, q).flatMap((g) => g.projects.flatMap((p) => p.containers.map((c) => c.name)));
    expect(names('postgres')).toEqual(['labweb_db_1']);
    expect(names('LABWEB')).toEqual(['labweb_db_1', 'labweb_web_1']);
    expect(names('attic')).toEqual(['uptime-kuma']);
    expect(names('exited')).toEqual(['labweb_db_1']);
    expect(names('2 hours')).toEqual(['labweb_db_1']);
    expect(names('lab web_1')).toEqual(['labweb_web_1']); // every term must match
    expect(names('nothing-like-this')).toEqual([]);
    const g = groupContainers([lab, attic], data, 'kuma');
    expect(g).toHaveLength(1);
    expect(g[0]!.projects.map((p) => p.label)).toEqual(['monitoring']);
  });

  it('keeps the project summary of the whole project while filtering', () => {
    const labweb = groupContainers([lab], data, 'nginx')[0]!.projects[0]!;
    expect(labweb.containers).toHaveLength(1);
    expect([labweb.running, labweb.total]).toEqual([1, 2]);
  });
});

describe('containerMatches', () => {
  it('matches the host address too, and everything with an empty query', () => {
    expect(containerMatches(kuma, attic, ['2222'])).toBe(true);
    expect(containerMatches(kuma, attic, [])).toBe(true);
    expect(containerMatches(kuma, attic, ['lab'])).toBe(false);
  });
});

describe('ports', () => {
  it('formats published and exposed ports', () => {
    expect(formatPort({ ip: '127.0.0.1', privatePort: 8080, publicPort: 18082, protocol: 'tcp' })).toBe('127.0.0.1:18082→8080/tcp');
    expect(formatPort({ ip: '::', privatePort: 53, publicPort: 53, protocol: 'udp' })).toBe('[::]:53→53/udp');
    expect(formatPort({ ip: '', privatePort: 6379, publicPort: null, protocol: 'tcp' })).toBe('6379/tcp');
  });

  it('sorts published first by host port and drops duplicates', () => {
    expect(
      formatPorts([
        { ip: '', privatePort: 9000, publicPort: null, protocol: 'tcp' },
        { ip: '0.0.0.0', privatePort: 443, publicPort: 8443, protocol: 'tcp' },
        { ip: '0.0.0.0', privatePort: 80, publicPort: 8080, protocol: 'tcp' },
        { ip: '0.0.0.0', privatePort: 80, publicPort: 8080, protocol: 'tcp' },
      ]),
    ).toEqual(['0.0.0.0:8080→80/tcp', '0.0.0.0:8443→443/tcp', '9000/tcp']);
  });
});

describe('states', () => {
  it('labels and colours states', () => {
    expect(containerStateLabel('running')).toBe('Running');
    expect(containerStateLabel('exited')).toBe('Exited');
    expect(containerStateTone('running')).toBe('ok');
    expect(containerStateTone('exited')).toBe('idle');
    expect(containerStateTone('dead')).toBe('error');
    expect(containerStateTone('restarting')).toBe('busy');
  });

  it('offers only the actions that apply', () => {
    expect(availableActions('running')).toEqual({ start: false, stop: true, restart: true, remove: true });
    expect(availableActions('exited')).toEqual({ start: true, stop: false, restart: true, remove: true });
    expect(availableActions('removing')).toEqual({ start: false, stop: false, restart: false, remove: false });
    expect(removeNeedsForce('running')).toBe(true);
    expect(removeNeedsForce('exited')).toBe(false);
  });
});

describe('live status', () => {
  const sec = 1000;
  const min = 60 * sec;
  const hour = 60 * min;
  const day = 24 * hour;

  it('words durations as docker ps does', () => {
    expect([0, 999, 1 * sec, 59 * sec, 60 * sec, 119 * sec, 2 * min, 59 * min].map(humanDuration)).toEqual([
      'Less than a second',
      'Less than a second',
      '1 second',
      '59 seconds',
      'About a minute',
      'About a minute',
      '2 minutes',
      '59 minutes',
    ]);
    expect([60 * min, 89 * min, 91 * min, 47 * hour, 48 * hour, 13 * day, 14 * day, 59 * day, 60 * day, 729 * day, 730 * day].map(humanDuration)).toEqual([
      'About an hour',
      'About an hour',
      '2 hours',
      '47 hours',
      '2 days',
      '13 days',
      '2 weeks',
      '8 weeks',
      '2 months',
      '24 months',
      '2 years',
    ]);
    expect(humanDuration(-5 * sec)).toBe('Less than a second'); // a clock a little behind the engine's
  });

  it('writes the status again from the run times, keeping what the engine adds in brackets', () => {
    const t0 = 1_800_000_000_000;
    const up = container(lab, { name: 'a', state: 'running', status: 'Up Less than a second (health: starting)', startedAt: t0 });
    expect(liveStatus(up, t0 + 5 * min + 3 * sec)).toBe('Up 5 minutes (health: starting)');
    const paused = container(lab, { name: 'p', state: 'paused', status: 'Up 2 seconds (Paused)', startedAt: t0 });
    expect(liveStatus(paused, t0 + 3 * hour)).toBe('Up 3 hours (Paused)');
    const exited = container(lab, { name: 'b', state: 'exited', status: 'Exited (137) Less than a second ago', startedAt: t0, finishedAt: t0 + min, exitCode: 137 });
    expect(liveStatus(exited, t0 + 2 * hour + min)).toBe('Exited (137) 2 hours ago');
    const restarting = container(lab, { name: 'r', state: 'restarting', status: 'Restarting (1) 1 second ago', startedAt: t0, finishedAt: t0, exitCode: 1 });
    expect(liveStatus(restarting, t0 + 30 * sec)).toBe('Restarting (1) 30 seconds ago');
    // Without times (never started, or read before the times were known): the engine's text.
    expect(liveStatus(container(lab, { name: 'c', state: 'created', status: 'Created' }), t0)).toBe('Created');
    expect(liveStatus(container(lab, { name: 'd', state: 'running', status: 'Up 3 minutes' }), t0)).toBe('Up 3 minutes');
  });
});

describe('splitImage', () => {
  it.each([
    ['nginx:1.27', 'nginx', ':1.27'],
    ['nginx', 'nginx', ':latest'],
    ['registry:5000/team/app', 'registry:5000/team/app', ':latest'],
    ['registry:5000/team/app:2.1-alpine', 'registry:5000/team/app', ':2.1-alpine'],
    ['ghcr.io/o/app:1.2@sha256:' + 'a'.repeat(64), 'ghcr.io/o/app', ':1.2'],
    ['nginx@sha256:' + 'b'.repeat(64), 'nginx', '@bbbbbbbbbbbb'],
    ['sha256:' + 'c'.repeat(64), 'cccccccccccc', ''],
  ])('%s → %s %s', (ref, repo, tag) => {
    expect(splitImage(ref)).toEqual({ repo, tag });
  });
});
