import { HomeportError, isErrorInfo } from '../model/errors';
import type { Bridge } from './bridge';
import type { EventMap, EventName } from './events';
import { EVENT_NAMES } from './events';
import { METHOD_NAMES } from './methods';
import type { Contract, MethodName } from './methods';

export type Client = Contract & {
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void;
};

/**
 * The typed client, derived from the contract's method list: `client.hosts.add(input)` becomes
 * `bridge.invoke('hosts.add', input)`, and an error envelope is thrown as a HomeportError.
 */
export function createClient(bridge: Bridge): Client {
  const services: Record<string, Record<string, (input?: unknown) => Promise<unknown>>> = {};
  for (const method of METHOD_NAMES) {
    const [service, fn] = method.split('.') as [string, string];
    (services[service] ??= {})[fn] = (input?: unknown) => call(bridge, method, input);
  }
  const listeners = new Map<string, Set<(payload: never) => void>>();
  bridge.subscribe((event, payload) => {
    for (const l of listeners.get(event) ?? []) l(payload as never);
  });
  const on = <E extends EventName>(event: E, listener: (payload: EventMap[E]) => void) => {
    if (!(EVENT_NAMES as readonly string[]).includes(event)) throw new Error(`unknown event ${event}`);
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    set.add(listener as (payload: never) => void);
    return () => void set.delete(listener as (payload: never) => void);
  };
  return { ...(services as unknown as Contract), on };
}

async function call(bridge: Bridge, method: MethodName, input: unknown): Promise<unknown> {
  let result;
  try {
    result = await bridge.invoke(method, input);
  } catch (e) {
    throw new HomeportError({
      code: 'DISCONNECTED',
      message: `Lost contact with Homeport's services (${e instanceof Error ? e.message : String(e)}).`,
      fix: 'Reload the window; if this persists, restart Homeport.',
    });
  }
  if (result.ok) return result.value;
  throw new HomeportError(
    isErrorInfo(result.error) ? result.error : { code: 'INTERNAL', message: 'Malformed error from the services.' },
  );
}
