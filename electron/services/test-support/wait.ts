import type { Envelope, MethodName } from '../../../shared/contract';
import type { Dispatch } from '../rpc/dispatcher';

// Helpers the integration tests share: calling the services through the real dispatcher, and
// waiting for something to become true.

interface Dispatching {
  dispatch: Dispatch;
}

/**
 * `call` returns the envelope a UI client would get; `ok` returns its value or throws with the
 * error's code and message. `services` is read at each call, so it may be assigned in `beforeAll`.
 */
export function contractCalls(services: () => Dispatching) {
  const call = async <T>(method: MethodName, input?: unknown, clientId = 'c1'): Promise<Envelope<T>> =>
    (await services().dispatch(method, input, { clientId })) as Envelope<T>;
  const ok = async <T>(method: MethodName, input?: unknown, clientId = 'c1'): Promise<T> => {
    const r = await call<T>(method, input, clientId);
    if (!r.ok) throw new Error(`${method} failed: ${r.error.code} ${r.error.message}`);
    return r.value;
  };
  return { call, ok };
}

/** Polls `f` until it gives something truthy; a throw counts as "not yet". The timeout names what and the last answer. */
export async function until<T>(what: string, f: () => Promise<T | undefined | false | null> | T | undefined | false | null, timeout = 30_000, pollMs = 100): Promise<T> {
  const end = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    try {
      const v = await f();
      if (v) return v;
      last = v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** `until` for a synchronous condition, in the argument order the unit tests use. */
export function waitFor<T>(fn: () => T | undefined | false | null, timeoutMs = 8000, what = 'condition'): Promise<T> {
  return until(what, fn, timeoutMs, 25);
}
