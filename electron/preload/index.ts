/**
 * The preload: exposes exactly one object, `window.homeport`, satisfying the contract's `Bridge`.
 * No raw ipcRenderer reaches the page (Electron's context-isolation guide: one method per
 * message, never `send: ipcRenderer.send`); the method and event allowlists come from the
 * contract in shared/.
 *
 * It runs sandboxed, so it is bundled to CommonJS (out/preload/index.cjs) and may `require` only
 * `electron` (plus events, timers, url); zod and shared/ are bundled in.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, type Bridge } from '../../shared/contract/bridge';
import { EVENT_NAMES } from '../../shared/contract/events';
import { isMethodName } from '../../shared/contract/methods';
import type { Envelope } from '../../shared/model/errors';

type Listener = (event: string, payload: unknown) => void;

const eventNames: ReadonlySet<string> = new Set(EVENT_NAMES);
const listeners = new Set<Listener>();

// One IPC listener for every page subscriber. The IpcRendererEvent (it carries `sender`, an
// ipcRenderer) never reaches the page: only the event name and its payload do.
ipcRenderer.on(IPC_EVENT_CHANNEL, (_ipcEvent: IpcRendererEvent, event: unknown, payload: unknown) => {
  if (typeof event !== 'string' || !eventNames.has(event)) return;
  for (const listener of [...listeners]) {
    try {
      listener(event, payload);
    } catch (e) {
      console.error('homeport: an event listener threw', e);
    }
  }
});

const bridge: Bridge = {
  invoke(method: string, input: unknown): Promise<Envelope<unknown>> {
    // The contract's allowlist, checked here as well as in main: an unknown name never crosses.
    if (!isMethodName(method)) {
      return Promise.resolve({
        ok: false,
        error: { code: 'FORBIDDEN', message: `Unknown method ${JSON.stringify(String(method)).slice(0, 80)}.` },
      });
    }
    return ipcRenderer.invoke(IPC_INVOKE_CHANNEL, method, input) as Promise<Envelope<unknown>>;
  },
  subscribe(listener: Listener): () => void {
    if (typeof listener !== 'function') throw new TypeError('subscribe() needs a function');
    listeners.add(listener);
    return () => void listeners.delete(listener);
  },
};

contextBridge.exposeInMainWorld('homeport', bridge);
