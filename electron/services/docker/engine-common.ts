import type Dockerode from 'dockerode';
import { type ContainerRefInfo, HomeportError } from '../../../shared/contract';
import { engineMessage } from './engine-message';

export { engineMessage };

/** Label on every throwaway container Homeport creates; such containers are never listed as users. */
export const HELPER_LABEL = 'homeport.helper';

/**
 * The engine's own words from a dockerode error. For streaming endpoints (pull, archive) docker-modem
 * leaves `json` null and puts a generic `reason` ("server error"), so the message text is the only
 * place the engine's sentence survives: `(HTTP code 500) server error - <engine message> `.
 */
export function statusOf(e: unknown): number | undefined {
  const s = (e as { statusCode?: unknown })?.statusCode;
  return typeof s === 'number' ? s : undefined;
}

const LINK_GONE = /ECONNRESET|EPIPE|socket hang up|Not connected|No response from server|Channel open failure|ECONNREFUSED/i;

/**
 * What broke when a failure is the connection to the engine rather than the engine's answer, or
 * null. Node calls a reply whose connection closed before it was whole "aborted" (ECONNRESET).
 */
export function linkGone(e: unknown): string | null {
  if (statusOf(e) !== undefined) return null;
  const msg = engineMessage(e);
  if (LINK_GONE.test(msg)) return msg;
  if ((e as { code?: unknown })?.code === 'ECONNRESET') return "the engine's reply was cut off";
  return null;
}

/** Any failure talking to the engine → a HomeportError (an existing HomeportError passes through). */
export function engineError(e: unknown, fix = 'The engine refused the request; its message above says why.', details?: Record<string, string | number | boolean>): HomeportError {
  if (e instanceof HomeportError) return e;
  const status = statusOf(e);
  const msg = engineMessage(e);
  const gone = linkGone(e);
  if (gone !== null) {
    return new HomeportError({ code: 'DISCONNECTED', message: `The connection to the engine broke: ${gone}.`, fix: 'Wait for the host to reconnect, then try again.' }, { cause: e });
  }
  return new HomeportError(
    { code: 'ENGINE', message: `Docker engine: ${msg}`, fix, details: { ...(status !== undefined ? { status } : {}), ...details } },
    { cause: e },
  );
}

export function notFound(what: string, fix: string): HomeportError {
  return new HomeportError({ code: 'NOT_FOUND', message: what, fix });
}

export function invalid(field: string, message: string, fix: string): HomeportError {
  return new HomeportError({ code: 'VALIDATION', message, fix, details: { field } });
}

/** Show user text inside a message: bounded, control characters made visible. */
export function quote(s: string, max = 120): string {
   
  const clean = s.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return `"${clean.length > max ? `${clean.slice(0, max)}…` : clean}"`;
}

// Volume and network names travel in the URL path of the API request (docker-modem does not
// encode them), so they are checked here: `?`, `#`, `/`, `%` or a space would change the request.
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export function validateName(kind: 'volume' | 'network', name: unknown, field = 'name'): string {
  if (typeof name !== 'string' || name.length === 0) throw invalid(field, `A ${kind} name is required.`, `Give the ${kind}'s name.`);
  if (name.length > 255 || !NAME_RE.test(name)) {
    throw invalid(
      field,
      `${quote(name)} is not a valid ${kind} name.`,
      `${kind === 'volume' ? 'Volume' : 'Network'} names start with a letter or digit and contain only letters, digits and _ . - (no spaces, slashes or quotes).`,
    );
  }
  return name;
}

export function containerName(c: Dockerode.ContainerInfo): string {
  return (c.Names?.[0] ?? c.Id.slice(0, 12)).replace(/^\//, '');
}

export function isHelper(c: Dockerode.ContainerInfo): boolean {
  return (c.Labels ?? {})[HELPER_LABEL] === '1';
}

export function refInfo(c: Dockerode.ContainerInfo): ContainerRefInfo {
  return { id: c.Id, name: containerName(c), state: c.State };
}

/** Every container except Homeport's own helpers, running or not. */
export async function listUserContainers(docker: Dockerode): Promise<Dockerode.ContainerInfo[]> {
  try {
    return (await docker.listContainers({ all: true })).filter((c) => !isHelper(c));
  } catch (e) {
    throw engineError(e);
  }
}

/** `key` (present) or `key=value` (equal), like the engine's `label=` filters. */
export function hasLabel(labels: Record<string, string> | null | undefined, filter: string): boolean {
  const eq = filter.indexOf('=');
  const key = eq >= 0 ? filter.slice(0, eq) : filter;
  const l = labels ?? {};
  if (!Object.hasOwn(l, key)) return false;
  return eq < 0 || l[key] === filter.slice(eq + 1);
}

/** `a, b and 3 more` for messages. */
export function nameList(names: string[], max = 5): string {
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}

/**
 * Calls `emit` at most once per `intervalMs` with the latest value (leading and trailing edge);
 * `flush` delivers a pending value at once (the final state is never lost).
 */
export function throttle<T>(emit: (v: T) => void, intervalMs: number): { push(v: T): void; flush(): void; cancel(): void } {
  let last = 0;
  let pending: { v: T } | null = null;
  let timer: NodeJS.Timeout | null = null;
  const fire = () => {
    timer = null;
    if (!pending) return;
    const { v } = pending;
    pending = null;
    last = Date.now();
    emit(v);
  };
  return {
    push(v: T) {
      pending = { v };
      const wait = last + intervalMs - Date.now();
      if (wait <= 0) {
        if (timer) clearTimeout(timer);
        fire();
      } else if (!timer) timer = setTimeout(fire, wait);
    },
    flush() {
      if (timer) clearTimeout(timer);
      fire();
    },
    cancel() {
      if (timer) clearTimeout(timer);
      timer = null;
      pending = null;
    },
  };
}

export function abortedError(what: string): HomeportError {
  return new HomeportError({ code: 'VALIDATION', message: `${what} was cancelled.`, fix: 'Start it again when you are ready.', details: { cancelled: true } });
}

export function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw abortedError(what);
}
