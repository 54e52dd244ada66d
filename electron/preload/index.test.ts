import { beforeAll, describe, expect, it, vi } from 'vitest';
import { EVENT_NAMES, IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, METHOD_NAMES, type Bridge } from '../../shared/contract';

// The preload runs against a recorded `electron` (Podman Desktop's preload spec does the same):
// what it exposes, and what it lets through.
const electron = vi.hoisted(() => {
  const exposed: Array<[string, unknown]> = [];
  const ipcListeners = new Map<string, (...args: unknown[]) => void>();
  return {
    exposed,
    ipcListeners,
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => void exposed.push([key, api]) },
    ipcRenderer: {
      invoke: vi.fn(async (..._args: unknown[]) => ({ ok: true, value: 'from-main' })),
      on: (channel: string, listener: (...args: unknown[]) => void) => void ipcListeners.set(channel, listener),
    },
  };
});
vi.mock('electron', () => ({ contextBridge: electron.contextBridge, ipcRenderer: electron.ipcRenderer }));

let bridge: Bridge;
beforeAll(async () => {
  await import('./index');
  bridge = electron.exposed[0]![1] as Bridge;
});

describe('preload bridge', () => {
  it('exposes exactly one object, window.homeport, with invoke and subscribe', () => {
    expect(electron.exposed.map(([k]) => k)).toEqual(['homeport']);
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'subscribe']);
  });

  it('invokes contract methods on the one channel', async () => {
    await expect(bridge.invoke('hosts.list', undefined)).resolves.toEqual({ ok: true, value: 'from-main' });
    expect(electron.ipcRenderer.invoke).toHaveBeenLastCalledWith(IPC_INVOKE_CHANNEL, 'hosts.list', undefined);
  });

  it('lets every method the contract declares through', async () => {
    electron.ipcRenderer.invoke.mockClear();
    for (const m of METHOD_NAMES) expect((await bridge.invoke(m, undefined)).ok).toBe(true);
    expect(electron.ipcRenderer.invoke.mock.calls.map((c) => c[1])).toEqual([...METHOD_NAMES]);
  });

  it('refuses methods outside the contract without crossing to main', async () => {
    electron.ipcRenderer.invoke.mockClear();
    for (const m of ['hosts.nope', '__proto__', 'toString', 'constructor', 42 as unknown as string]) {
      const r = await bridge.invoke(m, {});
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('FORBIDDEN');
    }
    expect(electron.ipcRenderer.invoke).not.toHaveBeenCalled();
  });

  it('delivers contract events without the IPC event object, drops others, and unsubscribes', () => {
    const onIpc = electron.ipcListeners.get(IPC_EVENT_CHANNEL)!;
    const seen: unknown[][] = [];
    const off = bridge.subscribe((...args: unknown[]) => void seen.push(args));
    const ipcEvent = { sender: { send: () => {} } };
    onIpc(ipcEvent, EVENT_NAMES[0], { a: 1 });
    onIpc(ipcEvent, 'not.an.event', { a: 2 });
    onIpc(ipcEvent, { evil: true }, { a: 3 });
    expect(seen).toEqual([[EVENT_NAMES[0], { a: 1 }]]);
    off();
    onIpc(ipcEvent, EVENT_NAMES[0], { a: 4 });
    expect(seen).toHaveLength(1);
  });

  it('keeps delivering when one listener throws', () => {
    const onIpc = electron.ipcListeners.get(IPC_EVENT_CHANNEL)!;
    const seen: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    const offBad = bridge.subscribe(() => {
      throw new Error('boom');
    });
    const offGood = bridge.subscribe((e) => void seen.push(e));
    onIpc({}, EVENT_NAMES[1], null);
    expect(seen).toEqual([EVENT_NAMES[1]]);
    offBad();
    offGood();
    spy.mockRestore();
  });
});
