/**
 * A client for Uptime Kuma's socket.io API (1.23 and 2.x, as their servers send it), mirrored into a
 * normalised model of monitors.
 *
 * - It runs in the main process with socket.io-client under Node, which sends no `Origin` header:
 *   Kuma ≥ 1.23.9 refuses a WebSocket whose Origin differs from its Host (CVE-2023-49805), so a
 *   renderer could not connect. Transports stay socket.io's default (polling, then upgrade; Uptime Kuma #4216).
 * - It never sends `login` before `loginRequired`/`autoLogin`: the server registers its handlers
 *   after an `await`, and an early login is dropped without a reply (appendix of the notes).
 * - The JWT from `login` is handed to the caller (who stores it encrypted) and never logged; it has
 *   no expiry and re-login with `loginByToken` needs neither password nor TOTP.
 * - After login 2.x pushes ~6 events per monitor in parallel; model changes are coalesced into one
 *   `monitors` event per `throttleMs`.
 * - Anything Kuma sends is read with zod; garbage is reported (`protocolError`, a log line with
 *   the event name and problem paths, never values) and never throws out of a handler.
 */
import { io, type Socket } from 'socket.io-client';
import { HomeportError } from '../../../shared/contract';
import type { Logger } from '../platform/platform';
import { authError, protocolError, remoteError, socketConnectError } from './kuma-errors';
import {
  defaultInstanceName,
  normaliseId,
  parseKumaUrl,
  toNumber,
  wireId,
  type KumaBeat,
  type KumaMonitorFact,
  type KumaServerInfo,
} from './kuma-model';
import {
  readBeat,
  readBeatList,
  readCertInfo,
  readInfo,
  readLoginReply,
  readMonitorMap,
  readOkReply,
  readRatio,
  readUptimePeriod,
  type KumaMonitorDef,
} from './kuma-schemas';
import { Emitter } from '../platform/emitter';

export interface KumaCredentials {
  username: string;
  password: string;
  /** The current TOTP code, when Kuma asked for one (`totp-required`). */
  token?: string;
}

export type KumaLoginResult =
  /** Signed in. `token` is the session JWT: store it encrypted, re-login with `loginByToken`. */
  | { status: 'ok'; token: string }
  /** The account has 2FA: call `login` again with `token` set to the current code. */
  | { status: 'totp-required' };

export interface KumaHello {
  /** False when Kuma runs with authentication disabled (`autoLogin`): the client is already signed in. */
  loginRequired: boolean;
  /** Kuma has no user yet (`setup`): it must be set up in its own page first. */
  setupNeeded: boolean;
  /** The pre-login `info` (no version since 1.23, Uptime Kuma #3421). */
  info: KumaServerInfo | null;
}

export interface KumaMonitorsUpdate {
  /** The whole model after the change. */
  monitors: KumaMonitorFact[];
  changed: string[];
  removed: string[];
}

export interface KumaClientEvents {
  /** The socket is up and Kuma is ready for a login (or auto-logged-in). */
  connected: KumaHello;
  /** An established connection was lost (not emitted for `close()`): why. */
  disconnected: string;
  info: KumaServerInfo;
  loggedIn: void;
  /** Coalesced model changes (at most one per `throttleMs`). */
  monitors: KumaMonitorsUpdate;
  /** Every live heartbeat, at once (for staleness and the alert policy). */
  heartbeat: KumaBeat;
  /** 1.23 pushes up to 500 important beats per monitor after login; 2.x does not. */
  importantBeats: { monitorId: string; beats: KumaBeat[] };
  /** Kuma sent something unreadable; the model kept its previous values. */
  protocolError: HomeportError;
  /** Kuma sent more than Homeport keeps (e.g. too many monitors): a sentence for the user, or null once it no longer does. */
  limit: string | null;
}

export interface KumaClientOptions {
  /** Kuma's address, e.g. `http://nas:3001`. Only its origin is used. */
  url: string;
  logger: Logger;
  /** "Uptime Kuma on nas" by default. */
  instance?: string;
  throttleMs?: number;
  connectTimeoutMs?: number;
  /** How long a call waits for Kuma's acknowledgement. */
  ackTimeoutMs?: number;
  /** How long to wait for `loginRequired`/`autoLogin` after connecting before trying anyway. */
  helloTimeoutMs?: number;
  /** Accept a self-signed certificate on an https:// Kuma. */
  allowSelfSigned?: boolean;
  /** The largest single message read from Kuma (bytes); a larger one drops the connection. Default 64 MiB. */
  maxMessageBytes?: number;
  /** Beats kept over all monitors, per list kind (recent, important). Default 50,000. */
  beatBudget?: number;
  now?: () => number;
}

interface Stats {
  lastBeat: KumaBeat | null;
  avgPing: number | null;
  uptime24h: number | null;
  uptime30d: number | null;
  uptime1y: number | null;
  certDaysLeft: number | null;
  certValid: boolean | null;
}

// Everything keyed by what Kuma sends is capped, so a broken or hostile server cannot grow this
// process without bound: monitors, ids seen before their monitor, beats per monitor and in all.
export const MAX_MONITORS = 5000;
/** Stats and beats for ids not (yet) in the monitor list: 2.x's burst can race the list by a little. */
const MAX_UNLISTED = 256;
const RECENT_BEATS = 100;
const IMPORTANT_BEATS = 500;
/** Beats kept over all monitors, per list kind; with many monitors each keeps fewer. */
const BEAT_BUDGET = 50_000;
const MIN_BEATS = 5;
const REPORT_EVERY_MS = 60_000;

function emptyStats(): Stats {
  return { lastBeat: null, avgPing: null, uptime24h: null, uptime30d: null, uptime1y: null, certDaysLeft: null, certValid: null };
}

export class KumaClient extends Emitter<KumaClientEvents> {
  readonly url: URL;
  readonly instance: string;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly throttleMs: number;
  private readonly connectTimeoutMs: number;
  private readonly ackTimeoutMs: number;
  private readonly helloTimeoutMs: number;
  private readonly allowSelfSigned: boolean;
  private readonly maxMessageBytes: number;
  private readonly beatBudget: number;

  private socket: Socket | null = null;
  /** Bumped on every connect/close so late events of an abandoned socket are dropped. */
  private generation = 0;
  private hello: KumaHello | null = null;
  private helloWaiters: { resolve: (h: KumaHello) => void; reject: (e: unknown) => void }[] = [];
  private abortConnect: ((err: HomeportError) => void) | null = null;
  private signedIn = false;
  private serverInfo: KumaServerInfo | null = null;
  private heardAt: number | null = null;

  private readonly defs = new Map<string, KumaMonitorDef>();
  private readonly stats = new Map<string, Stats>();
  private readonly recent = new Map<string, KumaBeat[]>();
  private readonly important = new Map<string, KumaBeat[]>();
  /** Ids with stats or beats but not in the monitor list. */
  private readonly unlisted = new Set<string>();
  private readonly beatCount = new Map<Map<string, KumaBeat[]>, number>();
  private notice: string | null = null;

  private readonly dirty = new Set<string>();
  private readonly removed = new Set<string>();
  private flushTimer: NodeJS.Timeout | null = null;
  private readonly lastReport = new Map<string, { at: number; suppressed: number }>();

  constructor(opts: KumaClientOptions) {
    super(opts.logger, 'kuma');
    this.url = parseKumaUrl(opts.url);
    this.instance = opts.instance ?? defaultInstanceName(this.url);
    this.logger = opts.logger;
    this.now = opts.now ?? Date.now;
    this.throttleMs = opts.throttleMs ?? 100;
    this.connectTimeoutMs = opts.connectTimeoutMs ?? 10_000;
    this.ackTimeoutMs = opts.ackTimeoutMs ?? 15_000;
    this.helloTimeoutMs = opts.helloTimeoutMs ?? 5_000;
    this.allowSelfSigned = opts.allowSelfSigned ?? false;
    this.maxMessageBytes = opts.maxMessageBytes ?? 64 * 1024 * 1024;
    this.beatBudget = opts.beatBudget ?? BEAT_BUDGET;
  }

  // ---- state ------------------------------------------------------------------------------

  get connected(): boolean {
    return this.socket?.connected === true && this.hello !== null;
  }

  get loggedIn(): boolean {
    return this.connected && this.signedIn;
  }

  get info(): KumaServerInfo | null {
    return this.serverInfo;
  }

  /**
   * When Kuma last sent anything on a socket (an event, a reply, a keep-alive ping), on this
   * client's clock; null before the first connection. Kept across a drop: it is when Kuma was
   * last heard from.
   */
  get lastDataAt(): number | null {
    return this.heardAt;
  }

  private heard(): void {
    this.heardAt = this.now();
  }

  /** The model, in Kuma's id order. */
  monitors(): KumaMonitorFact[] {
    return [...this.defs.values()].sort(byId).map((d) => this.toInfo(d));
  }

  monitor(id: string): KumaMonitorFact | null {
    const d = this.defs.get(id);
    return d ? this.toInfo(d) : null;
  }

  /** Up to the last 100 beats of a monitor, oldest first. */
  recentBeats(id: string): KumaBeat[] {
    return [...(this.recent.get(id) ?? [])];
  }

  /** Important (status-change) beats, oldest first: pushed by 1.23, gathered live under 2.x. */
  importantBeats(id: string): KumaBeat[] {
    return [...(this.important.get(id) ?? [])];
  }

  /** Why not everything Kuma sent is mirrored (too many monitors), or null. */
  get limitNotice(): string | null {
    return this.notice;
  }

  /** How much of Kuma's data is held, for diagnostics and tests: everything here is capped. */
  sizes(): { monitors: number; ids: number; recentBeats: number; importantBeats: number } {
    const ids = new Set([...this.defs.keys(), ...this.stats.keys(), ...this.recent.keys(), ...this.important.keys()]);
    let recentBeats = 0;
    for (const l of this.recent.values()) recentBeats += l.length;
    let importantBeats = 0;
    for (const l of this.important.values()) importantBeats += l.length;
    return { monitors: this.defs.size, ids: ids.size, recentBeats, importantBeats };
  }

  /** The newest heartbeat time Kuma has told of, any monitor (Kuma's clock). */
  newestBeatAt(): number | null {
    let best: number | null = null;
    for (const s of this.stats.values()) {
      const t = s.lastBeat?.time ?? null;
      if (t !== null && (best === null || t > best)) best = t;
    }
    return best;
  }

  // ---- connection -------------------------------------------------------------------------

  /**
   * Opens the socket and resolves once Kuma is ready for a login. Rejects with
   * CONNECTION_REFUSED / UNREACHABLE when Kuma cannot be reached. A previous socket is closed.
   */
  connect(): Promise<KumaHello> {
    this.teardown(new HomeportError({ code: 'DISCONNECTED', message: `The connection to ${this.instance} was replaced by a new one.` }));
    const gen = ++this.generation;
    const socket = io(this.url.origin, {
      path: '/socket.io',
      reconnection: false, // KumaWatch owns reconnection (backoff, loginByToken, liveness facts).
      autoConnect: false,
      forceNew: true,
      timeout: this.connectTimeoutMs,
      rejectUnauthorized: !this.allowSelfSigned,
      // WebSocket first, where a message larger than `maxPayload` is refused before it is read;
      // long-polling (no such limit in its transport) only when a proxy does not pass WebSocket.
      transports: ['websocket', 'polling'],
      tryAllTransports: true,
      ...({ maxPayload: this.maxMessageBytes } as object),
    });
    this.socket = socket;
    this.signedIn = false;
    this.hello = null;

    return new Promise<KumaHello>((resolve, reject) => {
      let settled = false;
      let setupNeeded = false;
      let preInfo: KumaServerInfo | null = null;
      let helloTimer: NodeJS.Timeout | null = null;
      const done = (err: HomeportError | null, hello?: KumaHello) => {
        if (settled) return;
        settled = true;
        this.abortConnect = null;
        if (helloTimer) clearTimeout(helloTimer);
        if (err) {
          if (gen === this.generation) this.dropSocket();
          const waiters = this.helloWaiters.splice(0);
          for (const w of waiters) w.reject(err);
          reject(err);
          return;
        }
        this.hello = hello!;
        const waiters = this.helloWaiters.splice(0);
        for (const w of waiters) w.resolve(hello!);
        resolve(hello!);
        this.emit('connected', hello!);
        if (!hello!.loginRequired) this.emit('loggedIn');
      };
      this.abortConnect = (err) => done(err);

      const guard =
        <A extends unknown[]>(event: string, fn: (...args: A) => void) =>
        (...args: A) => {
          if (gen !== this.generation) return;
          try {
            fn(...args);
          } catch (err) {
            this.report(event, [`handler: ${err instanceof Error ? err.message : String(err)}`]);
          }
        };

      // Any packet from Kuma is proof of life: events, and socket.io's keep-alive pings, which
      // flow every 25 s even when no monitor changes.
      socket.onAny(() => {
        if (gen === this.generation) this.heard();
      });
      socket.io.on('ping', () => {
        if (gen === this.generation) this.heard();
      });
      socket.on(
        'connect',
        guard('connect', () => {
          this.heard();
          helloTimer = setTimeout(() => {
            // Older or customised servers may not say `loginRequired`; try anyway rather than hang.
            this.logger.warn('kuma: no loginRequired/autoLogin after connecting; assuming a login is needed', { instance: this.instance });
            done(null, { loginRequired: true, setupNeeded, info: preInfo });
          }, this.helloTimeoutMs);
        }),
      );
      socket.on('connect_error', (err: Error) => {
        if (gen !== this.generation) return;
        done(socketConnectError(this.instance, this.url.origin, err));
      });
      socket.on(
        'setup',
        guard('setup', () => {
          setupNeeded = true;
        }),
      );
      socket.on(
        'loginRequired',
        guard('loginRequired', () => done(null, { loginRequired: true, setupNeeded, info: preInfo })),
      );
      socket.on(
        'autoLogin',
        guard('autoLogin', () => {
          this.signedIn = true;
          done(null, { loginRequired: false, setupNeeded, info: preInfo });
        }),
      );
      socket.on(
        'info',
        guard('info', (raw: unknown) => {
          const r = readInfo(raw);
          if (!r.ok) return this.report('info', r.problems);
          preInfo = r.value;
          // Keep a version once known: a later pre-login info (after a reconnect) hides it again.
          this.serverInfo = { ...r.value, version: r.value.version ?? this.serverInfo?.version ?? null };
          this.emit('info', this.serverInfo);
        }),
      );
      socket.on('disconnect', (rawReason: string, description?: unknown) => {
        if (gen !== this.generation) return;
        const reason = tooLarge(description) ? `Uptime Kuma sent a message of more than ${formatBytes(this.maxMessageBytes)} at once, more than Homeport reads` : rawReason;
        this.signedIn = false;
        if (!settled) {
          done(
            new HomeportError({
              code: 'UNREACHABLE',
              message: `${this.instance} closed the connection before it was ready (${reason}).`,
              fix: 'Check that the address points to Uptime Kuma.',
            }),
          );
          return;
        }
        this.hello = null;
        this.logger.info('kuma: disconnected', { instance: this.instance, reason });
        this.emit('disconnected', reason);
      });
      this.attachDataHandlers(socket, guard);
      socket.connect();
    });
  }

  /** Closes the socket; the model stays as it was (the UI keeps showing the last values). */
  close(): void {
    this.generation++;
    this.teardown(new HomeportError({ code: 'DISCONNECTED', message: `The connection to ${this.instance} was closed.` }));
    if (this.flushTimer) {
      clearTimeout(this.flushTimer);
      this.flushTimer = null;
    }
  }

  /** Resolves when the current connection is ready for a login. */
  private ready(): Promise<KumaHello> {
    if (this.hello && this.socket?.connected) return Promise.resolve(this.hello);
    if (!this.socket || !this.abortConnect) {
      return Promise.reject(new HomeportError({ code: 'DISCONNECTED', message: `${this.instance} is not connected.`, fix: 'Connect first.' }));
    }
    return new Promise((resolve, reject) => this.helloWaiters.push({ resolve, reject }));
  }

  private teardown(reason: HomeportError): void {
    this.abortConnect?.(reason);
    this.abortConnect = null;
    this.dropSocket();
  }

  private dropSocket(): void {
    const s = this.socket;
    this.socket = null;
    this.hello = null;
    this.signedIn = false;
    if (s) {
      s.removeAllListeners();
      s.offAny();
      s.io.off('ping');
      s.disconnect();
    }
  }

  // ---- calls ------------------------------------------------------------------------------

  private call(event: string, args: unknown[], what: string): Promise<unknown> {
    const socket = this.socket;
    if (!socket || !socket.connected) {
      return Promise.reject(new HomeportError({ code: 'DISCONNECTED', message: `${this.instance} is not connected, so Homeport could not ${what}.`, fix: 'Wait for the connection to come back.' }));
    }
    const seconds = Math.round(this.ackTimeoutMs / 1000);
    return new Promise((resolve, reject) => {
      socket.timeout(this.ackTimeoutMs).emit(event, ...args, (err: Error | null, reply: unknown) => {
        if (!err) {
          this.heard();
          return resolve(reply);
        }
        const lost = /disconnect/i.test(err.message);
        reject(
          new HomeportError(
            lost
              ? { code: 'DISCONNECTED', message: `${this.instance} disconnected before it answered (${what}).`, fix: 'Try again once it is connected.' }
              : { code: 'UNREACHABLE', message: `${this.instance} did not answer within ${seconds} s (${what}).`, fix: 'Check that Uptime Kuma is running and not overloaded.' },
          ),
        );
      });
    });
  }

  /**
   * Signs in with username and password (and the TOTP code on the second round). Wrong
   * credentials, a wrong code or Kuma's rate limit → HomeportError AUTH_FAILED.
   */
  async login(creds: KumaCredentials): Promise<KumaLoginResult> {
    const username = typeof creds.username === 'string' ? creds.username.trim() : '';
    const password = typeof creds.password === 'string' ? creds.password : '';
    const totp = typeof creds.token === 'string' ? creds.token.replace(/\s+/g, '') : '';
    if (!username || !password) {
      throw new HomeportError({ code: 'VALIDATION', message: 'Enter both the Uptime Kuma username and password.' });
    }
    if (totp && !/^\d{6,8}$/.test(totp)) {
      throw new HomeportError({ code: 'VALIDATION', message: 'The two-factor code is the 6 digits your authenticator app shows.' });
    }
    const hello = await this.ready();
    if (!hello.loginRequired) throw new HomeportError({ code: 'CONFLICT', message: `${this.instance} has authentication disabled; no sign-in is needed.` });
    const raw = await this.call('login', [{ username, password, token: totp }], 'sign in');
    const r = readLoginReply(raw);
    if (!r.ok) throw this.report('login', r.problems, 'a sign-in reply');
    const reply = r.value;
    if (reply.kind === 'totp-required') {
      if (totp) throw authError('authInvalidToken', 'totp');
      this.logger.info('kuma: two-factor code required', { instance: this.instance });
      return { status: 'totp-required' };
    }
    if (reply.kind === 'refused') {
      const err = authError(reply.msg, totp ? 'totp' : 'password');
      this.logger.warn('kuma: sign-in refused', { instance: this.instance, reason: err.message });
      throw err;
    }
    if (!reply.token) throw this.report('login', ['token: missing'], 'a sign-in reply');
    this.signedIn = true;
    this.logger.info('kuma: signed in', { instance: this.instance });
    this.emit('loggedIn');
    return { status: 'ok', token: reply.token };
  }

  /** Re-login with a stored session JWT (no password, no TOTP). A dead session → AUTH_FAILED. */
  async loginByToken(jwt: string): Promise<void> {
    if (typeof jwt !== 'string' || jwt.trim() === '') throw new HomeportError({ code: 'VALIDATION', message: 'No saved Uptime Kuma session.', fix: 'Sign in with username and password.' });
    const hello = await this.ready();
    if (!hello.loginRequired) return;
    const raw = await this.call('loginByToken', [jwt], 'resume the session');
    const r = readLoginReply(raw);
    if (!r.ok) throw this.report('loginByToken', r.problems, 'a sign-in reply');
    if (r.value.kind !== 'ok') {
      const err = authError(r.value.kind === 'refused' ? r.value.msg : 'authInvalidToken', 'session');
      this.logger.warn('kuma: saved session refused', { instance: this.instance, reason: err.message });
      throw err;
    }
    this.signedIn = true;
    this.logger.info('kuma: signed in with the saved session', { instance: this.instance });
    this.emit('loggedIn');
  }

  pauseMonitor(id: string): Promise<void> {
    return this.toggle('pauseMonitor', id, 'pause');
  }

  resumeMonitor(id: string): Promise<void> {
    return this.toggle('resumeMonitor', id, 'resume');
  }

  private async toggle(event: string, id: string, verb: string): Promise<void> {
    const name = this.defs.get(id)?.name ?? `monitor ${id}`;
    const raw = await this.call(event, [wireId(id)], `${verb} ${name}`);
    const r = readOkReply(raw);
    if (!r.ok) throw this.report(event, r.problems, `a ${verb} reply`);
    if (!r.value.ok) throw remoteError(`${verb} "${name}"`, r.value.msg);
  }

  /** Asks Kuma to send the whole monitor list again. */
  async refreshMonitorList(): Promise<void> {
    const raw = await this.call('getMonitorList', [], 'list monitors');
    const r = readOkReply(raw);
    if (r.ok && !r.value.ok) throw remoteError('list the monitors', r.value.msg);
  }

  // ---- incoming data ----------------------------------------------------------------------

  private attachDataHandlers(socket: Socket, guard: <A extends unknown[]>(event: string, fn: (...args: A) => void) => (...args: A) => void): void {
    // Every handler is guarded: an older connection's events are ignored, and a throw is reported under the event's name.
    const on = <A extends unknown[]>(event: string, fn: (...args: A) => void) => socket.on(event, guard(event, fn));
    on('monitorList', (raw: unknown) => this.applyMonitors('monitorList', raw, true));
    on('updateMonitorIntoList', (raw: unknown) => this.applyMonitors('updateMonitorIntoList', raw, false));
    on('deleteMonitorFromList', (rawId: unknown) => {
      const id = normaliseId(rawId);
      if (id === null) return this.report('deleteMonitorFromList', ['id: invalid']);
      this.forget(id);
    });
    on('heartbeatList', (rawId: unknown, list: unknown, overwrite: unknown) => {
      const got = this.beatListOf('heartbeatList', rawId, list, RECENT_BEATS);
      if (!got) return;
      const { id, beats } = got;
      this.mergeBeats(this.recent, id, beats, overwrite === true, RECENT_BEATS);
      const newest = this.recent.get(id)?.at(-1);
      if (newest) this.setLastBeat(id, newest);
    });
    on('importantHeartbeatList', (rawId: unknown, list: unknown, overwrite: unknown) => {
      const got = this.beatListOf('importantHeartbeatList', rawId, list, IMPORTANT_BEATS);
      if (!got) return;
      const { id, beats } = got;
      this.mergeBeats(this.important, id, beats, overwrite === true, IMPORTANT_BEATS);
      this.emit('importantBeats', { monitorId: id, beats: this.importantBeats(id) });
    });
    on('heartbeat', (raw: unknown) => {
      const r = readBeat(raw);
      if (!r.ok) return this.report('heartbeat', r.problems);
      const beat = r.value;
      if (this.admit(beat.monitorId)) {
        this.mergeBeats(this.recent, beat.monitorId, [beat], false, RECENT_BEATS);
        if (beat.important) this.mergeBeats(this.important, beat.monitorId, [beat], false, IMPORTANT_BEATS);
        this.setLastBeat(beat.monitorId, beat);
      }
      // Still proof that Kuma's checks run, kept or not.
      this.emit('heartbeat', beat);
    });
    on('uptime', (rawId: unknown, period: unknown, ratio: unknown) => {
      const id = normaliseId(rawId);
      if (id === null) return this.report('uptime', ['monitorID: invalid']);
      const window = readUptimePeriod(period);
      if (window === null) return; // a window a newer Kuma added: not an error.
      if (!this.admit(id)) return;
      const r = readRatio(ratio);
      if (!r.ok) return this.report('uptime', r.problems);
      const s = this.statsOf(id);
      if (window === '24h') s.uptime24h = r.value;
      else if (window === '30d') s.uptime30d = r.value;
      else s.uptime1y = r.value;
      this.touch(id);
    });
    on('avgPing', (rawId: unknown, ms: unknown) => {
      const id = normaliseId(rawId);
      if (id === null) return this.report('avgPing', ['monitorID: invalid']);
      const n = toNumber(ms);
      if (ms !== null && ms !== undefined && n === null) return this.report('avgPing', ['value: not a number']);
      if (!this.admit(id)) return;
      this.statsOf(id).avgPing = n !== null && n >= 0 ? n : null;
      this.touch(id);
    });
    on('certInfo', (rawId: unknown, raw: unknown) => {
      const id = normaliseId(rawId);
      if (id === null) return this.report('certInfo', ['monitorID: invalid']);
      if (!this.admit(id)) return;
      const s = this.statsOf(id);
      const r = readCertInfo(raw);
      if (!r.ok) {
        s.certDaysLeft = null;
        s.certValid = null;
        this.touch(id);
        return this.report('certInfo', r.problems);
      }
      s.certDaysLeft = r.value.daysRemaining;
      s.certValid = r.value.valid;
      this.touch(id);
    });
  }

  private applyMonitors(event: string, raw: unknown, full: boolean): void {
    const r = readMonitorMap(raw, MAX_MONITORS);
    if (!r.ok) return void this.report(event, r.problems);
    if (r.value.problems.length) this.report(event, r.value.problems);
    const seen = new Set<string>();
    let refused = 0;
    for (const def of r.value.monitors) {
      seen.add(def.id);
      const before = this.defs.get(def.id);
      if (!before && !full && this.defs.size >= MAX_MONITORS) {
        refused++;
        continue;
      }
      this.defs.set(def.id, def);
      this.unlisted.delete(def.id);
      if (!before || !sameDef(before, def)) this.touch(def.id);
    }
    // 1.23 re-sends the whole list after every change: what is missing was deleted.
    if (full) for (const id of new Set([...this.defs.keys(), ...this.stats.keys(), ...this.recent.keys(), ...this.important.keys()])) if (!seen.has(id)) this.forget(id);
    const fmt = (n: number) => n.toLocaleString('en-US');
    if (full) {
      this.setNotice(r.value.total > MAX_MONITORS ? `${this.instance} lists ${fmt(r.value.total)} monitors; Homeport mirrors the first ${fmt(MAX_MONITORS)} (by id).` : null);
    } else if (refused > 0 || r.value.total > MAX_MONITORS) {
      this.setNotice(`${this.instance} has more than ${fmt(MAX_MONITORS)} monitors; Homeport mirrors ${fmt(MAX_MONITORS)} of them.`);
    }
  }

  private setNotice(notice: string | null): void {
    if (notice === this.notice) return;
    this.notice = notice;
    if (notice) this.logger.warn('kuma: more data than Homeport keeps', { instance: this.instance, notice });
    this.emit('limit', notice);
  }

  /**
   * Whether stats or beats for `id` may be kept: always for a listed monitor; for an id Kuma has
   * not listed (its burst can race the list), only while few such ids are held.
   */
  private admit(id: string): boolean {
    if (this.defs.has(id) || this.unlisted.has(id)) return true;
    if (this.unlisted.size >= MAX_UNLISTED) return false;
    this.unlisted.add(id);
    return true;
  }

  private forget(id: string): void {
    const known = this.defs.delete(id);
    this.stats.delete(id);
    this.dropBeats(this.recent, id);
    this.dropBeats(this.important, id);
    this.unlisted.delete(id);
    this.dirty.delete(id);
    if (known) {
      this.removed.add(id);
      this.scheduleFlush();
    }
  }

  private statsOf(id: string): Stats {
    let s = this.stats.get(id);
    if (!s) this.stats.set(id, (s = emptyStats()));
    return s;
  }

  private setLastBeat(id: string, beat: KumaBeat): void {
    const s = this.statsOf(id);
    const prev = s.lastBeat;
    if (prev && prev.time !== null && beat.time !== null && beat.time < prev.time) return;
    s.lastBeat = beat;
    this.touch(id);
  }

  /** Beats kept per monitor: `perMonitor`, fewer when many monitors share the budget. */
  private beatCap(perMonitor: number): number {
    const ids = this.defs.size + this.unlisted.size;
    return Math.min(perMonitor, Math.max(MIN_BEATS, Math.floor(this.beatBudget / Math.max(1, ids))));
  }

  /**
   * The beats a heartbeatList or importantHeartbeatList event carries for a monitor this client
   * mirrors (at most `max`), or null: a bad id or list is reported, a monitor past the cap ignored.
   * A list with some unreadable beats keeps the others and reports the rest.
   */
  private beatListOf(event: string, rawId: unknown, list: unknown, max: number): { id: string; beats: KumaBeat[] } | null {
    const id = normaliseId(rawId);
    if (id === null) {
      this.report(event, ['monitorID: invalid']);
      return null;
    }
    if (!this.admit(id)) return null;
    const r = readBeatList(list, id, max);
    if (!r.ok) {
      this.report(event, r.problems);
      return null;
    }
    if (r.value.problems.length) this.report(event, r.value.problems);
    return { id, beats: r.value.beats };
  }

  private mergeBeats(store: Map<string, KumaBeat[]>, id: string, beats: KumaBeat[], overwrite: boolean, perMonitor: number): void {
    const cap = this.beatCap(perMonitor);
    const prev = store.get(id) ?? [];
    const all = [...(overwrite ? [] : prev), ...beats];
    // Oldest first; de-duplicate re-sent beats (same time and status).
    all.sort((a, b) => (a.time ?? 0) - (b.time ?? 0));
    const out: KumaBeat[] = [];
    for (const b of all) {
      const last = out.at(-1);
      if (last && last.time !== null && last.time === b.time && last.status === b.status) continue;
      out.push(b);
    }
    const kept = out.slice(-cap);
    store.set(id, kept);
    const total = (this.beatCount.get(store) ?? 0) - prev.length + kept.length;
    this.beatCount.set(store, total);
    // More monitors since the older lists were filled: trim them all to today's share.
    if (total > this.beatBudget + perMonitor) {
      let sum = 0;
      for (const [key, list] of store) {
        if (list.length > cap) store.set(key, list.slice(-cap));
        sum += Math.min(list.length, cap);
      }
      this.beatCount.set(store, sum);
    }
  }

  private dropBeats(store: Map<string, KumaBeat[]>, id: string): void {
    const list = store.get(id);
    if (!list) return;
    store.delete(id);
    this.beatCount.set(store, (this.beatCount.get(store) ?? 0) - list.length);
  }

  private touch(id: string): void {
    if (!this.defs.has(id)) return; // stats before the list: kept, shown once the monitor is known.
    this.dirty.add(id);
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => this.flush(), this.throttleMs);
    this.flushTimer.unref?.();
  }

  private flush(): void {
    this.flushTimer = null;
    if (this.dirty.size === 0 && this.removed.size === 0) return;
    const changed = [...this.dirty].filter((id) => this.defs.has(id)).sort(byNumericString);
    const removed = [...this.removed].sort(byNumericString);
    this.dirty.clear();
    this.removed.clear();
    this.emit('monitors', { monitors: this.monitors(), changed, removed });
  }

  private toInfo(d: KumaMonitorDef): KumaMonitorFact {
    const s = this.stats.get(d.id) ?? emptyStats();
    const b = s.lastBeat;
    return {
      id: d.id,
      name: d.name,
      type: d.type,
      url: d.url,
      hostname: d.hostname,
      active: d.active,
      status: b ? b.status : 'unknown',
      lastBeatAt: b?.time ?? null,
      latencyMs: b?.pingMs ?? null,
      avgLatencyMs: s.avgPing,
      uptime24h: s.uptime24h,
      uptime30d: s.uptime30d,
      uptime1y: s.uptime1y,
      certDaysLeft: s.certDaysLeft,
      certValid: s.certValid,
      message: b?.message ?? '',
      intervalSec: d.intervalSec,
    };
  }

  /**
   * Logs (paths only, at most once a minute per event) and emits a protocol error; returns it so
   * a call can throw it.
   */
  private report(event: string, problems: string[], what = `a "${event}" event`): HomeportError {
    const err = protocolError(what, problems);
    const now = this.now();
    const last = this.lastReport.get(event);
    if (last && now - last.at < REPORT_EVERY_MS) {
      last.suppressed++;
      return err;
    }
    this.lastReport.set(event, { at: now, suppressed: 0 });
    this.logger.warn('kuma: unreadable data from Uptime Kuma', {
      instance: this.instance,
      event,
      problems: problems.slice(0, 5),
      suppressedSinceLast: last?.suppressed ?? 0,
    });
    this.emit('protocolError', err);
    return err;
  }
}

/** The WebSocket was closed because a message passed `maxPayload` (ws: 1009 "Message Too Big"). */
function tooLarge(description: unknown): boolean {
  for (let d: unknown = description, i = 0; d && typeof d === 'object' && i < 4; i++) {
    const e = d as { code?: unknown; message?: unknown; description?: unknown };
    if (e.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' || e.code === 1009 || (typeof e.message === 'string' && /max payload size exceeded/i.test(e.message))) return true;
    d = e.description;
  }
  return false;
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${Math.round(n / (1024 * 1024))} MiB` : `${Math.round(n / 1024)} KiB`;
}

function sameDef(a: KumaMonitorDef, b: KumaMonitorDef): boolean {
  return (
    a.name === b.name &&
    a.type === b.type &&
    a.url === b.url &&
    a.hostname === b.hostname &&
    a.active === b.active &&
    a.intervalSec === b.intervalSec
  );
}

function byNumericString(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  if (Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}

function byId(a: KumaMonitorDef, b: KumaMonitorDef): number {
  return byNumericString(a.id, b.id);
}
