import type { Logger } from './platform';

/** Maps each event's name to its payload (`void` for an event that carries none). */
export type EventsMap = object;

type Listener<P> = (payload: P) => void;
/** `emit('loggedIn')` for a `void` event, `emit('changed', list)` otherwise. */
type PayloadArgs<P> = [P] extends [void] ? [] : [payload: P];

/**
 * The services' one typed event emitter. A service announces what happened in its own terms
 * (`hosts.events.on('changed', …)`); who listens — app.ts forwarding to the window, the monitors
 * following hosts, the tray following monitors — is none of its business.
 *
 * `on` returns its own unsubscribe. A listener that throws is logged and does not stop the other
 * listeners, nor the code that emitted (a socket handler, a timer, a service call half-way).
 */
export class Emitter<Events extends EventsMap> {
  private readonly listeners = new Map<keyof Events, Set<Listener<never>>>();

  constructor(
    private readonly emitterLogger: Logger,
    /** Who emits, for the log line of a listener that threw. */
    private readonly source: string,
  ) {}

  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as Listener<never>);
    return () => {
      set.delete(listener as Listener<never>);
    };
  }

  emit<K extends keyof Events>(event: K, ...args: PayloadArgs<Events[K]>): void {
    const set = this.listeners.get(event);
    if (!set) return;
    // A copy: a listener may unsubscribe (itself or another) while the event is being told.
    for (const l of [...set]) {
      try {
        (l as Listener<unknown>)(args[0]);
      } catch (err) {
        this.emitterLogger.error(`${this.source}: a listener threw`, { event: String(event), error: err instanceof Error ? err.message : String(err) });
      }
    }
  }

  /** Whether anyone listens (an event nobody hears need not be built). */
  has(event: keyof Events): boolean {
    return (this.listeners.get(event)?.size ?? 0) > 0;
  }

  /** Forgets every listener (the emitter's owner is done). */
  clear(): void {
    this.listeners.clear();
  }
}
