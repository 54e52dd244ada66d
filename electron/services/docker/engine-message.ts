import type { ErrorInfo } from '../../../shared/contract';

/**
 * The engine's own words from a dockerode error. docker-modem keeps them in `json.message`, but on
 * streaming endpoints (pull, events) `json` is null and they survive only inside `message`, as
 * "(HTTP code 500) server error - <engine text>".
 */
export function engineMessage(e: unknown): string {
  const err = e as { json?: { message?: unknown } | null; message?: unknown };
  if (err && typeof err.json?.message === 'string') return err.json.message.trim();
  const text = typeof err?.message === 'string' ? err.message : String(e);
  const m = /^\(HTTP code \d+\) [^-]*- ([\s\S]*)$/.exec(text);
  return (m ? m[1]! : text).trim();
}

/** The engine's own message, kept verbatim: its words say what went wrong better than a paraphrase would. */
export function engineErrorInfo(e: unknown): ErrorInfo {
  const err = e as { statusCode?: number };
  const raw = engineMessage(e);
  return {
    code: 'ENGINE',
    message: `Docker engine: ${raw}`,
    fix: 'The engine refused the request; its message above says why.',
    ...(typeof err.statusCode === 'number' ? { details: { status: err.statusCode } } : {}),
  };
}
