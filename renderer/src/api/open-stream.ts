import { useEffect, useMemo, useRef } from 'react';
import type { Client, ErrorInfo, StreamId, StreamInputOf, StreamKind, StreamMap } from '../../../shared/contract';
import { asHomeportError } from '../lib/errors';
import { client } from './client';

/** What a kind of stream is opened with (the `streams.open` input without its `kind`). */
export type StreamParams<K extends StreamKind> = StreamMap[K]['params'];
/** What each `stream.data` event of a kind carries. */
export type StreamData<K extends StreamKind> = StreamMap[K]['data'];

export interface StreamHandlers<K extends StreamKind> {
  /** One piece of the stream's data, in the order the services sent it. */
  onData(data: StreamData<K>): void;
  /** The stream ended by itself: `error` says why when it failed. Never called after `close()`. */
  onEnd(error: ErrorInfo | null): void;
  /** The services opened the stream (before any of its data is delivered). */
  onOpen?(streamId: StreamId): void;
  /** The services refused to open it (a disconnected host, a bad parameter); without it, `onEnd(error)` is told. */
  onError?(error: ErrorInfo): void;
}

export interface StreamHandle<K extends StreamKind> {
  /**
   * Stops the stream; no handler is called after it. Before the open has answered, the stream is
   * closed as soon as its id is known. Closing an ended stream does nothing.
   */
  close(): void;
  /**
   * Sends input to the stream (terminal keystrokes and sizes). Refused — returns false and sends
   * nothing — until the stream is open and once it has ended or been closed, so nothing typed
   * into a dead session is kept to surprise anyone later. A send that races the stream's end is
   * dropped; the end itself tells the user.
   */
  send(input: StreamInputOf<K>): boolean;
}

/**
 * What every stream ends with when the connection to Homeport's services drops (headless mode's
 * WebSocket): the services close the streams of a connection that went, and nothing more of them
 * will come. Views that can carry on by themselves (a followed log) do so once it is back.
 */
export const CONNECTION_LOST: ErrorInfo = {
  code: 'DISCONNECTED',
  message: 'The connection to Homeport was lost; this stopped with it.',
  fix: 'Homeport reconnects by itself (the bar at the top says so while it tries); then start it again.',
  details: { connectionLost: true },
};

/** Whether a stream ended because the connection to Homeport dropped (see CONNECTION_LOST). */
export function isConnectionLost(error: ErrorInfo | null | undefined): boolean {
  return error?.details?.connectionLost === true;
}

/** Events held while an open has not answered yet; the services hold early data themselves, so this is a guard. */
const MAX_HELD = 1000;

interface Entry {
  data(data: unknown): void;
  end(error: ErrorInfo | null): void;
}

/**
 * One subscription to the client's `stream.*` events, routing each to the stream it belongs to.
 * Events for an id nobody has yet are held while some open is still waiting for its answer (its
 * id arrives with the answer), and dropped otherwise (a stream closed a moment ago).
 */
class StreamRouter {
  private readonly streams = new Map<StreamId, Entry>();
  private pending = 0;
  /** How many times the connection dropped: an open under way across a drop failed because of it. */
  drops = 0;
  private held: Array<{ streamId: StreamId; data?: unknown; end?: ErrorInfo | null }> = [];

  constructor(c: Client) {
    c.on('stream.data', ({ streamId, data }) => {
      const entry = this.streams.get(streamId);
      if (entry) entry.data(data);
      else this.hold({ streamId, data });
    });
    c.on('stream.end', ({ streamId, error }) => {
      const entry = this.streams.get(streamId);
      if (!entry) return this.hold({ streamId, end: error });
      this.streams.delete(streamId);
      entry.end(error);
    });
  }

  private hold(event: { streamId: StreamId; data?: unknown; end?: ErrorInfo | null }): void {
    if (this.pending === 0) return;
    this.held.push(event);
    if (this.held.length > MAX_HELD) this.held.shift();
  }

  /** An open is under way: hold unclaimed events until it answers. */
  opening(): void {
    this.pending++;
  }

  /** The open answered: `entry` (if the caller still wants the stream) gets what was held for `streamId`. */
  opened(streamId: StreamId | null, entry: Entry | null): void {
    this.pending--;
    const mine = streamId === null ? [] : this.held.filter((e) => e.streamId === streamId);
    if (mine.length) this.held = this.held.filter((e) => e.streamId !== streamId);
    if (this.pending === 0) this.held = [];
    if (streamId === null || entry === null) return;
    this.streams.set(streamId, entry);
    for (const e of mine) {
      if (this.streams.get(streamId) !== entry) break;
      if ('end' in e) {
        this.streams.delete(streamId);
        entry.end(e.end ?? null);
      } else entry.data(e.data);
    }
  }

  /** The connection dropped: every stream open on it ends with `error`; nothing held is kept. */
  lost(error: ErrorInfo): void {
    this.drops++;
    this.held = [];
    const all = [...this.streams.values()];
    this.streams.clear();
    for (const entry of all) entry.end(error);
  }

  forget(streamId: StreamId, entry: Entry): void {
    if (this.streams.get(streamId) === entry) this.streams.delete(streamId);
  }
}

const routers = new WeakMap<Client, StreamRouter>();
function routerOf(c: Client): StreamRouter {
  let r = routers.get(c);
  if (!r) routers.set(c, (r = new StreamRouter(c)));
  return r;
}

/**
 * The connection that carries `c` dropped: every stream open on it ends (`onEnd(CONNECTION_LOST)`),
 * and an open under way is refused with the same error. Streams opened afterwards are not touched.
 */
export function endStreamsOfLostConnection(c: Client): void {
  routers.get(c)?.lost(CONNECTION_LOST);
}

/**
 * The renderer's one way to open a stream: `openStream('container.logs', params, handlers)`.
 * The data and input types follow the kind. It returns at once; the open answers later (then
 * `onOpen`), or is refused (`onError`, else `onEnd(error)`). After `onEnd`, or after `close()`,
 * no handler is called again.
 */
export function openStream<K extends StreamKind>(kind: K, params: StreamParams<K>, handlers: StreamHandlers<K>): StreamHandle<K> {
  const c = client();
  const router = routerOf(c);
  let streamId: StreamId | null = null;
  let finished = false;
  const entry: Entry = {
    data: (data) => {
      if (!finished) handlers.onData(data as StreamData<K>);
    },
    end: (error) => {
      if (finished) return;
      finished = true;
      handlers.onEnd(error);
    },
  };

  router.opening();
  const drops = router.drops;
  c.streams.open({ kind, ...params } as Parameters<Client['streams']['open']>[0]).then(
    (r) => {
      if (finished) {
        // Closed while the open was under way: close it now that it has an id.
        router.opened(r.streamId, null);
        void c.streams.close({ streamId: r.streamId }).catch(() => {});
        return;
      }
      streamId = r.streamId;
      handlers.onOpen?.(r.streamId);
      // onOpen may have closed it already (close() then told the services).
      router.opened(r.streamId, finished ? null : entry);
    },
    (e: unknown) => {
      router.opened(null, null);
      if (finished) return;
      finished = true;
      // Refused because the connection dropped while it was asked for: said the same way as a drop.
      const error = router.drops !== drops ? CONNECTION_LOST : asHomeportError(e).toInfo();
      if (handlers.onError) handlers.onError(error);
      else handlers.onEnd(error);
    },
  );

  return {
    close() {
      if (finished) return;
      finished = true;
      if (streamId === null) return; // closed once the open answers
      router.forget(streamId, entry);
      void c.streams.close({ streamId }).catch(() => {});
    },
    send(input) {
      if (finished || streamId === null) return false;
      void c.streams.send({ streamId, data: input } as Parameters<Client['streams']['send']>[0]).catch(() => {});
      return true;
    },
  };
}

/** Plain data as a string that does not depend on the order its keys were written in. */
function keyOf(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/**
 * A stream for as long as the component shows it: opened when `params` is given (null: none),
 * closed on unmount, and closed and opened again when `params` change in value (a new object
 * with the same contents keeps the stream). The latest handlers are used without reopening.
 * The handle sends to (or closes) the stream open now.
 */
export function useStream<K extends StreamKind>(kind: K, params: StreamParams<K> | null, handlers: StreamHandlers<K>): StreamHandle<K> {
  const handlersRef = useRef(handlers);
  handlersRef.current = handlers;
  const current = useRef<StreamHandle<K> | null>(null);
  const key = params === null ? null : keyOf(params);
  const paramsRef = useRef(params);
  paramsRef.current = params;

  useEffect(() => {
    if (key === null || paramsRef.current === null) return;
    const h = openStream(kind, paramsRef.current, {
      onData: (d) => handlersRef.current.onData(d),
      onEnd: (e) => handlersRef.current.onEnd(e),
      onOpen: (id) => handlersRef.current.onOpen?.(id),
      onError: (e) => (handlersRef.current.onError ? handlersRef.current.onError(e) : handlersRef.current.onEnd(e)),
    });
    current.current = h;
    return () => {
      current.current = null;
      h.close();
    };
  }, [kind, key]);

  return useMemo(
    () => ({
      close: () => current.current?.close(),
      send: (input) => current.current?.send(input) ?? false,
    }),
    [],
  );
}
