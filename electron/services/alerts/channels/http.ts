/**
 * One JSON POST with the error mapping every HTTP channel shares. Webhook URLs and tokens are
 * secrets (a Discord or Slack webhook URL is its own credential; a Telegram token travels in the
 * path), so errors name the host only and never echo the URL, and a response body quoted in an
 * error is scrubbed of every secret first.
 */
import { HomeportError } from '../../../../shared/model/errors';

export interface PostOptions {
  /** "ntfy", "Discord"… for messages. */
  label: string;
  headers?: Record<string, string>;
  signal?: AbortSignal | undefined;
  /** Strings that must never appear in an error (tokens, the URL itself, its path). */
  secrets: string[];
  /** What to tell the user when the server rejects the request (4xx other than 401/403/429). */
  rejectedFix: string;
  authFix: string;
}

export interface PostResult {
  status: number;
  text: string;
}

/** host[:port] of a URL, the only part of it an error or a log line may show. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'an invalid URL';
  }
}

/** A URL's secret-bearing parts: the whole URL, its path and query. */
export function urlSecrets(url: string): string[] {
  try {
    const u = new URL(url);
    return [url, u.href, u.pathname + u.search, u.pathname, u.search.slice(1)].filter((s) => s.length >= 6 && s !== '/');
  } catch {
    return [url];
  }
}

export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) {
    if (s.length >= 4) out = out.split(s).join('[redacted]');
  }
  return out;
}

const NETWORK_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'the connection was refused',
  ECONNRESET: 'the connection was reset',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name could not be resolved right now',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'there is no route to the host',
  ENETUNREACH: 'the network is unreachable',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
  UND_ERR_SOCKET: 'the connection broke',
  CERT_HAS_EXPIRED: 'its TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'its TLS certificate chain is self-signed',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its TLS certificate cannot be verified',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its TLS certificate is for another name',
};

function errorCode(err: unknown): string | undefined {
  for (let e: unknown = err, i = 0; e && i < 4; e = (e as { cause?: unknown }).cause, i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/** The error for an aborted attempt: a timeout (retryable) or the caller cancelling (not). */
export function abortError(label: string, host: string, signal: AbortSignal | undefined, cause?: unknown): HomeportError {
  const reason: unknown = signal?.reason;
  const timedOut = reason instanceof Error && reason.name === 'TimeoutError';
  return new HomeportError(
    {
      code: 'UNREACHABLE',
      message: timedOut ? `${label} at ${host} did not answer in time.` : `Sending to ${label} at ${host} was cancelled.`,
      fix: timedOut ? 'Check that the server is up and reachable from this computer.' : 'Send it again.',
      details: { host, retryable: timedOut },
    },
    { cause },
  );
}

/** What is read of a receiver's answer: enough for any verdict or error text, never the whole of a runaway body. */
export const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * Reads at most `maxBytes` of a response body; past that the rest is not read (the connection is
 * dropped) and `truncated` is set. A multi-byte character cut at the limit becomes U+FFFD.
 */
export async function readTextCapped(res: Response, maxBytes: number): Promise<{ text: string; truncated: boolean }> {
  if (!res.body) return { text: '', truncated: false };
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (size + value.byteLength > maxBytes) {
        chunks.push(value.subarray(0, maxBytes - size));
        size = maxBytes;
        truncated = true;
        break;
      }
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    if (truncated) await reader.cancel().catch(() => {});
    else reader.releaseLock();
  }
  return { text: Buffer.concat(chunks).toString('utf8'), truncated };
}

export async function postJson(url: string, body: unknown, opts: PostOptions): Promise<PostResult> {
  const host = hostOf(url);
  const secrets = [...opts.secrets, ...urlSecrets(url)];
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'Homeport', ...opts.headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
      signal: opts.signal ?? null,
      redirect: 'error',
    });
  } catch (err) {
    if (opts.signal?.aborted) throw abortError(opts.label, host, opts.signal, err);
    if (/redirect/i.test(String((err as { cause?: unknown }).cause ?? err))) {
      // Never followed: the request carries secrets, and a redirect would hand them to another URL.
      throw new HomeportError(
        { code: 'VALIDATION', message: `${opts.label} at ${host} answered with a redirect.`, fix: 'Use the final address (often https:// instead of http://).', details: { host, retryable: false } },
        { cause: err },
      );
    }
    const code = errorCode(err);
    const why = (code && NETWORK_ERRORS[code]) ?? 'the request failed';
    throw new HomeportError(
      {
        code: 'UNREACHABLE',
        message: `${opts.label} at ${host} could not be reached: ${why}.`,
        fix: code?.includes('CERT') ? 'Fix the server’s certificate, or use its http:// address on a trusted network.' : 'Check the address, and that the server is up and reachable from this computer.',
        details: { host, retryable: true, ...(code ? { cause: code } : {}) },
      },
      { cause: err },
    );
  }
  let text = '';
  try {
    text = (await readTextCapped(res, MAX_RESPONSE_BYTES)).text;
  } catch (err) {
    if (opts.signal?.aborted) throw abortError(opts.label, host, opts.signal, err);
  }
  if (res.ok) return { status: res.status, text };
  throw httpError(opts, host, res.status, scrub(explain(text), secrets));
}

/**
 * The server's own explanation from an error body: Telegram's `description`, Gotify's
 * `errorDescription`, ntfy's `error`, Discord's `message`; otherwise the text itself.
 */
export function explain(text: string): string {
  try {
    const j = JSON.parse(text) as Record<string, unknown>;
    for (const k of ['description', 'errorDescription', 'error', 'message']) {
      if (typeof j[k] === 'string' && j[k]) return j[k];
    }
  } catch {
    /* not JSON */
  }
  return text;
}

/** Maps a refusal to an error; `said` is the server's (already scrubbed) explanation. */
export function httpError(opts: Pick<PostOptions, 'label' | 'rejectedFix' | 'authFix'>, host: string, status: number, said: string): HomeportError {
  const quote = said.trim() ? `: ${said.trim().replace(/\s+/g, ' ').slice(0, 200)}` : '';
  const details = { host, status };
  if (status === 401 || status === 403) {
    return new HomeportError({ code: 'AUTH_FAILED', message: `${opts.label} at ${host} refused the credentials (HTTP ${status})${quote}.`, fix: opts.authFix, details: { ...details, retryable: false } });
  }
  if (status === 429 || status >= 500 || status === 408) {
    return new HomeportError({
      code: 'UNREACHABLE',
      message: status === 429 ? `${opts.label} at ${host} is rate-limiting Homeport (HTTP 429)${quote}.` : `${opts.label} at ${host} answered with an error (HTTP ${status})${quote}.`,
      fix: 'Homeport retries on its own; if it keeps failing, check the server.',
      details: { ...details, retryable: true },
    });
  }
  return new HomeportError({ code: 'VALIDATION', message: `${opts.label} at ${host} rejected the message (HTTP ${status})${quote}.`, fix: opts.rejectedFix, details: { ...details, retryable: false } });
}
