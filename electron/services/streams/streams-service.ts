import { randomBytes } from 'node:crypto';
import { HomeportError, type StreamId, type StreamOpenInput } from '../../../shared/contract';
import type { EngineHub } from '../engines/engine-hub';
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

  private end(streamId: StreamId, s: OpenStream): void {
    this.open_.delete(streamId);
    s.stop();
    this.bus.emit('stream.end', { streamId, error: null }, s.clientId);
  }
}
