import type { Envelope } from '../model/errors';

/**
 * What a transport gives the renderer: the Electron preload exposes exactly this object as
 * `window.homeport`; headless mode builds the same over a WebSocket. The renderer client is
 * derived from it, so the UI never knows which one carries its calls.
 */
export interface Bridge {
  invoke(method: string, input: unknown): Promise<Envelope<unknown>>;
  /** Receive every event; returns an unsubscribe function. */
  subscribe(listener: (event: string, payload: unknown) => void): () => void;
}

/** IPC channel names; only the preload and main's IPC module use them. */
export const IPC_INVOKE_CHANNEL = 'homeport:invoke';
export const IPC_EVENT_CHANNEL = 'homeport:event';

/** WebSocket frames of headless mode. */
export type WsClientFrame = { t: 'call'; id: number; method: string; input: unknown };
export type WsServerFrame =
  | { t: 'result'; id: number; result: Envelope<unknown> }
  | { t: 'event'; event: string; payload: unknown };
