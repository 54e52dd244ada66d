import type { Bridge } from '../../../shared/contract';
import { sameOriginWsUrl, WsBridge, type WsStatus } from './ws-bridge';

declare global {
  interface Window {
    /** Exposed by the Electron preload; absent in a plain browser (headless mode). */
    homeport?: Bridge;
  }
}

export interface SelectedBridge {
  bridge: Bridge;
  /** Transport health for the UI; Electron IPC is always "open". */
  onStatus(listener: (status: WsStatus) => void): () => void;
  status(): WsStatus;
  /** Told when the connection to the services drops (their streams for it are gone); Electron IPC never drops. */
  onDrop(listener: () => void): () => void;
}

/** Electron's preload bridge when there is one, else a WebSocket to the server that served the page. */
export function selectBridge(): SelectedBridge {
  if (window.homeport) {
    return { bridge: window.homeport, onStatus: () => () => {}, status: () => 'open', onDrop: () => () => {} };
  }
  const ws = new WsBridge({
    url: sameOriginWsUrl(location),
    // The handshake cannot tell us why it failed; the page itself answers 401 when the login
    // cookie is missing or expired.
    isUnauthorized: async () => (await fetch('./', { cache: 'no-store', credentials: 'same-origin' })).status === 401,
  });
  return { bridge: ws, onStatus: (l) => ws.onStatus(l), status: () => ws.status, onDrop: (l) => ws.onDrop(l) };
}
