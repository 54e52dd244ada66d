import { afterEach, describe, expect, it } from 'vitest';
import { createClient, type HostContainersInfo } from '../../../shared/contract';
import type { WsStatus } from '../api/ws-bridge';
import { container, host, hostContainers } from '../test-support/fixtures';
import { MemoryBridge } from '../test-support/memory-bridge';
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

  it('drops the containers of a host that disappears from hosts.changed', async () => {
    const bridge = new MemoryBridge({ 'hosts.list': () => [lab], 'keys.list': () => [], 'containers.list': () => [hostContainers(lab, [web])] });
    off = connectStore(createClient(bridge));
    await settle();
    expect(appStore.getState().containers[lab.id]).toBeDefined();
    bridge.emit('hosts.changed', []);
    expect(appStore.getState().containers[lab.id]).toBeUndefined();
  });
});
