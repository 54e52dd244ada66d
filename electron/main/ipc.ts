import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, type Envelope } from '../../shared/contract';
import type { Services } from '../services/app';
import type { Logger } from '../services/platform/platform';
import type { ClientId } from '../services/rpc/event-bus';
import { isAppUrl, type AppLocation } from './app-url';

/**
 * The only file that touches ipcMain (lint enforces it). One invoke channel carries every call to
 * the services' dispatcher (method allowlist, input validation, envelope); one event channel
 * carries every event back. Each window is a UI client, `win-<webContents id>`.
 */
export interface IpcBridge {
  /** Trust this window's main frame and send it events. Call before its page loads. */
  attach(win: BrowserWindow): void;
  dispose(): void;
}

export const clientIdOf = (contents: WebContents): ClientId => `win-${contents.id}`;

const FORBIDDEN: Envelope<never> = {
  ok: false,
  error: { code: 'FORBIDDEN', message: 'This page is not allowed to call Homeport\u2019s services.' },
};

export function createIpc(services: Services, loc: AppLocation, logger: Logger): IpcBridge {
  /** The webContents of our own windows, by id. */
  const trusted = new Map<number, WebContents>();

  /**
   * Electron security checklist #17 "Validate the sender of all IPC messages": the call must come
   * from the main frame (not an iframe) of one of our windows, and that frame must be showing the
   * app's own page (file:// index.html, or the dev server's origin), checked as a parsed URL.
   */
  function isTrustedSender(event: IpcMainInvokeEvent): boolean {
    const contents = event.sender;
    // Ids are never reused within a run, so the id identifies the window's webContents.
    if (!trusted.has(contents.id) || contents.isDestroyed()) return false;
    const frame = event.senderFrame;
    // No frame (navigated away or destroyed), a frame being unloaded, or an iframe: refused.
    if (!frame || frame.detached || frame.parent !== null) return false;
    const main = contents.mainFrame;
    if (frame.processId !== main.processId || frame.frameToken !== main.frameToken) return false;
    return isAppUrl(loc, frame.url);
  }

  ipcMain.handle(IPC_INVOKE_CHANNEL, async (event, method: unknown, input: unknown): Promise<Envelope<unknown>> => {
    if (!isTrustedSender(event)) {
      logger.warn('refused an IPC call from an untrusted sender', { url: String(event.senderFrame?.url ?? '(gone)').slice(0, 200) });
      return FORBIDDEN;
    }
    // The dispatcher checks the method against the contract and validates the input.
    return services.dispatch(method, input, { clientId: clientIdOf(event.sender) });
  });

  const unsubscribe = services.events.subscribe((event, payload, target) => {
    for (const contents of trusted.values()) {
      // Targeted events (a stream's data) go only to the client that opened the stream.
      if (target !== null && target !== clientIdOf(contents)) continue;
      if (contents.isDestroyed()) continue;
      try {
        // webContents.send reaches the main frame only; the preload drops unknown event names.
        contents.send(IPC_EVENT_CHANNEL, event, payload);
      } catch (e) {
        logger.error('could not send an event to a window', { event, error: e instanceof Error ? e.message : String(e) });
      }
    }
  });

  return {
    attach(win) {
      const contents = win.webContents;
      const id = contents.id;
      const clientId = clientIdOf(contents);
      trusted.set(id, contents);
      // A reload or a crash ends the page that owned the streams; the window lives on as a new client.
      contents.on('did-navigate', () => services.clientGone(clientId));
      contents.on('render-process-gone', () => services.clientGone(clientId));
      contents.once('destroyed', () => {
        trusted.delete(id);
        services.clientGone(clientId);
      });
    },
    dispose() {
      unsubscribe();
      ipcMain.removeHandler(IPC_INVOKE_CHANNEL);
      trusted.clear();
    },
  };
}
