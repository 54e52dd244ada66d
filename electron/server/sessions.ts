import { randomBytes } from 'node:crypto';

/**
 * Headless mode's browser sessions. Logging in (with the token) creates a session: a random id,
 * kept only in this process, that the browser holds in an HttpOnly cookie. The id says nothing
 * about the token (OWASP session management: ids are random, server-side, ≥ 128 bits), a new one
 * is made at every login (so an id planted before login is worthless), and a session ends when
 * the user logs out, after `idleMs` without a request, or `absoluteMs` after login whatever the
 * activity; a restart ends them all. Whoever watches `onEnd` (the WebSocket layer) closes what
 * the session had open.
 */
export interface SessionOptions {
  /** Ends a session this long after its last request. Default 12 h. */
  idleMs?: number;
  /** Ends a session this long after login, however active. Default 7 days. */
  absoluteMs?: number;
  /** Sessions kept at most; the one used least recently goes first. Default 1000. */
  max?: number;
  now?: () => number;
}

export const DEFAULT_SESSION_IDLE_MS = 12 * 3_600_000;
export const DEFAULT_SESSION_ABSOLUTE_MS = 7 * 24 * 3_600_000;
const DEFAULT_MAX_SESSIONS = 1000;

export type SessionEndReason = 'logout' | 'idle' | 'expired' | 'replaced' | 'evicted' | 'shutdown';

interface Session {
  createdAt: number;
  lastSeenAt: number;
}

/** 32 random bytes, base64url: 43 characters. */
const ID_RE = /^[A-Za-z0-9_-]{43}$/;

export class SessionStore {
  readonly idleMs: number;
  readonly absoluteMs: number;
  private readonly max: number;
  private readonly now: () => number;
  /** Insertion order = least recently used first (a touch moves a session to the end). */
  private readonly sessions = new Map<string, Session>();
  private readonly endListeners = new Set<(id: string, reason: SessionEndReason) => void>();

  constructor(opts: SessionOptions = {}) {
    this.idleMs = opts.idleMs ?? DEFAULT_SESSION_IDLE_MS;
    this.absoluteMs = opts.absoluteMs ?? DEFAULT_SESSION_ABSOLUTE_MS;
    this.max = opts.max ?? DEFAULT_MAX_SESSIONS;
    this.now = opts.now ?? Date.now;
    if (!(this.idleMs > 0) || !(this.absoluteMs > 0)) throw new Error('session lifetimes must be positive');
  }

  /** A new session; `replacing` (the id the browser still had) ends first. */
  create(replacing?: string | null): string {
    if (replacing) this.end(replacing, 'replaced');
    while (this.sessions.size >= this.max) {
      const oldest = this.sessions.keys().next().value as string;
      this.end(oldest, 'evicted');
    }
    const id = randomBytes(32).toString('base64url');
    const now = this.now();
    this.sessions.set(id, { createdAt: now, lastSeenAt: now });
    return id;
  }

  /** True while the session is valid; `touch` counts this as activity. An expired session ends here. */
  check(id: string, touch = true): boolean {
    if (!ID_RE.test(id)) return false;
    const s = this.sessions.get(id);
    if (!s) return false;
    const reason = this.expiry(s, this.now());
    if (reason) {
      this.end(id, reason);
      return false;
    }
    if (touch) {
      s.lastSeenAt = this.now();
      this.sessions.delete(id);
      this.sessions.set(id, s);
    }
    return true;
  }

  end(id: string, reason: SessionEndReason): void {
    if (!this.sessions.delete(id)) return;
    for (const l of this.endListeners) l(id, reason);
  }

  /** Ends every session past its idle or absolute limit (the server calls it on a timer). */
  sweep(): void {
    const now = this.now();
    for (const [id, s] of this.sessions) {
      const reason = this.expiry(s, now);
      if (reason) this.end(id, reason);
    }
  }

  endAll(reason: SessionEndReason): void {
    for (const id of [...this.sessions.keys()]) this.end(id, reason);
  }

  onEnd(listener: (id: string, reason: SessionEndReason) => void): () => void {
    this.endListeners.add(listener);
    return () => void this.endListeners.delete(listener);
  }

  get size(): number {
    return this.sessions.size;
  }

  private expiry(s: Session, now: number): SessionEndReason | null {
    if (now - s.createdAt >= this.absoluteMs) return 'expired';
    if (now - s.lastSeenAt >= this.idleMs) return 'idle';
    return null;
  }
}
