import { HomeportError, type ErrorCode } from '../../../shared/contract';

/**
 * shared/model/errors.ts has no code for "a remote service answered with an error, or with
 * something we cannot read"; ENGINE ("answered with an error, its own message kept") is the
 * nearest. Kept in one place so a dedicated code can replace it in one line.
 */
export const REMOTE_ERROR: ErrorCode = 'ENGINE';

/** Kuma's server messages are shown as details, never secrets; cap them so garbage stays small. */
function serverText(msg: unknown): string | null {
  return typeof msg === 'string' && msg.trim() !== '' ? msg.trim().slice(0, 200) : null;
}

export type AuthStep = 'password' | 'totp' | 'session';

/**
 * A refused sign-in, from 1.23's English `msg` or 2.x's i18n keys (`msgi18n: true`); the rate
 * limiter's message is plain English in both (UK:server/rate-limiter.js).
 */
export function authError(msg: unknown, step: AuthStep): HomeportError {
  const text = serverText(msg);
  const details = text ? { kumaMessage: text } : undefined;
  const make = (message: string, fix: string) =>
    new HomeportError(details ? { code: 'AUTH_FAILED', message, fix, details } : { code: 'AUTH_FAILED', message, fix });
  const m = (text ?? '').toLowerCase();
  if (/too frequently|rate.?limit/.test(m)) {
    return make('Uptime Kuma is refusing sign-ins for now: too many attempts.', 'Wait a minute, then try again.');
  }
  if (text === 'authIncorrectCreds' || m.startsWith('incorrect username or password')) {
    return make('Uptime Kuma refused the username or password.', "Use the username and password of Uptime Kuma's own web page.");
  }
  if (text === 'authUserInactiveOrDeleted' || m.includes('inactive or deleted')) {
    return make('The Uptime Kuma user is inactive or was deleted.', 'Sign in with an active Uptime Kuma user.');
  }
  if (text === 'authInvalidToken' || m.startsWith('invalid token')) {
    // One key, two meanings: a wrong TOTP in `login`, a dead JWT in `loginByToken`.
    return step === 'totp'
      ? make('Uptime Kuma refused the two-factor code.', 'Enter the current 6-digit code from your authenticator app; each code works only once.')
      : make(
          'The saved Uptime Kuma session is no longer valid (its password may have changed).',
          'Sign in to Uptime Kuma again with its username and password.',
        );
  }
  if (m.includes('not logged in')) {
    return make('Uptime Kuma says Homeport is not signed in.', 'Sign in to Uptime Kuma again.');
  }
  return make(
    step === 'session' ? 'Uptime Kuma refused the saved session.' : 'Uptime Kuma refused the sign-in.',
    'Check the credentials; the details show what Uptime Kuma said.',
  );
}

/** Kuma answered a call with `{ok:false, msg}`. */
export function remoteError(action: string, msg: unknown): HomeportError {
  const text = serverText(msg);
  if (text && /not logged in/i.test(text)) return authError(text, 'session');
  const info = {
    code: REMOTE_ERROR,
    message: `Uptime Kuma could not ${action}${text ? `: ${text}` : '.'}`,
    fix: 'Check the monitor in Uptime Kuma itself.',
  };
  return new HomeportError(text ? { ...info, details: { kumaMessage: text } } : info);
}

/** Kuma sent something this client cannot read. Only the event name and the paths of the problems are kept, never values. */
export function protocolError(what: string, problems: string[]): HomeportError {
  const list = problems.slice(0, 5).join('; ');
  return new HomeportError({
    code: REMOTE_ERROR,
    message: `Uptime Kuma sent ${what} that Homeport cannot read${list ? ` (${list})` : ''}.`,
    fix: 'Check that the address points to Uptime Kuma 1.23 or 2.x; other versions may speak a different protocol.',
    details: { what },
  });
}

/** A connection that failed, from socket.io's or fetch's error, by its system code. */
export function connectionError(label: string, err: unknown): HomeportError {
  const text = describeCause(err);
  const low = text.toLowerCase();
  if (low.includes('econnrefused')) {
    return new HomeportError(
      { code: 'CONNECTION_REFUSED', message: `${label} refused the connection.`, fix: 'Check that Uptime Kuma is running and the port is right.' },
      { cause: err },
    );
  }
  if (low.includes('enotfound') || low.includes('eai_again')) {
    return new HomeportError(
      { code: 'UNREACHABLE', message: `${label}: the host name does not resolve.`, fix: 'Check the address.' },
      { cause: err },
    );
  }
  if (low.includes('cert') || low.includes('self-signed') || low.includes('self signed') || low.includes('unable to verify')) {
    return new HomeportError(
      {
        code: 'UNREACHABLE',
        message: `${label}: the TLS certificate is not trusted (${text.slice(0, 120)}).`,
        fix: 'Use a trusted certificate, or allow this self-signed one in the connection settings.',
      },
      { cause: err },
    );
  }
  if (low.includes('timeout') || low.includes('timed out') || low.includes('etimedout')) {
    return new HomeportError(
      { code: 'UNREACHABLE', message: `${label} did not answer in time.`, fix: 'Check the address and that the machine is up.' },
      { cause: err },
    );
  }
  return new HomeportError(
    { code: 'UNREACHABLE', message: `${label} is unreachable${text ? ` (${text.slice(0, 120)})` : ''}.`, fix: 'Check the address and that Uptime Kuma is running.' },
    { cause: err },
  );
}

/**
 * A failed socket.io connection. When a web server answered, but not with socket.io, the address
 * is not Uptime Kuma (a wrong port, another app, a sign-in page, a proxy that does not pass
 * /socket.io/): say so instead of quoting the parser. A gateway error from a reverse proxy means
 * Kuma behind it is down: unreachable, worth retrying. Anything else is a network failure.
 */
/** A web server answered where Uptime Kuma was expected, with something Kuma never sends. */
export function notKumaError(origin: string, what: string, fix = 'Use the address you open Uptime Kuma with in a browser, port included (e.g. http://nas:3001).', cause?: unknown): HomeportError {
  return new HomeportError({ code: REMOTE_ERROR, message: `This is not Uptime Kuma: ${origin} ${what}.`, fix, details: { notKuma: true } }, cause === undefined ? undefined : { cause });
}

export function socketConnectError(label: string, origin: string, err: unknown): HomeportError {
  const e = (err ?? {}) as { message?: unknown; code?: unknown; description?: unknown; context?: unknown };
  const notKuma = (what: string) =>
    notKumaError(
      origin,
      `answers web requests, but not Uptime Kuma’s live connection (${what})`,
      'Use the address you open Uptime Kuma with in a browser, port included (e.g. http://nas:3001). Behind a reverse proxy, let /socket.io/ and WebSocket upgrades through to Uptime Kuma.',
      err,
    );
  // engine.io could not read the answer at all: an HTML page, some other JSON.
  if (e.message === 'server error' && e.code === 'parser error') {
    return notKuma('it answered with a web page');
  }
  if (e.message === 'xhr poll error' && typeof e.description === 'number' && e.description >= 100) {
    const status = e.description;
    if (status === 502 || status === 503 || status === 504) {
      return new HomeportError(
        {
          code: 'UNREACHABLE',
          message: `${label} is unreachable: the web server in front of it answered HTTP ${status} (Uptime Kuma may be down or restarting).`,
          fix: 'Check that Uptime Kuma is running; Homeport keeps trying.',
          details: { status },
        },
        { cause: err },
      );
    }
    // socket.io itself refusing (e.g. an Origin check) answers JSON {code, message}: that is Kuma.
    const body = (e.context as { responseText?: unknown } | undefined)?.responseText;
    const refusal = typeof body === 'string' ? engineRefusal(body) : null;
    if (refusal !== null) {
      return new HomeportError({ code: REMOTE_ERROR, message: `${label} refused the connection: ${refusal}.`, fix: 'Check Uptime Kuma’s settings and its log.', details: { status } }, { cause: err });
    }
    return notKuma(`it answered HTTP ${status}`);
  }
  return connectionError(label, err);
}

function engineRefusal(body: string): string | null {
  try {
    const j = JSON.parse(body.slice(0, 2000)) as { code?: unknown; message?: unknown };
    return typeof j.code === 'number' && typeof j.message === 'string' ? j.message.slice(0, 120) : null;
  } catch {
    return null;
  }
}

/** The system-level reason inside nested socket.io / fetch errors (`cause`, `description`, `code`). */
export function describeCause(err: unknown, depth = 0): string {
  if (depth > 4 || err === null || err === undefined) return '';
  if (typeof err === 'string') return err;
  if (typeof err !== 'object') return String(err);
  // socket.io-client's TransportError keeps the system error in `context` (the Node XMLHttpRequest
  // shim's `statusText`) or `description`; fetch keeps it in `cause`.
  const e = err as {
    code?: unknown;
    message?: unknown;
    description?: unknown;
    cause?: unknown;
    errors?: unknown;
    context?: unknown;
    statusText?: unknown;
    error?: unknown;
  };
  const parts: string[] = [];
  if (typeof e.code === 'string') parts.push(e.code);
  if (typeof e.message === 'string' && e.message) parts.push(e.message);
  const statusText = e.statusText !== null && typeof e.statusText === 'object' ? e.statusText : undefined;
  const inner = [e.description, e.cause, e.context, statusText, e.error, ...(Array.isArray(e.errors) ? e.errors : [])]
    .map((x) => describeCause(x, depth + 1))
    .filter(Boolean);
  return [...parts, ...inner].join(': ');
}

/** A short reason for a fact ("connection refused"), from a HomeportError. */
export function shortReason(err: HomeportError | null | undefined, instance?: string): string | undefined {
  if (!err) return undefined;
  if (err.code === 'CONNECTION_REFUSED') return 'connection refused';
  if ((err.details as { notKuma?: unknown } | undefined)?.notKuma === true) return 'the address answers, but not as Uptime Kuma';
  let text = err.message.replace(/\.$/, '');
  // "Uptime Kuma on nas did not answer in time" inside a fact about "Uptime Kuma on nas".
  if (instance && text.startsWith(`${instance} `)) text = text.slice(instance.length + 1);
  else if (instance && text.startsWith(`${instance}: `)) text = text.slice(instance.length + 2);
  return text.slice(0, 160);
}
