import { errorText, toHomeportError, type ErrorInfo, type HomeportError } from '../../../shared/contract';

/** Anything thrown by a call, as a HomeportError (the client already throws those; this covers bugs). */
export function asHomeportError(e: unknown): HomeportError {
  return toHomeportError(e, { message: errorText });
}

/** Anything thrown by a call, as the ErrorInfo the UI shows (its message, its fix). */
export function toErrorInfo(e: unknown): ErrorInfo {
  return asHomeportError(e).toInfo();
}
