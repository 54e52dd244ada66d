import { randomBytes } from 'node:crypto';
import type { ZodType } from 'zod';
import {
  BUG_FIX,
  describeInvalid,
  HomeportError,
  STREAM_ACTIONS,
  STREAM_INPUT_SCHEMAS,
  toErrorInfo,
  VALIDATION_PARSE_OPTIONS,
  type ErrorInfo,
  type FeatureName,
  type StreamId,
  type StreamInputOf,
  type StreamKind,
  type StreamKindOf,
  type StreamMap,
  type StreamOpenInput,
} from '../../../shared/contract';
import { Emitter } from '../platform/emitter';
import type { Logger } from '../platform/platform';
import type { CallContext, ContractImpl } from '../rpc/dispatcher';

/** Whose stream it is: a window or a browser tab. */
type ClientId = CallContext['clientId'];

/** What the streams announce, each for the one client that opened the stream. */
export interface StreamsEvents {
  /** One piece of a stream's data. */
  data: { clientId: ClientId; streamId: StreamId; data: unknown };
  /** The stream ended: by itself (with its error, if any) or closed. */
  end: { clientId: ClientId; streamId: StreamId; error: ErrorInfo | null };
}

/** What a stream kind is given when it starts. */
export interface StreamSink<K extends StreamKind> {
  /** Sends one `stream.data` event to the client that opened the stream. */
  emit(data: StreamMap[K]['data']): void;
  /** The stream ended by itself (a pull finished, a process exited): `stream.end` carries the error, if any. */
  end(error: ErrorInfo | null): void;
}

/** A started stream that takes input: `receive` gets input already validated against the kind's schema. */
export interface StreamHandle<K extends StreamKind> {
  stop(): void;
  receive(input: StreamInputOf<K>): void;
}

/**
 * How one kind of stream starts: it returns how to stop it (a function, or a handle that also
 * receives input for kinds that take it). It may throw (or reject) to fail the `open` call
 * itself, e.g. for a disconnected host; it must not call `end` before it returns.
 *
 * A feature makes each of its kinds' starters with a `<kind>Stream(deps)` function in its folder
 * (`containerLogsStream(hub)`), and hands them to app.ts as one table (`containerStreams(…)`).
 */
export type StreamStarter<K extends StreamKind> = (
  params: Omit<Extract<StreamOpenInput, { kind: K }>, 'kind'>,
  sink: StreamSink<K>,
) => (() => void) | StreamHandle<K> | Promise<(() => void) | StreamHandle<K>>;

export type StreamStarters = { [K in StreamKind]: StreamStarter<K> };
/** The starters of the kinds one feature declares: a kind added to its contract record is missing here until it is written. */
export type StartersOf<F extends FeatureName> = Pick<StreamStarters, Extract<StreamKind, StreamKindOf<F>>>;

/** The `streams` contract, which reads the call context: a stream belongs to the client that opened it. */
type StreamsImpl = ContractImpl['streams'];

interface OpenStream {
  clientId: ClientId;
  kind: StreamKind;
  stop(): void;
  receive: ((input: unknown) => void) | null;
}

/** Turns anything thrown into the ErrorInfo a `stream.end` carries. */
export function streamError(e: unknown, what: string): ErrorInfo {
  return toErrorInfo(e, { message: `${what} failed unexpectedly.`, fix: BUG_FIX });
}

/**
 * Streams one client (a window, a browser tab) may have open or opening at once: far more than a
 * screen shows, few enough that one client cannot pin an engine with followers.
 */
export const MAX_STREAMS_PER_CLIENT = 64;

/**
 * The one stream mechanism, for every kind: `open` returns an id, data is announced for the client
 * that opened it alone (it gets them as `stream.data` events), and `close` (or the client going away) ends it.
 * Each stream kind (a `StreamStarter`, in its own module) only says how to start and stop.
 */
export class StreamsService implements StreamsImpl {
  private readonly open_ = new Map<StreamId, OpenStream>();
  /** `open` calls still starting their stream; cancelled when their client goes away. */
  private readonly opening = new Set<{ clientId: ClientId; cancelled: boolean }>();
  private disposed = false;

  private readonly maxPerClient: number;
  readonly events: Emitter<StreamsEvents>;

  constructor(
    private readonly starters: StreamStarters,
    logger: Logger,
    opts: { maxPerClient?: number } = {},
  ) {
    this.maxPerClient = opts.maxPerClient ?? MAX_STREAMS_PER_CLIENT;
    this.events = new Emitter(logger, 'streams');
  }

  async open(input: StreamOpenInput, ctx: CallContext): Promise<{ streamId: StreamId }> {
    let mine = this.openCount(ctx.clientId);
    for (const o of this.opening) if (o.clientId === ctx.clientId) mine++;
    if (mine >= this.maxPerClient) {
      throw new HomeportError({
        code: 'LIMIT',
        message: `This window already has ${mine} live views open (logs, stats, terminals…), the most one window may have.`,
        fix: 'Close some of them (or reload the page), then open this one again.',
      });
    }
    const streamId = `s_${randomBytes(9).toString('base64url')}` as StreamId;
    // Until the open call has answered, the client does not know the id: hold what comes early.
    let early: { data: unknown[]; end: { error: ErrorInfo | null } | null } | null = { data: [], end: null };
    const sink: StreamSink<StreamKind> = {
      emit: (data) => {
        if (early) early.data.push(data);
        else if (this.open_.has(streamId)) this.events.emit('data', { clientId: ctx.clientId, streamId, data });
      },
      end: (error) => {
        if (early) early.end ??= { error };
        else this.finish(streamId, error);
      },
    };
    const { kind, ...params } = input;
    const start = this.starters[kind] as StreamStarter<StreamKind>;
    // Starting takes a while (an engine request, an SSH channel): the client may go away meanwhile,
    // and then nobody would ever close what it opened.
    const opening = { clientId: ctx.clientId, cancelled: false };
    this.opening.add(opening);
    let started: Awaited<ReturnType<StreamStarter<StreamKind>>>;
    try {
      started = await start(params as never, sink);
    } finally {
      this.opening.delete(opening);
    }
    const handle = typeof started === 'function' ? { stop: started, receive: null } : { stop: () => started.stop(), receive: (i: unknown) => started.receive(i as never) };
    if (opening.cancelled || this.disposed) {
      handle.stop();
      throw new HomeportError({ code: 'DISCONNECTED', message: 'The window that opened this stream has closed, so it was stopped.', fix: 'Open it again from a window that is still open.' });
    }
    this.open_.set(streamId, { clientId: ctx.clientId, kind, ...handle });
    const held = early;
    setImmediate(() => {
      early = null;
      for (const data of held.data) if (this.open_.has(streamId)) this.events.emit('data', { clientId: ctx.clientId, streamId, data });
      if (held.end) this.finish(streamId, held.end.error);
    });
    return { streamId };
  }

  async close({ streamId }: { streamId: StreamId }, ctx: CallContext): Promise<void> {
    this.end(streamId, this.owned(streamId, ctx));
  }

  /** Input for a stream (keystrokes, a resize): only from the client that opened it, validated per kind. */
  async send({ streamId, data }: { streamId: StreamId; data: unknown }, ctx: CallContext): Promise<void> {
    const s = this.owned(streamId, ctx);
    const schema = (STREAM_INPUT_SCHEMAS as Partial<Record<StreamKind, ZodType>>)[s.kind];
    if (!schema || !s.receive) {
      throw new HomeportError({
        code: 'VALIDATION',
        message: `Could not send the input: only a terminal takes typed input, and this is a stream to ${STREAM_ACTIONS[s.kind]}.`,
        fix: 'This is a bug in Homeport, not a mistake of yours. Reload the window and try again; report it if it happens again.',
      });
    }
    const parsed = schema.safeParse(data, VALIDATION_PARSE_OPTIONS);
    if (!parsed.success) throw new HomeportError(describeInvalid(parsed.error.issues, 'send the input to the terminal'));
    s.receive(parsed.data);
  }

  /** How many streams are open (of one client, or of all). */
  openCount(clientId?: ClientId): number {
    let n = 0;
    for (const s of this.open_.values()) if (clientId === undefined || s.clientId === clientId) n++;
    return n;
  }

  clientGone(clientId: ClientId): void {
    for (const o of this.opening) if (o.clientId === clientId) o.cancelled = true;
    for (const [id, s] of this.open_) if (s.clientId === clientId) this.end(id, s);
  }

  dispose(): void {
    this.disposed = true;
    for (const [id, s] of this.open_) this.end(id, s);
  }

  /** The open stream with this id, if the caller opened it; NOT_FOUND otherwise (another client's id is not revealed). */
  private owned(streamId: StreamId, ctx: CallContext): OpenStream {
    const s = this.open_.get(streamId);
    if (!s || s.clientId !== ctx.clientId) {
      throw new HomeportError({ code: 'NOT_FOUND', message: `No open stream ${streamId}.`, fix: 'It may have ended already; open it again.' });
    }
    return s;
  }

  /** A stream that ended by itself: nothing to stop; the error, if any, goes with stream.end. */
  private finish(streamId: StreamId, error: ErrorInfo | null): void {
    const s = this.open_.get(streamId);
    if (!s) return; // closed meanwhile: stream.end was sent then
    this.open_.delete(streamId);
    this.events.emit('end', { clientId: s.clientId, streamId, error });
  }

  private end(streamId: StreamId, s: OpenStream): void {
    this.open_.delete(streamId);
    s.stop();
    this.events.emit('end', { clientId: s.clientId, streamId, error: null });
  }
}
