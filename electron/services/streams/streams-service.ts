import { randomBytes } from 'node:crypto';
import { HomeportError, type ErrorInfo, type StreamId, type StreamOpenInput } from '../../../shared/contract';
import type { EngineHub } from '../engines/engine-hub';
import { pullImage } from '../resources';
import type { CallContext } from '../rpc/dispatcher';
import type { ClientId, EventBus } from '../rpc/event-bus';

interface OpenStream {
  clientId: ClientId;
  stop(): void;
}

/**
 * The one stream mechanism (DESIGN.md): `open` returns an id, data arrives as `stream.data`
 * events sent only to the client that opened it, and `close` (or the client going away) ends it.
 * Each stream kind only has to say how to start producing and how to stop.
 */
export class StreamsManager {
  private readonly open_ = new Map<StreamId, OpenStream>();

  constructor(
    private readonly hub: EngineHub,
    private readonly bus: EventBus,
  ) {}

  async open(input: StreamOpenInput, ctx: CallContext): Promise<{ streamId: StreamId }> {
    const streamId = `s_${randomBytes(9).toString('base64url')}` as StreamId;
    const emit = (data: unknown) => this.bus.emit('stream.data', { streamId, data }, ctx.clientId);
    let stop: () => void;
    switch (input.kind) {
      case 'engine.events':
        stop = this.hub.subscribe(input.hostId, emit);
        break;
      case 'image.pull': {
        // Resolved now, so a disconnected host fails the open call itself.
        const docker = this.hub.dockerOf(input.hostId);
        const abort = new AbortController();
        stop = () => abort.abort();
        // The pull ends the stream by itself: stream.end carries its error, if any. Closing aborts it.
        setImmediate(() => {
          pullImage(docker, input.ref, emit, abort.signal).then(
            () => this.finish(streamId, null),
            (e: unknown) => this.finish(streamId, e instanceof HomeportError ? e.toInfo() : { code: 'INTERNAL', message: 'The pull failed unexpectedly.', fix: 'This is a bug; the log has details.' }),
          );
        });
        break;
      }
    }
    this.open_.set(streamId, { clientId: ctx.clientId, stop });
    return { streamId };
  }

  async close({ streamId }: { streamId: StreamId }, ctx: CallContext): Promise<void> {
    const s = this.open_.get(streamId);
    if (!s || s.clientId !== ctx.clientId) {
      throw new HomeportError({ code: 'NOT_FOUND', message: `No open stream ${streamId}.`, fix: 'It may have ended already.' });
    }
    this.end(streamId, s);
  }

  clientGone(clientId: ClientId): void {
    for (const [id, s] of this.open_) if (s.clientId === clientId) this.end(id, s);
  }

  dispose(): void {
    for (const [id, s] of this.open_) this.end(id, s);
  }

  /** A stream that ended by itself (a pull finished): nothing to stop; the error, if any, goes with stream.end. */
  private finish(streamId: StreamId, error: ErrorInfo | null): void {
    const s = this.open_.get(streamId);
    if (!s) return; // closed meanwhile: stream.end was sent then
    this.open_.delete(streamId);
    this.bus.emit('stream.end', { streamId, error }, s.clientId);
  }

  private end(streamId: StreamId, s: OpenStream): void {
    this.open_.delete(streamId);
    s.stop();
    this.bus.emit('stream.end', { streamId, error: null }, s.clientId);
  }
}
