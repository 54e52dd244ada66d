import type { Bridge, Envelope, ErrorInfo, EventMap, EventName, InputOf, MethodName, OutputOf } from '../../../shared/contract';

type Handler<M extends MethodName> = (input: InputOf<M>) => OutputOf<M> | Promise<OutputOf<M>>;
export type Handlers = { [M in MethodName]?: Handler<M> };

/** Thrown by a handler to answer with an error envelope. */
export class EnvelopeError extends Error {
  constructor(readonly info: ErrorInfo) {
    super(info.message);
  }
}

/**
 * A Bridge held in memory, for UI unit tests: calls go to the handlers given, every call is
 * recorded, and `emit` pushes an event as the services would. (End-to-end tests use the real
 * services; this only exercises the UI.)
 */
export class MemoryBridge implements Bridge {
  readonly calls: { method: string; input: unknown }[] = [];
  private readonly listeners = new Set<(event: string, payload: unknown) => void>();

  constructor(public handlers: Handlers = {}) {}

  async invoke(method: string, input: unknown): Promise<Envelope<unknown>> {
    this.calls.push({ method, input });
    const h = (this.handlers as Record<string, ((i: unknown) => unknown) | undefined>)[method];
    if (!h) return { ok: false, error: { code: 'INTERNAL', message: `no handler for ${method} in this test` } };
    try {
      const value = await h(input);
      return { ok: true, value: value === undefined ? null : value };
    } catch (e) {
      if (e instanceof EnvelopeError) return { ok: false, error: e.info };
      throw e;
    }
  }

  subscribe(listener: (event: string, payload: unknown) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  emit<E extends EventName>(event: E, payload: EventMap[E]): void {
    for (const l of this.listeners) l(event, payload);
  }

  callsOf(method: MethodName): unknown[] {
    return this.calls.filter((c) => c.method === method).map((c) => c.input);
  }
}
