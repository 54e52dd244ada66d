import type { EventMap, EventName } from '../../../shared/contract';
/** Who receives an event: every connected UI, or only the client that opened a stream. */
export type ClientId = string;
export type EventListener = (event: EventName, payload: unknown, target: ClientId | null) => void;
export declare class EventBus {
    private readonly listeners;
    emit<E extends EventName>(event: E, payload: EventMap[E], target?: ClientId | null): void;
    subscribe(listener: EventListener): () => void;
}
