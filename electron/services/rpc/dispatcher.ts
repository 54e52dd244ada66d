import {
  actionOf,
  describeInvalid,
  inputSchemas,
  isMethodName,
  METHOD_NAMES,
  toErrorInfo,
  type Contract,
  type Envelope,
  type ErrorInfo,
  type MethodName,
  VALIDATION_PARSE_OPTIONS,
} from '../../../shared/contract';
import type { Logger } from '../platform/platform';
import type { ClientId } from './event-bus';

/** Per-call facts from the transport: which UI client made the call (for stream routing). */
export interface CallContext {
  clientId: ClientId;
}

/**
 * Services whose methods may also read the call context (streams are owned by the client that
 * opened them). A `Contract` implementation that ignores the context fits too.
 */
export type ContractImpl = {
  [S in keyof Contract]: {
    [F in keyof Contract[S]]: Contract[S][F] extends (...a: infer A) => infer R
      ? (input: A extends [] ? undefined : A[0], ctx: CallContext) => R
      : never;
  };
};

export type Dispatch = (method: unknown, input: unknown, ctx: CallContext) => Promise<Envelope<unknown>>;

/**
 * The one handler table, shared by Electron IPC and the headless WebSocket: it checks the method
 * against the allowlist, validates the input with the contract's schema, calls the service and
 * wraps the outcome in the envelope. Errors that are not HomeportErrors become INTERNAL, and their
 * text is logged, not sent (it may carry paths or library internals).
 */
export function createDispatcher(impl: ContractImpl, logger: Logger): Dispatch {
  const table = new Map<MethodName, (input: unknown, ctx: CallContext) => Promise<unknown>>();
  for (const method of METHOD_NAMES) {
    const [service, fn] = method.split('.') as [keyof Contract, string];
    const svc = impl[service] as Record<string, (input: unknown, ctx: CallContext) => Promise<unknown>>;
    const f = svc[fn];
    if (typeof f !== 'function') throw new Error(`contract method ${method} is not implemented`);
    table.set(method, f.bind(svc));
  }
  return async (method, input, ctx) => {
    if (!isMethodName(method)) {
      return fail({ code: 'FORBIDDEN', message: `Unknown method ${JSON.stringify(String(method)).slice(0, 80)}.` });
    }
    const parsed = inputSchemas[method].safeParse(input, VALIDATION_PARSE_OPTIONS);
    if (!parsed.success) {
      const error = describeInvalid(parsed.error.issues, actionOf(method, input), method);
      // The user sees the field in their words; the log keeps the call and the field for a bug report.
      logger.warn('input refused', { method, field: String(error.details?.field ?? '') });
      return fail(error);
    }
    try {
      const value = await table.get(method)!(parsed.data, ctx);
      return { ok: true, value: value === undefined ? null : value };
    } catch (e) {
      return fail(callErrorInfo(e, method, logger, input));
    }
  };
}

/** A HomeportError as it is; anything else is a bug: logged, and told in words (not the method's name). */
export function callErrorInfo(e: unknown, method: string, logger: Logger, input?: unknown): ErrorInfo {
  return toErrorInfo(e, {
    message: `Homeport hit an unexpected error trying to ${isMethodName(method) ? actionOf(method, input) : 'answer'}.`,
    fix: 'This is a bug; the log has the details. Try again, and report it if it repeats.',
    log: (x) => logger.error('unexpected error', { method, error: x instanceof Error ? x.stack ?? x.message : String(x) }),
  });
}

const fail = (error: ErrorInfo): Envelope<never> => ({ ok: false, error });
