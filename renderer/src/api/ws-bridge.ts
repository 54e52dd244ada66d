import type { Bridge, WsClientFrame, WsServerFrame } from '../../../shared/contract';
import type { Envelope } from '../../../shared/contract';

/**
 * The bridge of headless mode: the contract carried over one WebSocket to the server that served
 * this page. Calls made before the socket opens are queued; when the socket closes, every call
 * still waiting for its answer is rejected (the client turns that into a DISCONNECTED error) and
 * the bridge reconnects with backoff — unless the server says the session is no longer valid.
 */

export type WsStatus =
  /** First attempt in progress. */
  | 'connecting'
  | 'open'
  /** Lost (or never got) the connection; retrying with backoff. */
  | 'reconnecting'
  /** The server refuses this browser session (HTTP 401); retrying cannot help. */
  | 'unauthorized'
  /** close() was called. */
  | 'closed';

export type WebSocketCtor = new (url: string) => WebSocket;

export interface WsBridgeOptions {
  url: string;
  /** The WebSocket class; the browser's by default (tests pass `ws`'s). */
  WebSocket?: WebSocketCtor;
  /**
   * Asked after a socket closes: is the session unauthorized? A WebSocket handshake refused with
   * 401 looks like any other failure to the page, so the page asks the server over plain HTTP.
   */
  isUnauthorized?: () => Promise<boolean>;
  backoff?: { initialMs?: number; maxMs?: number; factor?: number };
}

const OPEN = 1;

interface Pending {
  resolve: (e: Envelope<unknown>) => void;
  reject: (e: Error) => void;
  /** The frame, until it has been sent. */
  frame: string | null;
}

export class WsBridge implements Bridge {
  private readonly opts: Required<Omit<WsBridgeOptions, 'backoff'>> & {
    backoff: { initialMs: number; maxMs: number; factor: number };
  };
  private socket: WebSocket | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly eventListeners = new Set<(event: string, payload: unknown) => void>();
  private readonly statusListeners = new Set<(status: WsStatus) => void>();
  private readonly dropListeners = new Set<() => void>();
  private currentStatus: WsStatus = 'connecting';
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(options: WsBridgeOptions) {
    const Ctor = options.WebSocket ?? globalThis.WebSocket;
    if (!Ctor) throw new Error('No WebSocket implementation available');
    this.opts = {
      url: options.url,
      WebSocket: Ctor,
      isUnauthorized: options.isUnauthorized ?? (async () => false),
      backoff: { initialMs: 250, maxMs: 10_000, factor: 2, ...options.backoff },
    };
    this.open();
  }

  get status(): WsStatus {
    return this.currentStatus;
  }

  /** Be told when the status changes; returns an unsubscribe function. */
  onStatus(listener: (status: WsStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => void this.statusListeners.delete(listener);
  }

  /**
   * Be told, at once, when a socket that was open closes: the server has then closed every stream
   * it held for that connection (a new socket is a new client to it). Returns an unsubscribe function.
   */
  onDrop(listener: () => void): () => void {
    this.dropListeners.add(listener);
    return () => void this.dropListeners.delete(listener);
  }

  invoke(method: string, input: unknown): Promise<Envelope<unknown>> {
    if (this.currentStatus === 'closed' || this.currentStatus === 'unauthorized') {
      return Promise.reject(new Error(this.currentStatus === 'closed' ? 'bridge closed' : 'session expired'));
    }
    const id = this.nextId++;
    const frame: WsClientFrame = { t: 'call', id, method, input };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, frame: JSON.stringify(frame) });
      this.flush();
    });
  }

  subscribe(listener: (event: string, payload: unknown) => void): () => void {
    this.eventListeners.add(listener);
    return () => void this.eventListeners.delete(listener);
  }

  /** Stop for good: close the socket, reject what is pending, never reconnect. */
  close(): void {
    this.setStatus('closed');
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const s = this.socket;
    this.socket = null;
    if (s) {
      s.onopen = s.onmessage = s.onclose = s.onerror = null;
      s.close();
    }
    this.rejectAll('bridge closed');
  }

  private open(): void {
    let socket: WebSocket;
    try {
      socket = new this.opts.WebSocket(this.opts.url);
    } catch (e) {
      // A malformed URL or a blocked scheme: treat like a failed attempt.
      queueMicrotask(() => void this.handleClose(e instanceof Error ? e.message : String(e)));
      return;
    }
    this.socket = socket;
    let opened = false;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      opened = true;
      this.attempt = 0;
      this.setStatus('open');
      this.flush();
    };
    socket.onmessage = (ev: MessageEvent) => {
      if (this.socket !== socket) return;
      this.handleMessage(ev.data);
    };
    socket.onerror = () => {
      // Always followed by a close event, which does the work.
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (opened) {
        for (const l of [...this.dropListeners]) {
          try {
            l();
          } catch (e) {
            console.error('homeport: drop listener failed', e);
          }
        }
      }
      void this.handleClose('connection to Homeport closed');
    };
  }

  private flush(): void {
    const s = this.socket;
    if (!s || s.readyState !== OPEN) return;
    for (const p of this.pending.values()) {
      if (p.frame === null) continue;
      s.send(p.frame);
      p.frame = null;
    }
  }

  private handleMessage(data: unknown): void {
    if (typeof data !== 'string') return; // the protocol is JSON text frames only
    let frame: WsServerFrame;
    try {
      frame = JSON.parse(data) as WsServerFrame;
    } catch {
      console.warn('homeport: ignoring a malformed frame');
      return;
    }
    if (frame.t === 'result') {
      const p = this.pending.get(frame.id);
      if (!p) return;
      this.pending.delete(frame.id);
      p.resolve(frame.result);
    } else if (frame.t === 'event') {
      for (const l of [...this.eventListeners]) {
        try {
          l(frame.event, frame.payload);
        } catch (e) {
          console.error('homeport: event listener failed', e);
        }
      }
    }
  }

  private async handleClose(reason: string): Promise<void> {
    this.rejectAll(reason);
    if (this.currentStatus === 'closed') return;
    let unauthorized = false;
    try {
      unauthorized = await this.opts.isUnauthorized();
    } catch {
      unauthorized = false; // the server is unreachable: keep retrying
    }
    // close() may have been called while we asked.
    if ((this.currentStatus as WsStatus) === 'closed') return;
    if (unauthorized) {
      this.setStatus('unauthorized');
      return;
    }
    this.setStatus('reconnecting');
    const { initialMs, maxMs, factor } = this.opts.backoff;
    const base = Math.min(maxMs, initialMs * factor ** this.attempt);
    const delay = Math.round(base * (0.8 + Math.random() * 0.4)); // jitter: many tabs do not retry in step
    this.attempt++;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.currentStatus === 'reconnecting') this.open();
    }, delay);
  }

  private rejectAll(reason: string): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(new Error(reason));
  }

  private setStatus(status: WsStatus): void {
    if (status === this.currentStatus) return;
    this.currentStatus = status;
    for (const l of [...this.statusListeners]) l(status);
  }
}

/** The WebSocket URL of the server that served this page (same origin: the auth cookie goes along). */
export function sameOriginWsUrl(loc: Pick<Location, 'protocol' | 'host'>): string {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/ws`;
}
