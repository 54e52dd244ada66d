import type { Logger } from '../platform/platform';

type Listener = (...args: never[]) => void;

/**
 * A small typed event emitter: `on` returns its own unsubscribe, and a listener that throws is
 * logged and does not stop the others (or the socket handler that emitted).
 */
export class TypedEmitter<E extends { [K in keyof E]: Listener }> {
  private readonly listeners = new Map<keyof E, Set<Listener>>();

  constructor(private readonly emitterLogger: Logger) {}

  on<K extends keyof E>(event: K, listener: E[K]): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  protected emit<K extends keyof E>(event: K, ...args: Parameters<E[K]>): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const l of [...set]) {
      try {
        (l as (...a: Parameters<E[K]>) => void)(...args);
      } catch (err) {
        this.emitterLogger.error('kuma: a listener threw', { event: String(event), error: err instanceof Error ? err.message : String(err) });
      }
    }
  }

  protected removeAllListeners(): void {
    this.listeners.clear();
  }
}
