/**
 * For tests only: a real socket.io server on 127.0.0.1 that speaks Uptime Kuma's protocol as
 * 1.23 and 2.x servers speak it (read from their sources and recorded from real servers), in two shapes:
 *
 * - "1.23": English `msg`s, `monitorList` re-sent in full after every change,
 *   `importantHeartbeatList` pushed after login, numeric ids everywhere, uptime 24/720 only,
 *   `avgPing` an integer, heartbeats without `retries`.
 * - "2.x": i18n keys with `msgi18n: true`, `updateMonitorIntoList`/`deleteMonitorFromList`,
 *   string ids in the post-login burst (numbers in live beats), uptime 24/720/"1y", `avgPing` a
 *   `toFixed(2)` string, `retries` in heartbeats, stats for all monitors sent in parallel.
 *
 * Like Kuma ≥ 1.23.9 it refuses a connection that carries an Origin header (a Node client sends
 * none), and it sends `info` then `loginRequired` only after an await.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Socket } from 'socket.io';
import type { Logger } from '../../platform/platform';

export type Flavour = '1.23' | '2.x';

export interface FakeMonitor {
  id: number;
  name: string;
  type: string;
  url?: string;
  hostname?: string | null;
  interval: number;
  active: boolean;
  /** Secrets a real monitorList carries; the client must drop them. */
  basic_auth_pass?: string;
  pushToken?: string;
  headers?: string;
}

export interface FakeKumaOptions {
  flavour: Flavour;
  username?: string;
  password?: string;
  /** When set, the account has 2FA and this is the current code. */
  totp?: string;
  /** Failed logins allowed before the rate limiter answers. */
  rateLimitAfter?: number;
  /** Authentication disabled: `autoLogin` instead of `loginRequired`. */
  disableAuth?: boolean;
  monitors?: FakeMonitor[];
  /** engine.io keep-alive: how often the server pings, and how long it waits (Kuma keeps socket.io's 25 s / 20 s). */
  pingIntervalMs?: number;
  pingTimeoutMs?: number;
}

export const FAKE_USER = 'admin';
export const FAKE_PASSWORD = 'correct horse 42';

/** Kuma's time format: UTC, no zone (`R.isoDateTimeMillis(dayjs.utc())`). */
export function kumaTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

export function defaultMonitors(): FakeMonitor[] {
  return [
    { id: 1, name: 'Nextcloud', type: 'http', url: 'https://cloud.example.lan/status.php', interval: 20, active: true, basic_auth_pass: 'monitor-basic-secret', headers: '{"Authorization":"Bearer hdr-secret"}' },
    { id: 2, name: 'NAS ping', type: 'ping', hostname: '10.0.0.5', interval: 60, active: true },
    { id: 3, name: 'Backup push', type: 'push', interval: 3600, active: true, pushToken: 'push-token-secret' },
  ];
}

export class FakeKuma {
  readonly flavour: Flavour;
  readonly opts: FakeKumaOptions;
  monitors: Map<number, FakeMonitor>;
  private httpServer: http.Server | null = null;
  private io: Server | null = null;
  port = 0;
  /** JWTs issued; they survive restarts, like Kuma's (signed with its stored jwtSecret). */
  readonly issued = new Set<string>();
  readonly log: { event: string; args: unknown[] }[] = [];
  readonly origins: (string | undefined)[] = [];
  failedLogins = 0;
  private jwtCounter = 0;
  /** Beats sent per monitor (for heartbeatList after a login). */
  private readonly history = new Map<number, { status: number; time: number; msg: string; ping: number | null; important: boolean }[]>();

  constructor(opts: FakeKumaOptions) {
    this.flavour = opts.flavour;
    this.opts = opts;
    this.monitors = new Map((opts.monitors ?? defaultMonitors()).map((m) => [m.id, { ...m }]));
    const t0 = Date.now() - 5 * 60_000;
    for (const m of this.monitors.values()) {
      if (m.type === 'push') continue;
      this.history.set(m.id, [
        { status: 0, time: t0, msg: 'connect ECONNREFUSED 10.0.0.9:443', ping: null, important: true },
        { status: 1, time: t0 + 60_000, msg: '200 - OK', ping: 41, important: true },
        { status: 1, time: t0 + 120_000, msg: '200 - OK', ping: 38, important: false },
      ]);
    }
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(port = 0): Promise<void> {
    const server = http.createServer((req, res) => {
      if (req.url === '/metrics') {
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(this.metrics());
        return;
      }
      res.writeHead(404).end();
    });
    const io = new Server(server, {
      ...(this.opts.pingIntervalMs !== undefined ? { pingInterval: this.opts.pingIntervalMs } : {}),
      ...(this.opts.pingTimeoutMs !== undefined ? { pingTimeout: this.opts.pingTimeoutMs } : {}),
      // Kuma's allowRequest (CVE-2023-49805): a foreign Origin is refused; none is fine.
      allowRequest: (req, cb) => {
        this.origins.push(req.headers.origin);
        cb(null, req.headers.origin === undefined);
      },
    });
    io.on('connection', (socket) => void this.onConnection(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.httpServer = server;
    this.io = io;
    this.port = (server.address() as AddressInfo).port;
  }

  /** Kuma goes away: every socket is closed and the port stops listening. */
  async stop(): Promise<void> {
    const io = this.io;
    const server = this.httpServer;
    this.io = null;
    this.httpServer = null;
    if (io) {
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
    }
    if (server?.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The server closes every client's socket (e.g. a password change, a proxy dropping). */
  dropAll(): void {
    this.io?.disconnectSockets(true);
  }

  loggedInCount(): number {
    return this.io ? [...this.io.sockets.sockets.values()].filter((s) => s.data.loggedIn === true).length : 0;
  }

  /** Sends any event, even garbage, to every signed-in client. */
  broadcast(event: string, ...args: unknown[]): void {
    this.io?.to('user1').emit(event, ...args);
  }

  /** A live heartbeat as `Heartbeat.toJSON()` (numeric monitorID, camelCase, zone-less UTC time). */
  heartbeat(monitorId: number, status: 0 | 1 | 2 | 3, msg: string, ping: number | null, at = Date.now(), important = false): void {
    const beat: Record<string, unknown> = { monitorID: monitorId, status, time: kumaTime(at), msg, important, duration: 20 };
    if (ping !== null) beat.ping = ping;
    if (this.flavour === '2.x') beat.retries = status === 0 ? 1 : 0;
    const list = this.history.get(monitorId) ?? [];
    list.push({ status, time: at, msg, ping, important });
    this.history.set(monitorId, list);
    this.broadcast('heartbeat', beat);
  }

  /** Server-side edits (as if made in Kuma's own UI), announced the way each version does. */
  upsertMonitor(m: FakeMonitor): void {
    this.monitors.set(m.id, { ...m });
    if (this.flavour === '1.23') this.broadcast('monitorList', this.monitorList());
    else this.broadcast('updateMonitorIntoList', { [String(m.id)]: this.monitorJSON(m) });
  }

  deleteMonitor(id: number): void {
    this.monitors.delete(id);
    if (this.flavour === '1.23') this.broadcast('monitorList', this.monitorList());
    else this.broadcast('deleteMonitorFromList', id);
  }

  /** `/metrics` as Kuma writes it (2.x labels, with `monitor_id`): each active monitor's last status. */
  metrics(): string {
    const lines = ['# HELP monitor_status Monitor Status (1 = UP, 0= DOWN, 2= PENDING, 3= MAINTENANCE)', '# TYPE monitor_status gauge'];
    for (const m of this.monitors.values()) {
      if (!m.active) continue;
      const last = this.history.get(m.id)?.at(-1);
      if (!last) continue;
      const name = m.name.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
      lines.push(`monitor_status{monitor_id="${m.id}",monitor_name="${name}",monitor_type="${m.type}",monitor_url="${m.url ?? 'https://'}",monitor_hostname="${m.hostname ?? 'null'}",monitor_port="null"} ${last.status}`);
    }
    return lines.join('\n') + '\n';
  }

  monitorJSON(m: FakeMonitor): Record<string, unknown> {
    // A slice of Monitor.toJSON(), secrets included (the owner is signed in).
    return {
      id: m.id,
      name: m.name,
      description: null,
      type: m.type,
      url: m.url ?? 'https://',
      method: 'GET',
      hostname: m.hostname ?? null,
      port: null,
      interval: m.interval,
      retryInterval: m.interval,
      maxretries: this.flavour === '2.x' ? 0 : 1,
      active: this.flavour === '1.23' ? (m.active ? 1 : 0) : m.active,
      forceInactive: false,
      maintenance: false,
      basic_auth_user: m.basic_auth_pass ? 'mon' : null,
      basic_auth_pass: m.basic_auth_pass ?? null,
      headers: m.headers ?? null,
      pushToken: m.pushToken ?? null,
      accepted_statuscodes: ['200-299'],
      tags: [],
      notificationIDList: {},
    };
  }

  monitorList(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const m of this.monitors.values()) out[String(m.id)] = this.monitorJSON(m);
    return out;
  }

  private id(n: number): number | string {
    // 2.x's post-login burst iterates with for-in: string ids (appendix); the 1.23 fake sends numbers.
    return this.flavour === '2.x' ? String(n) : n;
  }

  private async onConnection(socket: Socket): Promise<void> {
    const msg = (v123: string, key: string) => (this.flavour === '1.23' ? { ok: false, msg: v123 } : { ok: false, msg: key, msgi18n: true });
    socket.emit('info', { primaryBaseURL: null, serverTimezone: 'UTC', serverTimezoneOffset: '+00:00' });

    // Handlers are registered after an await in Kuma's server.js.
    await new Promise((r) => setTimeout(r, 5));

    const limited = (cb: (r: unknown) => void) => {
      if (this.opts.rateLimitAfter !== undefined && this.failedLogins >= this.opts.rateLimitAfter) {
        cb({ ok: false, msg: 'Too frequently, try again later.' });
        return true;
      }
      return false;
    };

    socket.on('login', (data: { username?: string; password?: string; token?: string }, cb: (r: unknown) => void) => {
      this.log.push({ event: 'login', args: [{ username: data?.username, token: data?.token }] });
      if (typeof cb !== 'function' || !data) return;
      if (limited(cb)) return;
      if (data.username !== (this.opts.username ?? FAKE_USER) || data.password !== (this.opts.password ?? FAKE_PASSWORD)) {
        this.failedLogins++;
        cb(msg('Incorrect username or password.', 'authIncorrectCreds'));
        return;
      }
      if (this.opts.totp !== undefined) {
        if (!data.token) return cb({ tokenRequired: true });
        if (data.token !== this.opts.totp) {
          this.failedLogins++;
          return cb(msg('Invalid Token!', 'authInvalidToken'));
        }
      }
      const jwt = `eyJhbGciOiJIUzI1NiJ9.fake-${++this.jwtCounter}.sig-secret`;
      this.issued.add(jwt);
      void this.afterLogin(socket);
      cb({ ok: true, token: jwt });
    });

    socket.on('loginByToken', (jwt: unknown, cb: (r: unknown) => void) => {
      this.log.push({ event: 'loginByToken', args: [jwt] });
      if (typeof cb !== 'function') return;
      if (typeof jwt === 'string' && this.issued.has(jwt)) {
        void this.afterLogin(socket);
        cb({ ok: true });
      } else cb(msg('Invalid token.', 'authInvalidToken'));
    });

    const toggle = (active: boolean) => (id: unknown, cb: (r: unknown) => void) => {
      this.log.push({ event: active ? 'resumeMonitor' : 'pauseMonitor', args: [id] });
      if (typeof cb !== 'function') return;
      if (socket.data.loggedIn !== true) return cb({ ok: false, msg: 'You are not logged in.' });
      const m = this.monitors.get(Number(id));
      if (!m) return cb({ ok: false, msg: this.flavour === '1.23' ? 'Monitor not found' : 'Monitor not found' });
      m.active = active;
      if (this.flavour === '1.23') {
        this.broadcast('monitorList', this.monitorList());
        cb({ ok: true, msg: active ? 'Resumed Successfully.' : 'Paused Successfully.' });
      } else {
        this.broadcast('updateMonitorIntoList', { [String(m.id)]: this.monitorJSON(m) });
        cb({ ok: true, msg: active ? 'successResumed' : 'successPaused', msgi18n: true });
      }
    };
    socket.on('pauseMonitor', toggle(false));
    socket.on('resumeMonitor', toggle(true));
    socket.on('getMonitorList', (cb: (r: unknown) => void) => {
      if (socket.data.loggedIn !== true) return cb?.({ ok: false, msg: 'You are not logged in.' });
      socket.emit('monitorList', this.monitorList());
      cb?.({ ok: true });
    });

    if (this.opts.disableAuth) {
      socket.emit('autoLogin');
      void this.afterLogin(socket);
    } else {
      socket.emit('loginRequired');
    }
  }

  private async afterLogin(socket: Socket): Promise<void> {
    socket.data.loggedIn = true;
    await socket.join('user1');
    socket.emit('monitorList', this.monitorList());
    socket.emit('info', { version: this.flavour === '1.23' ? '1.23.16' : '2.0.2', latestVersion: '2.0.2', primaryBaseURL: null, serverTimezone: 'UTC' });
    socket.emit('notificationList', []);
    socket.emit('proxyList', []);
    if (this.flavour === '2.x') socket.emit('monitorTypeList', { http: {}, ping: {} });

    const rows = (id: number) =>
      (this.history.get(id) ?? []).map((b, i) => {
        // Raw DB rows: snake_case, important 0/1 (heartbeatList is R.getAll).
        const row: Record<string, unknown> = { id: i + 1, monitor_id: id, status: b.status, msg: b.msg, time: kumaTime(b.time), ping: b.ping, important: b.important ? 1 : 0, duration: 20, down_count: 0, end_time: null };
        if (this.flavour === '2.x') row.retries = 0;
        return row;
      });
    const stats = (m: FakeMonitor) => {
      const id = this.id(m.id);
      socket.emit('avgPing', id, this.flavour === '1.23' ? 40 : (39.5).toFixed(2));
      socket.emit('uptime', id, 24, 0.995);
      socket.emit('uptime', id, 720, 0.9);
      if (this.flavour === '2.x') socket.emit('uptime', id, '1y', 0.8);
      if (m.type === 'http') socket.emit('certInfo', id, JSON.stringify({ valid: true, certInfo: { daysRemaining: 42, subject: { CN: 'cloud.example.lan' } } }));
    };

    if (this.flavour === '1.23') {
      // Three sequential loops (1.23 afterLogin).
      for (const m of this.monitors.values()) socket.emit('heartbeatList', this.id(m.id), rows(m.id), false);
      for (const m of this.monitors.values()) {
        const important = (this.history.get(m.id) ?? [])
          .filter((b) => b.important)
          .map((b) => ({ monitorID: m.id, status: b.status, time: kumaTime(b.time), msg: b.msg, ping: b.ping, important: true, duration: 20 }));
        socket.emit('importantHeartbeatList', this.id(m.id), important, false);
      }
      for (const m of this.monitors.values()) stats(m);
    } else {
      // 2.x: all monitors in parallel, interleaved.
      await Promise.all(
        [...this.monitors.values()].map(async (m) => {
          await new Promise((r) => setTimeout(r, Math.random() * 5));
          socket.emit('heartbeatList', this.id(m.id), rows(m.id), false);
          stats(m);
        }),
      );
    }
  }
}

/** A Logger that keeps every line, to prove no secret is ever logged. */
export function captureLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const write = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    lines.push(JSON.stringify({ level, message, ...fields }));
  };
  return { logger: { info: write('info'), warn: write('warn'), error: write('error') }, lines };
}

/** A manual clock: `advance` fires timers in order as time passes; `jump` moves time first and fires late (a sleeping computer). */
export class FakeClock {
  private t: number;
  private seq = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();
  constructor(start = Date.now()) {
    this.t = start;
  }
  now = (): number => this.t;
  setTimeout = (fn: () => void, ms: number): unknown => {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + Math.max(0, ms), fn });
    return id;
  };
  clearTimeout = (h: unknown): void => {
    this.timers.delete(h as number);
  };
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const next = [...this.timers.entries()].filter(([, v]) => v.at <= end).sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
      if (!next) break;
      this.timers.delete(next[0]);
      this.t = Math.max(this.t, next[1].at);
      next[1].fn();
    }
    this.t = end;
  }
  jump(ms: number): void {
    this.t += ms;
    this.advance(0);
  }
}
