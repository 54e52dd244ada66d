import type { EventMap, EventName } from '../../../shared/contract';

/** Who receives an event: every connected UI, or only the client that opened a stream. */
export type ClientId = string;
export type EventListener = (event: EventName, payload: unknown, target: ClientId | null) => void;

export class EventBus {
  private readonly listeners = new Set<EventListener>();

  emit<E extends EventName>(event: E, payload: EventMap[E], target: ClientId | null = null): void {
    for (const l of this.listeners) l(event, payload, target);
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
}
