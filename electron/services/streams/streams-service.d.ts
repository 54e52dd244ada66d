import { type StreamId, type StreamOpenInput } from '../../../shared/contract';
import type { EngineHub } from '../engines/engine-hub';
import type { CallContext } from '../rpc/dispatcher';
import type { ClientId, EventBus } from '../rpc/event-bus';
/**
 * The one stream mechanism (DESIGN.md): `open` returns an id, data arrives as `stream.data`
 * events sent only to the client that opened it, and `close` (or the client going away) ends it.
 * Each stream kind only has to say how to start producing and how to stop.
 */
export declare class StreamsManager {
    private readonly hub;
    private readonly bus;
    private readonly open_;
    constructor(hub: EngineHub, bus: EventBus);
    open(input: StreamOpenInput, ctx: CallContext): Promise<{
        streamId: StreamId;
    }>;
    close({ streamId }: {
        streamId: StreamId;
    }, ctx: CallContext): Promise<void>;
    clientGone(clientId: ClientId): void;
    dispose(): void;
    private end;
}
