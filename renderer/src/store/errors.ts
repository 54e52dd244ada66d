import { HomeportError } from '../../../shared/contract';

/** Anything thrown by a call, as a HomeportError (the client already throws those; this covers bugs). */
export function asHomeportError(e: unknown): HomeportError {
  if (e instanceof HomeportError) return e;
  return new HomeportError({ code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) });
}
