import { afterEach, describe, expect, it, vi } from 'vitest';
import { createClient, MonitorId, StreamId, type ErrorInfo, type HostContainersInfo, type MonitorInfo } from '../../../shared/contract';
import { CONNECTION_LOST, openStream } from '../api/open-stream';
import type { WsStatus } from '../api/ws-bridge';
import { container, host, hostContainers } from '../test-support/fixtures';
import { EnvelopeError, MemoryBridge } from '../test-support/memory-bridge';
import { watchList } from './host-lists';
import { appStore, connectStore, resetStore } from './index';

const lab = host({ name: 'lab' });
const web = container(lab, { name: 'web' });
let off: (() => void) | null = null;

afterEach(() => {
  off?.();
  off = null;
  resetStore();
});

const settle = () => new Promise((r) => setTimeout(r, 0));
const waitFor = (f: () => void) => vi.waitFor(f, { timeout: 5000 });

describe('store wiring', () => {
  it('does not let a slow list answer overwrite a newer containers.changed event', async () => {
    let answer!: (v: HostContainersInfo[]) => void;
    const bridge = new MemoryBridge({
      'hosts.list': () => [lab],
      'keys.list': () => [],
      'containers.list': () => new Promise((r) => (answer = r)),
    });
    off = connectStore(createClient(bridge));
    await settle();
    bridge.emit('containers.changed', hostContainers(lab, [{ ...web, state: 'exited' }]));
    answer([hostContainers(lab, [web])]); // computed before the event: stale
    await settle();
    expect(appStore.getState().containers[lab.id]?.containers[0]?.state).toBe('exited');
    expect(appStore.getState().containersLoaded).toBe(true);
  });

  it('reloads everything when the transport comes back after a drop', async () => {
    const bridge = new MemoryBridge({ 'hosts.list': () => [lab], 'keys.list': () => [], 'containers.list': () => [] });
    let status: WsStatus = 'connecting';
    const listeners = new Set<(s: WsStatus) => void>();
    const set = (s: WsStatus) => {
      status = s;
      for (const l of listeners) l(s);
    };
    off = connectStore(createClient(bridge), { status: () => status, onStatus: (l) => (listeners.add(l), () => listeners.delete(l)) });
    set('open');
    await settle();
    expect(bridge.callsOf('hosts.list')).toHaveLength(1); // the first open sends the queued calls, no reload
    set('reconnecting');
    expect(appStore.getState().transport).toBe('reconnecting');
    set('open');
    await settle();
    expect(bridge.callsOf('hosts.list')).toHaveLength(2);
    expect(bridge.callsOf('containers.list')).toHaveLength(2);
    expect(appStore.getState().transport).toBe('open');
  });

  it('a dropped connection shows as reconnecting at once and ends the streams open on it', async () => {
    const bridge = new MemoryBridge({ 'hosts.list': () => [lab], 'keys.list': () => [], 'containers.list': () => [], 'streams.open': () => ({ streamId: StreamId('s_drop0001') }) });
    const drops = new Set<() => void>();
    off = connectStore(createClient(bridge), { status: () => 'open', onStatus: () => () => {}, onDrop: (l) => (drops.add(l), () => drops.delete(l)) });
    await settle();
    const ends: Array<ErrorInfo | null> = [];
    openStream('engine.events', { hostId: lab.id }, { onData: () => {}, onEnd: (e) => ends.push(e) });
    await settle();
    for (const l of drops) l();
    expect(appStore.getState().transport).toBe('reconnecting');
    expect(ends).toEqual([CONNECTION_LOST]);
    off();
    off = null;
    expect(drops.size).toBe(0);
  });

  it('drops the containers of a host that disappears from hosts.changed', async () => {
    const bridge = new MemoryBridge({ 'hosts.list': () => [lab], 'keys.list': () => [], 'containers.list': () => [hostContainers(lab, [web])] });
    off = connectStore(createClient(bridge));
    await settle();
    expect(appStore.getState().containers[lab.id]).toBeDefined();
    bridge.emit('hosts.changed', []);
    expect(appStore.getState().containers[lab.id]).toBeUndefined();
  });
});

describe('monitors', () => {
  it('keeps a monitors.changed that arrived while an older list answer was on its way', async () => {
    const web = { id: MonitorId('m_web0000001'), name: 'web', state: 'up' } as MonitorInfo;
    let answer: ((v: MonitorInfo[]) => void) | null = null;
    const bridge = new MemoryBridge({
      'hosts.list': () => [lab],
      'keys.list': () => [],
      'containers.list': () => [],
      'monitors.list': () => (answer ? new Promise<MonitorInfo[]>((r) => (answer = r)) : ((answer = () => undefined), [web])),
    });
    off = connectStore(createClient(bridge));
    await waitFor(() => expect(appStore.getState().monitorsLoaded).toBe(true));
    const loading = appStore.getState().loadMonitors();
    await settle();
    bridge.emit('monitors.changed', { changed: [{ ...web, state: 'down' }], removed: [] });
    answer!([web]); // read before the change
    await loading;
    expect(appStore.getState().monitors.map((m) => m.state)).toEqual(['down']);
    expect(appStore.getState().monitorsError).toBeNull();
  });

  it('keeps a failed list as the monitors’ error, with the monitors already shown', async () => {
    let fail = false;
    const bridge = new MemoryBridge({
      'hosts.list': () => [lab],
      'keys.list': () => [],
      'containers.list': () => [],
      'monitors.list': () => {
        if (fail) throw new EnvelopeError({ code: 'INTERNAL', message: 'The monitors could not be read.' });
        return [{ id: MonitorId('m_web0000001'), name: 'web' } as MonitorInfo];
      },
    });
    off = connectStore(createClient(bridge));
    await waitFor(() => expect(appStore.getState().monitorsLoaded).toBe(true));
    fail = true;
    await appStore.getState().loadMonitors();
    expect(appStore.getState().monitorsError?.message).toBe('The monitors could not be read.');
    expect(appStore.getState().monitors.map((m) => m.name)).toEqual(['web']);
  });
});

describe('per-host lists', () => {
  const images = (names: string[]) => ({ hostId: lab.id, images: names.map((n) => ({ id: `sha256:${n}`, hostId: lab.id, repoTags: [`${n}:latest`], repoDigests: [], sizeBytes: 1, createdAt: 0, dangling: false, containers: [] })), error: null });

  it('keeps an images.changed that arrived while an older list answer was on its way', async () => {
    let answer!: (v: ReturnType<typeof images>[]) => void;
    let first = true;
    const bridge = new MemoryBridge({
      'hosts.list': () => [lab],
      'keys.list': () => [],
      'containers.list': () => [],
      'images.list': () => (first ? ((first = false), [images(['first'])]) : new Promise((r) => (answer = r))),
    });
    off = connectStore(createClient(bridge));
    await settle();
    // Before the first answer there is no list to apply an event to.
    bridge.emit('images.changed', images(['early']));
    expect(appStore.getState().lists.images.byHost).toBeNull();
    await appStore.getState().loadList('images');
    expect(appStore.getState().lists.images.byHost?.[lab.id]?.images.map((i) => i.repoTags[0])).toEqual(['first:latest']);
    const loading = appStore.getState().loadList('images');
    await settle();
    bridge.emit('images.changed', images(['new']));
    answer([images(['old'])]); // computed before the event
    await loading;
    expect(appStore.getState().lists.images.byHost?.[lab.id]?.images.map((i) => i.repoTags[0])).toEqual(['new:latest']);
    bridge.emit('images.changed', images(['newer']));
    expect(appStore.getState().lists.images.byHost?.[lab.id]?.images.map((i) => i.repoTags[0])).toEqual(['newer:latest']);
  });

  it('keeps a failed load as the list’s error, with the lists already shown, until a load succeeds', async () => {
    let fail = false;
    const bridge = new MemoryBridge({
      'hosts.list': () => [lab],
      'keys.list': () => [],
      'containers.list': () => [],
      'volumes.list': () => {
        if (fail) throw new EnvelopeError({ code: 'INTERNAL', message: 'The volumes could not be listed.' });
        return [{ hostId: lab.id, volumes: [], error: null }];
      },
    });
    off = connectStore(createClient(bridge));
    await appStore.getState().loadList('volumes');
    fail = true;
    await appStore.getState().loadList('volumes');
    expect(appStore.getState().lists.volumes.error?.message).toBe('The volumes could not be listed.');
    expect(appStore.getState().lists.volumes.byHost?.[lab.id]).toBeDefined();
    fail = false;
    await appStore.getState().loadList('volumes');
    expect(appStore.getState().lists.volumes.error).toBeNull();
  });

  it('lists the stacks again after containers change, only while a view shows them', async () => {
    const bridge = new MemoryBridge({ 'hosts.list': () => [lab], 'keys.list': () => [], 'containers.list': () => [], 'stacks.list': () => [] });
    off = connectStore(createClient(bridge));
    await settle();
    bridge.emit('containers.changed', hostContainers(lab, [web]));
    await new Promise((r) => setTimeout(r, 600));
    expect(bridge.callsOf('stacks.list')).toHaveLength(0);
    const unwatch = watchList('stacks');
    bridge.emit('containers.changed', hostContainers(lab, [web]));
    bridge.emit('containers.changed', hostContainers(lab, []));
    for (let i = 0; i < 100 && bridge.callsOf('stacks.list').length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(bridge.callsOf('stacks.list')).toHaveLength(1);
    unwatch();
  });
});
