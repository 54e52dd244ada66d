import { HomeportError, type ErrorInfo } from '../../../shared/contract';

/** Anything thrown by a call, as a HomeportError (the client already throws those; this covers bugs). */
export function asHomeportError(e: unknown): HomeportError {
  if (e instanceof HomeportError) return e;
  return new HomeportError({ code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) });
}

/** Anything thrown by a call, as the ErrorInfo the UI shows (its message, its fix). */
export function toErrorInfo(e: unknown): ErrorInfo {
  return asHomeportError(e).toInfo();
}
