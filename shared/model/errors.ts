/**
 * Error codes that cross the contract. Every error a user can cause carries a message that names
 * the cause and a `fix` that names what to do about it. Messages never contain secrets.
 */
export const ERROR_CODES = [
  'VALIDATION', // input rejected by the contract's schema
  'NOT_FOUND', // host, key, container or stream id unknown
  'CONFLICT', // e.g. a host name already used
  'AUTH_FAILED', // server refused every credential offered
  'KEY_PASSPHRASE', // encrypted key with a missing or wrong passphrase
  'KEY_INVALID', // not a private key we can read
  'HOSTKEY_UNKNOWN', // first contact: the user must accept the fingerprint
  'HOSTKEY_CHANGED', // the server's key differs from the remembered one: refused
  'UNREACHABLE', // DNS failure, no route, timeout
  'CONNECTION_REFUSED', // nothing listens on the port
  'SOCKET_MISSING', // no Docker socket at the path
  'SOCKET_PERMISSION', // the login user may not open the socket
  'NOT_DOCKER', // something answers on the socket, but not the Docker API
  'FORWARDING_DISABLED', // sshd forbids streamlocal forwarding and there is no docker CLI to fall back on
  'SSH_CONFIG', // ~/.ssh/config could not be read or parsed
  'ENGINE', // the Docker engine answered with an error (its own message is kept)
  'DISCONNECTED', // the host is not connected right now
  'SHELL_FAILED', // a terminal's shell could not start (session refused by sshd, no shell in the container)
  'UNAUTHORIZED', // headless mode: missing or wrong token
  'FORBIDDEN', // IPC sender or WebSocket origin not trusted
  'COMPOSE_MISSING', // neither `docker compose` (v2) nor `docker-compose` (v1) runs on the host
  'COMMAND_FAILED', // a command on the host exited with a non-zero status (its output is kept)
  'FILE_ACCESS', // a file on the host could not be read or written (permission, disk…)
  'LIMIT', // headless mode: too many calls or streams at once from one client
  'SETTINGS', // a saved setting cannot be read (damaged file or entry, missing or changed secret.key); it is kept as it was
  'INTERNAL', // a bug: the message says so
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorInfo {
  code: ErrorCode;
  /** What went wrong, in the user's terms. */
  message: string;
  /** What the user can do about it. */
  fix?: string;
  /** Plain facts for the UI (fingerprints, paths…); never secrets. */
  details?: Record<string, string | number | boolean>;
}

/** The error type both sides throw; it survives the contract as ErrorInfo. */
export class HomeportError extends Error implements ErrorInfo {
  readonly code: ErrorCode;
  readonly fix?: string;
  readonly details?: Record<string, string | number | boolean>;
  constructor(info: ErrorInfo, options?: { cause?: unknown }) {
    super(info.message, options);
    this.name = 'HomeportError';
    this.code = info.code;
    if (info.fix !== undefined) this.fix = info.fix;
    if (info.details !== undefined) this.details = info.details;
  }
  toInfo(): ErrorInfo {
    const info: ErrorInfo = { code: this.code, message: this.message };
    if (this.fix !== undefined) info.fix = this.fix;
    if (this.details !== undefined) info.details = this.details;
    return info;
  }
}

export function isErrorInfo(v: unknown): v is ErrorInfo {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as ErrorInfo).message === 'string' &&
    (ERROR_CODES as readonly string[]).includes((v as ErrorInfo).code)
  );
}

/** The envelope every call result crosses in. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

/** The text of anything thrown: an Error's message, or the value as a string. */
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The fix told for an error that is Homeport's own bug. */
export const BUG_FIX = 'This is a bug; the log has details.';

/**
 * What to say of a thrown value that is not a HomeportError (a bug, or a failure nothing on the
 * way put in the user's words): the message, or how to build it from the value, and the rest of
 * the ErrorInfo (INTERNAL unless said). `log` hears of it first — an unexpected error deserves a
 * line in the log with its stack, which the user's message leaves out.
 */
export interface Unexpected {
  code?: ErrorCode;
  message: string | ((e: unknown) => string);
  fix?: string;
  details?: Record<string, string | number | boolean>;
  log?: (e: unknown) => void;
}

/**
 * The one converter of anything thrown: a HomeportError passes as it is (the SSH, engine, Kuma and
 * pull mappers have already said its cause in the user's words); anything else is told as
 * `unexpected` says, with the value kept as the cause.
 */
export function toHomeportError(e: unknown, unexpected: Unexpected): HomeportError {
  if (e instanceof HomeportError) return e;
  unexpected.log?.(e);
  const info: ErrorInfo = { code: unexpected.code ?? 'INTERNAL', message: typeof unexpected.message === 'string' ? unexpected.message : unexpected.message(e) };
  if (unexpected.fix !== undefined) info.fix = unexpected.fix;
  if (unexpected.details !== undefined) info.details = unexpected.details;
  return new HomeportError(info, { cause: e });
}

/** `toHomeportError`, as the ErrorInfo that crosses the contract. */
export function toErrorInfo(e: unknown, unexpected: Unexpected): ErrorInfo {
  return toHomeportError(e, unexpected).toInfo();
}
