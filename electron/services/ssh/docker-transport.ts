import { constants as fsConstants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import http from 'node:http';
import type { Duplex } from 'node:stream';
import Docker from 'dockerode';
import type { Client, ClientChannel, SFTPWrapper } from 'ssh2';
import { HomeportError, type Transport } from '../../../shared/contract';
import { CappedOutput } from './bounded-output';
import { portableCommand } from './remote-command';

/**
 * Docker API calls carried over one SSH connection (one per host, shared by everything):
 * each HTTP connection of a keep-alive `http.Agent` is an OpenSSH streamlocal channel to the
 * remote socket (no remote shell, no per-request session); where sshd forbids that, each is a
 * `docker system dial-stdio` exec channel instead. A local engine is reached on its unix socket.
 * When nothing works, the cause is diagnosed precisely (missing socket, permission, forwarding
 * disabled, not Docker) rather than reported as a bare "open failed".
 */

export interface DockerTransport {
  /** The agent every Docker request goes through; destroy it (or call close) when done. */
  agent: http.Agent;
  transport: Transport;
  docker: Docker;
  /** Close every channel/socket this transport opened (the SSH connection itself stays open). */
  close(): void;
}

export interface DockerTransportOptions {
  /** Try `docker system dial-stdio` before streamlocal. */
  preferDialStdio?: boolean;
  /** Names the host in messages, e.g. `root@nas:22`. */
  hostLabel?: string;
  /** How long the `/_ping` probe may take. Default 10 s. */
  probeTimeoutMs?: number;
  /**
   * Concurrent dial-stdio channels. Each is an SSH session, and sshd's MaxSessions (default 10)
   * caps them per connection; requests beyond this wait for a free one instead of failing.
   */
  dialStdioMaxSockets?: number;
  /** The docker CLI on the host for dial-stdio (a command name or absolute path). Default `docker`. */
  dockerCli?: string;
}

const DEFAULT_PROBE_TIMEOUT_MS = 10_000;
const DEFAULT_DIAL_STDIO_MAX_SOCKETS = 8;
/** Socket paths that may reach a remote shell command (dial-stdio); quoted anyway. */
const SOCKET_PATH_RE = /^\/[A-Za-z0-9._/@+-]+$/;

export function validateSocketPath(socketPath: string): void {
  if (!SOCKET_PATH_RE.test(socketPath) || socketPath.length > 4096) {
    throw new HomeportError({
      code: 'VALIDATION',
      message: `"${socketPath.slice(0, 200)}" is not a usable Docker socket path.`,
      fix: 'Give an absolute path made of letters, digits and . _ / @ + - (for example /var/run/docker.sock).',
      details: { field: 'socketPath' },
    });
  }
}

const DOCKER_CLI_RE = /^[A-Za-z0-9._/-]+$/;

/** The remote command for the dial-stdio fallback; user text is validated and single-quoted, never spliced raw. */
export function dialStdioCommand(socketPath: string, dockerCli = 'docker'): string {
  validateSocketPath(socketPath);
  if (!DOCKER_CLI_RE.test(dockerCli) || dockerCli.length > 1024) {
    throw new HomeportError({
      code: 'VALIDATION',
      message: `"${dockerCli.slice(0, 200)}" is not a usable docker command.`,
      fix: 'Give a command name or absolute path made of letters, digits and . _ / -.',
      details: { field: 'dockerCli' },
    });
  }
  return `'${dockerCli}' -H 'unix://${socketPath}' system dial-stdio`;
}

/** http's keep-alive pool calls these on its sockets; an ssh2 channel has none of them. */
function asSocket(ch: Duplex): Duplex {
  const s = ch as Duplex & Record<string, unknown>;
  for (const m of ['setKeepAlive', 'setNoDelay', 'setTimeout', 'ref', 'unref']) {
    if (typeof s[m] !== 'function') s[m] = () => s;
  }
  return ch;
}

type ConnCallback = (err: Error | null, stream: Duplex) => void;

/**
 * A keep-alive agent that knows every connection it opened — those that carry a request, those
 * kept idle, and those handed over for good (an exec or attach session) — so that when the link
 * is gone they all end with an error. A Docker reply cut off after its headers (a `wait`, whose
 * body comes only when the container exits; a large list) is not an error docker-modem hears:
 * without this, the call would wait for ever. An error on the connection reaches the request
 * that uses it, and the caller.
 */
class TrackingAgent extends http.Agent {
  private readonly live = new Set<Duplex>();

  constructor(
    opts: http.AgentOptions,
    /** The error every connection still open ends with when the agent is destroyed. */
    private readonly closedError: () => Error,
    /** The error for a reply the engine stopped sending in the middle (it crashed or restarted). */
    private readonly cutOffError: () => Error,
  ) {
    super(opts);
  }

  protected track<S extends Duplex>(conn: S): S {
    this.live.add(conn);
    conn.once('close', () => this.live.delete(conn));
    // The engine closed the connection. If it was in the middle of a reply, that reply will never
    // end, and Node's http client drops it without a word (the response is discarded, nobody is
    // told): say so to the request. Node keeps the request a connection serves on it.
    conn.once('end', () => {
      const req = (conn as unknown as { _httpMessage?: { res?: http.IncomingMessage | null } | null })._httpMessage;
      const res = req?.res;
      if (res && !res.complete) this.fail(conn, this.cutOffError());
    });
    return conn;
  }

  /** Ends every connection still open with `error`. */
  protected cut(error: Error): void {
    for (const conn of [...this.live]) this.fail(conn, error);
  }

  private fail(conn: Duplex, error: Error): void {
    if (!this.live.delete(conn)) return; // already ended, with its reason
    // An ssh2 channel's destroy() takes no error: it is given to whoever listens first. A
    // connection nobody listens to for errors (never the case for one the agent holds) just closes.
    if (conn.listenerCount('error') > 0) conn.emit('error', error);
    conn.destroy();
  }

  override destroy(): void {
    this.cut(this.closedError());
    super.destroy();
  }
}

function linkLost(where: string): HomeportError {
  return new HomeportError({
    code: 'DISCONNECTED',
    message: `The SSH connection to ${where} was lost in the middle of a request to its Docker engine.`,
    fix: 'Homeport reconnects by itself; try again once the host shows as connected.',
  });
}

function engineCutOff(where: string): HomeportError {
  return new HomeportError({
    code: 'DISCONNECTED',
    message: `The Docker engine on ${where} closed the connection in the middle of its answer (it stopped or restarted).`,
    fix: 'Check that Docker runs on the host, then try again.',
  });
}

function transportClosed(where: string): HomeportError {
  return new HomeportError({
    code: 'DISCONNECTED',
    message: `The connection to the Docker engine on ${where} was closed in the middle of a request.`,
    fix: 'Homeport reconnects by itself; try again once the host shows as connected.',
  });
}

/** The channels of one SSH connection: when the connection closes, every one still open ends with an error. */
abstract class SshChannelAgent extends TrackingAgent {
  private readonly onClientClose: () => void;

  constructor(
    protected readonly client: Client,
    opts: http.AgentOptions,
    where: string,
  ) {
    super(
      opts,
      () => transportClosed(where),
      () => engineCutOff(where),
    );
    // ssh2 tells the client before its channels; they are still ours to end with the reason.
    this.onClientClose = () => this.cut(linkLost(where));
    client.once('close', this.onClientClose);
  }

  override destroy(): void {
    this.client.removeListener('close', this.onClientClose);
    super.destroy();
  }
}

/** Each HTTP connection is a `direct-streamlocal@openssh.com` channel to the remote socket. */
export class SshStreamLocalAgent extends SshChannelAgent {
  constructor(
    client: Client,
    private readonly socketPath: string,
    where = 'the host',
  ) {
    // Unlimited: long-lived streams (logs, events) each hold a socket for as long as they run, and a
    // cap would queue every other request behind them. After a burst, keep only a few idle channels open.
    super(client, { keepAlive: true, maxSockets: Infinity, maxFreeSockets: 16 }, where);
  }

  override createConnection(_options: http.ClientRequestArgs, cb?: ConnCallback): Duplex | null | undefined {
    const done = cb ?? (() => {});
    try {
      this.client.openssh_forwardOutStreamLocal(this.socketPath, (err: Error | undefined, ch: ClientChannel) => {
        if (err) done(err, undefined as never);
        else done(null, this.track(asSocket(ch)));
      });
    } catch (e) {
      process.nextTick(done, e instanceof Error ? e : new Error(String(e)), undefined as never);
    }
    return undefined;
  }
}

/** Each HTTP connection is an exec channel running `docker system dial-stdio` on the host. */
export class SshDialStdioAgent extends SshChannelAgent {
  /** The last dial-stdio process that ended, for diagnosis. */
  lastExit: { code: number | null; stderr: string } | null = null;
  private readonly command: string;

  constructor(client: Client, socketPath: string, maxSockets = DEFAULT_DIAL_STDIO_MAX_SOCKETS, dockerCli = 'docker', where = 'the host') {
    // Every channel here is an SSH session (idle ones too), so hand most back after a burst:
    // sshd's MaxSessions is shared with other exec users of this connection.
    super(client, { keepAlive: true, maxSockets, maxFreeSockets: 4 }, where);
    // Past whatever login shell the user has (fish, csh…), to /bin/sh, which execs docker.
    this.command = portableCommand(`exec ${dialStdioCommand(socketPath, dockerCli)}`);
  }

  override createConnection(_options: http.ClientRequestArgs, cb?: ConnCallback): Duplex | null | undefined {
    const done = cb ?? (() => {});
    try {
      this.client.exec(this.command, (err: Error | undefined, ch: ClientChannel) => {
        if (err) return done(err, undefined as never);
        let stderr = '';
        ch.stderr.on('data', (d: Buffer) => {
          if (stderr.length < 2000) stderr += d.toString('utf8');
        });
        ch.on('exit', (code: number | null) => {
          this.lastExit = { code: typeof code === 'number' ? code : null, stderr: stderr.trim() };
        });
        done(null, this.track(asSocket(ch)));
      });
    } catch (e) {
      process.nextTick(done, e instanceof Error ? e : new Error(String(e)), undefined as never);
    }
    return undefined;
  }
}

/** A local engine's unix-socket connections, ended with an error like the SSH ones when the link is declared dead. */
class LocalSocketAgent extends TrackingAgent {
  constructor(socketPath: string) {
    super(
      { keepAlive: true, maxSockets: Infinity, maxFreeSockets: 16 },
      () =>
        new HomeportError({
          code: 'DISCONNECTED',
          message: `The connection to the Docker engine on ${socketPath} was closed in the middle of a request.`,
          fix: 'Homeport reconnects by itself; try again once the host shows as connected.',
        }),
      () => engineCutOff(socketPath),
    );
  }

  override createConnection(options: http.ClientRequestArgs, cb?: ConnCallback): Duplex | null | undefined {
    const conn = super.createConnection(options, cb) as Duplex | null | undefined;
    return conn ? this.track(conn) : conn;
  }
}

type ProbeResult =
  | { ok: true }
  | { ok: false; kind: 'open-failed' | 'not-docker' | 'closed' | 'timeout' | 'disconnected' | 'error'; detail: string; error: Error | null };

/** `GET /_ping` through the agent: Docker answers HTTP 200 "OK". */
function probe(agent: http.Agent, timeoutMs: number, socketPath?: string): Promise<ProbeResult> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (r: ProbeResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(r);
    };
    const req = http.request(
      socketPath
        ? { agent, socketPath, path: '/_ping', method: 'GET', headers: { Host: 'docker' } }
        : { agent, host: 'docker', port: 2375, path: '/_ping', method: 'GET' },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          if (body.length < 512) body += d;
        });
        res.on('end', () => {
          if (res.statusCode === 200 && body.trim() === 'OK') finish({ ok: true });
          else {
            const text = body.trim().replace(/\s+/g, ' ').slice(0, 80);
            finish({ ok: false, kind: 'not-docker', detail: `it answered HTTP ${res.statusCode}${text ? ` "${text}"` : ''} to /_ping`, error: null });
          }
        });
        res.on('error', (e) => finish({ ok: false, kind: 'not-docker', detail: e.message, error: e }));
      },
    );
    const timer = setTimeout(() => {
      finish({ ok: false, kind: 'timeout', detail: `no answer to /_ping within ${Math.round(timeoutMs / 1000)} s`, error: null });
      req.destroy();
    }, timeoutMs);
    req.on('error', (e: Error & { code?: string; reason?: unknown }) => {
      if (/Channel open failure/i.test(e.message)) finish({ ok: false, kind: 'open-failed', detail: e.message, error: e });
      else if (/Not connected|No response from server/i.test(e.message)) finish({ ok: false, kind: 'disconnected', detail: e.message, error: e });
      else if (typeof e.code === 'string' && e.code.startsWith('HPE_')) {
        finish({ ok: false, kind: 'not-docker', detail: `its answer to /_ping is not HTTP (${e.code})`, error: e });
      } else if (e.code === 'ECONNRESET' || /socket hang up/i.test(e.message)) {
        finish({ ok: false, kind: 'closed', detail: 'it closed the connection without answering /_ping', error: e });
      } else finish({ ok: false, kind: 'error', detail: e.message, error: e });
    });
    req.end();
  });
}

/**
 * docker-modem runs `util.inspect(options, {showHidden: true, depth: null})` on every request, debug
 * logging on or not, and the options hold the agent: with it, every socket, SSH channel and the
 * whole ssh2 client. With a few dozen requests in flight that took seconds of CPU per round of
 * container stats and stalled the event loop (measured: 50 stats requests, 23 s). The agent
 * prints as one short word instead.
 */
export function quietAgent<A extends http.Agent>(agent: A): A {
  Object.defineProperty(agent, Symbol.for('nodejs.util.inspect.custom'), { value: () => '[http.Agent]', enumerable: false });
  return agent;
}

function makeDocker(agent: http.Agent): Docker {
  // @types/dockerode v4 lacks `agent`; docker-modem passes it to http.request.
  return new Docker({ protocol: 'http', host: 'docker', port: 2375, agent: quietAgent(agent) } as Docker.DockerOptions & { agent: http.Agent });
}

function notDocker(socketPath: string, where: string, detail: string): HomeportError {
  return new HomeportError({
    code: 'NOT_DOCKER',
    message: `Something answers on ${socketPath} on ${where}, but it is not the Docker API (${detail}).`,
    fix: 'Check the socket path: Docker\'s is usually /var/run/docker.sock (rootless Docker: /run/user/<uid>/docker.sock).',
    details: { socketPath },
  });
}

function disconnected(where: string, detail: string): HomeportError {
  return new HomeportError({
    code: 'DISCONNECTED',
    message: `The SSH connection to ${where} is closed (${detail}).`,
    fix: 'Connect to the host again.',
  });
}

/**
 * Reach the Docker engine behind `socketPath` on the SSH host: streamlocal first (or dial-stdio
 * first with `preferDialStdio`), the other as fallback, each proven with `GET /_ping`.
 */
export async function openDockerTransport(client: Client, socketPath: string, opts: DockerTransportOptions = {}): Promise<DockerTransport> {
  dialStdioCommand(socketPath, opts.dockerCli); // validates both before anything is opened
  const where = opts.hostLabel ?? labelOf(client);
  const timeoutMs = opts.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  const order: Array<'streamlocal' | 'dial-stdio'> = opts.preferDialStdio ? ['dial-stdio', 'streamlocal'] : ['streamlocal', 'dial-stdio'];
  const failures: { streamlocal?: ProbeResult; dialStdio?: ProbeResult; dialExit?: { code: number | null; stderr: string } | null } = {};

  for (const transport of order) {
    const agent =
      transport === 'streamlocal'
        ? new SshStreamLocalAgent(client, socketPath, where)
        : new SshDialStdioAgent(client, socketPath, opts.dialStdioMaxSockets, opts.dockerCli, where);
    const r = await probe(agent, timeoutMs);
    if (r.ok) {
      if (transport === 'streamlocal') await nudgeServerNoDelay(client);
      return { agent, transport, docker: makeDocker(agent), close: () => agent.destroy() };
    }
    agent.destroy();
    if (r.kind === 'disconnected') throw disconnected(where, r.detail);
    if (transport === 'streamlocal') {
      failures.streamlocal = r;
      // The channel opened, so sshd reached the socket: whatever answered is not Docker.
      if (r.kind !== 'open-failed' && r.kind !== 'error') throw notDocker(socketPath, where, r.detail);
    } else {
      failures.dialStdio = r;
      // Give the exit status a moment to arrive if the channel closed first.
      const ds = agent as SshDialStdioAgent;
      for (let i = 0; i < 20 && ds.lastExit === null && r.kind === 'closed'; i++) await new Promise((res) => setTimeout(res, 10));
      failures.dialExit = ds.lastExit;
      if (r.kind === 'not-docker' || (r.kind === 'timeout' && ds.lastExit === null)) throw notDocker(socketPath, where, r.detail);
    }
  }
  throw await diagnose(client, socketPath, where, failures);
}

/**
 * OpenSSH's sshd turns Nagle's algorithm off on its side of the connection only when the first
 * session starts (ssh_packet_set_interactive); forwards alone never do. Without it, a Docker
 * response that sshd relays in two writes waits for the client's delayed ACK: measured here,
 * list+inspect p90 54 ms → 7.9 ms and median 9.4 → 6.6 ms after one session. An SFTP subsystem
 * session is the side-effect-free way to start one; it is closed at once. Best effort: a server
 * without SFTP just keeps its default.
 */
async function nudgeServerNoDelay(client: Client): Promise<void> {
  try {
    const sftp = await Promise.race([sftpOf(client), new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000))]);
    sftp.end();
  } catch {
    // no SFTP subsystem (or it is forbidden): latency stays as the server's default allows
  }
}

/** `user@host:port` from the client's own settings (ssh2 keeps them on `config`), for messages. */
function labelOf(client: Client): string {
  const cfg = (client as unknown as { config?: { host?: unknown; port?: unknown; username?: unknown } }).config;
  if (cfg && typeof cfg.host === 'string' && typeof cfg.username === 'string') {
    const host = cfg.host.includes(':') ? `[${cfg.host}]` : cfg.host;
    return `${cfg.username}@${host}:${String(cfg.port ?? 22)}`;
  }
  return 'the host';
}

interface RemoteStat {
  kind: 'ok' | 'missing' | 'denied' | 'unknown';
  mode?: number;
  uid?: number;
  gid?: number;
  detail?: string;
}

function sftpOf(client: Client): Promise<SFTPWrapper> {
  return new Promise((resolve, reject) => {
    try {
      client.sftp((err: Error | undefined, sftp: SFTPWrapper) => (err ? reject(err) : resolve(sftp)));
    } catch (e) {
      reject(e instanceof Error ? e : new Error(String(e)));
    }
  });
}

/** Run a fixed command (no user text) and collect its output. */
function execFixed(client: Client, command: string, timeoutMs = 10_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command.split(' ')[0]} did not finish`)), timeoutMs);
    try {
      client.exec(portableCommand(command), (err: Error | undefined, ch: ClientChannel) => {
        if (err) {
          clearTimeout(timer);
          return reject(err);
        }
        // A diagnosis needs a line or two; whatever else the host sends is dropped.
        const stdout = new CappedOutput(64 * 1024);
        const stderr = new CappedOutput(64 * 1024);
        let code: number | null = null;
        ch.on('data', (d: Buffer) => stdout.push(d));
        ch.stderr.on('data', (d: Buffer) => stderr.push(d));
        ch.on('exit', (c: number | null) => (code = typeof c === 'number' ? c : null));
        ch.on('close', () => {
          clearTimeout(timer);
          resolve({ code, stdout: stdout.text(), stderr: stderr.text() });
        });
      });
    } catch (e) {
      clearTimeout(timer);
      reject(e instanceof Error ? e : new Error(String(e)));
    }
  });
}

async function remoteStat(client: Client, socketPath: string): Promise<RemoteStat> {
  try {
    const sftp = await sftpOf(client);
    try {
      return await new Promise<RemoteStat>((resolve) => {
        sftp.stat(socketPath, (err, st) => {
          if (!err) return resolve({ kind: 'ok', mode: st.mode, uid: st.uid, gid: st.gid });
          const code = (err as Error & { code?: number }).code;
          // SFTP status codes: 2 NO_SUCH_FILE, 3 PERMISSION_DENIED.
          if (code === 2) resolve({ kind: 'missing' });
          else if (code === 3) resolve({ kind: 'denied', detail: err.message });
          else resolve({ kind: 'unknown', detail: err.message });
        });
      });
    } finally {
      sftp.end();
    }
  } catch {
    // No SFTP subsystem: ask stat(1) instead. The path was validated and is single-quoted.
    try {
      const r = await execFixed(client, `LC_ALL=C stat -L -c '%f %u %g' -- '${socketPath}'`);
      const m = /^([0-9a-f]+) (\d+) (\d+)/.exec(r.stdout.trim());
      if (r.code === 0 && m) return { kind: 'ok', mode: parseInt(m[1]!, 16), uid: Number(m[2]), gid: Number(m[3]) };
      if (/No such file/i.test(r.stderr)) return { kind: 'missing' };
      if (/Permission denied/i.test(r.stderr)) return { kind: 'denied', detail: r.stderr.trim() };
      return { kind: 'unknown', detail: r.stderr.trim() };
    } catch (e) {
      return { kind: 'unknown', detail: e instanceof Error ? e.message : String(e) };
    }
  }
}

/** Linux: connecting to a unix socket needs write permission on it. */
function canWrite(mode: number, fileUid: number, fileGid: number, uid: number, gids: number[]): boolean {
  if (uid === 0) return true;
  if (uid === fileUid) return (mode & 0o200) !== 0;
  if (gids.includes(fileGid)) return (mode & 0o020) !== 0;
  return (mode & 0o002) !== 0;
}

function modeString(mode: number): string {
  const type = (mode & 0o170000) === 0o140000 ? 's' : (mode & 0o170000) === 0o040000 ? 'd' : '-';
  const rwx = (b: number) => `${b & 4 ? 'r' : '-'}${b & 2 ? 'w' : '-'}${b & 1 ? 'x' : '-'}`;
  return type + rwx((mode >> 6) & 7) + rwx((mode >> 3) & 7) + rwx(mode & 7);
}

const S_IFMT = 0o170000;
const S_IFSOCK = 0o140000;

async function diagnose(
  client: Client,
  socketPath: string,
  where: string,
  failures: { streamlocal?: ProbeResult; dialStdio?: ProbeResult; dialExit?: { code: number | null; stderr: string } | null },
): Promise<HomeportError> {
  const st = await remoteStat(client, socketPath);
  const dialStderr = failures.dialExit?.stderr ?? '';
  const noCli = failures.dialExit?.code === 127 || /command not found|not found/i.test(dialStderr);

  if (st.kind === 'missing') {
    return new HomeportError({
      code: 'SOCKET_MISSING',
      message: `No Docker socket at ${socketPath} on ${where}.`,
      fix: `Check the path (ls -l ${socketPath} on the host) and that dockerd is running there.`,
      details: { socketPath },
    });
  }

  // Who are we on the host? A fixed command; the gid is a number from stat.
  let ids: { user: string; uid: number; gids: number[]; group: string | null } | null = null;
  try {
    const gidPart = st.gid !== undefined ? `; getent group ${Math.trunc(st.gid)} | cut -d: -f1` : '';
    const r = await execFixed(client, `id -un; id -u; id -G${gidPart}`);
    const [user, uid, gids, group] = r.stdout.split('\n').map((s) => s.trim());
    if (user && uid && /^\d+$/.test(uid) && gids !== undefined) {
      ids = { user, uid: Number(uid), gids: gids.split(/\s+/).filter(Boolean).map(Number), group: group || null };
    }
  } catch {
    ids = null;
  }
  const who = ids?.user ?? 'the login user';
  const permissionError = (why: string) =>
    new HomeportError({
      code: 'SOCKET_PERMISSION',
      message: `${who} may not use the Docker socket ${socketPath} on ${where} (${why}).`,
      fix:
        `On the host, run: sudo usermod -aG ${ids?.group ?? 'docker'} ${who} — then disconnect and connect again ` +
        '(group membership is read at login). Or log in as a user that can use Docker.',
      details: { socketPath, user: who },
    });

  if (st.kind === 'denied') return permissionError(`cannot even look at it: ${st.detail ?? 'permission denied'}`);

  if (st.kind === 'ok' && st.mode !== undefined) {
    if ((st.mode & S_IFMT) !== S_IFSOCK) {
      return new HomeportError({
        code: 'SOCKET_MISSING',
        message: `${socketPath} on ${where} exists but is not a socket (${modeString(st.mode)}).`,
        fix: `Check the path (ls -l ${socketPath} on the host); Docker's socket is usually /var/run/docker.sock.`,
        details: { socketPath },
      });
    }
    if (ids && st.uid !== undefined && st.gid !== undefined && !canWrite(st.mode, st.uid, st.gid, ids.uid, ids.gids)) {
      const owner = `${modeString(st.mode)} owned by uid ${st.uid}, group ${ids.group ?? st.gid}`;
      return permissionError(`the socket is ${owner}, and ${who} is not allowed to write to it`);
    }
  }

  if (/permission denied/i.test(dialStderr)) return permissionError(dialStderr.split('\n')[0]!.slice(0, 200));
  if (/connection refused/i.test(dialStderr)) {
    return new HomeportError({
      code: 'SOCKET_MISSING',
      message: `The Docker socket ${socketPath} exists on ${where}, but no engine listens on it (connection refused).`,
      fix: 'Start dockerd on the host (e.g. sudo systemctl start docker), then connect again.',
      details: { socketPath },
    });
  }

  const streamlocalRefused = failures.streamlocal?.ok === false && failures.streamlocal.kind === 'open-failed';
  if (streamlocalRefused && (noCli || failures.dialExit == null)) {
    return new HomeportError({
      code: 'FORWARDING_DISABLED',
      message:
        `The SSH server of ${where} refuses to forward connections to ${socketPath}, and ` +
        (noCli ? 'there is no docker CLI on the host for the dial-stdio fallback.' : `the dial-stdio fallback failed (${failures.dialStdio && !failures.dialStdio.ok ? failures.dialStdio.detail : 'unknown'}).`),
      fix:
        'Set "AllowStreamLocalForwarding yes" in /etc/ssh/sshd_config on the host and reload sshd, ' +
        'or install the docker CLI on the host so Homeport can use "docker system dial-stdio".',
      details: { socketPath },
    });
  }

  const detail = [
    failures.streamlocal && !failures.streamlocal.ok ? `streamlocal: ${failures.streamlocal.detail}` : '',
    failures.dialStdio && !failures.dialStdio.ok ? `dial-stdio: ${dialStderr.split('\n')[0] || failures.dialStdio.detail}` : '',
  ]
    .filter(Boolean)
    .join('; ');
  return new HomeportError({
    code: 'FORWARDING_DISABLED',
    message: `Homeport could not reach the Docker socket ${socketPath} on ${where} (${detail}).`,
    fix:
      'Check that dockerd runs on the host and that "AllowStreamLocalForwarding yes" is set in its sshd_config; ' +
      'or install the docker CLI there for the dial-stdio fallback.',
    details: { socketPath },
  });
}

/** A local engine: dockerode straight on the unix socket, proven with the same probe. */
export async function openLocalDockerTransport(socketPath: string, opts: { probeTimeoutMs?: number } = {}): Promise<DockerTransport> {
  const agent = new LocalSocketAgent(socketPath);
  const r = await probe(agent, opts.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS, socketPath);
  if (r.ok) {
    const docker = new Docker({ socketPath, agent: quietAgent(agent) } as Docker.DockerOptions & { agent: http.Agent });
    return { agent, transport: 'local', docker, close: () => agent.destroy() };
  }
  agent.destroy();
  const where = 'this computer';
  if (r.kind === 'not-docker' || r.kind === 'closed' || r.kind === 'timeout') throw notDocker(socketPath, where, r.detail);
  const code = (r.error as (Error & { code?: string }) | null)?.code;
  let st: Awaited<ReturnType<typeof stat>> | null = null;
  try {
    st = await stat(socketPath);
  } catch (e) {
    const c = (e as NodeJS.ErrnoException).code;
    if (c === 'ENOENT' || c === 'ENOTDIR') {
      throw new HomeportError({
        code: 'SOCKET_MISSING',
        message: `No Docker socket at ${socketPath} on ${where}.`,
        fix: `Check the path (ls -l ${socketPath}) and that Docker is running.`,
        details: { socketPath },
      });
    }
  }
  if (st && !st.isSocket()) {
    throw new HomeportError({
      code: 'SOCKET_MISSING',
      message: `${socketPath} exists but is not a socket.`,
      fix: `Check the path (ls -l ${socketPath}); Docker's socket is usually /var/run/docker.sock.`,
      details: { socketPath },
    });
  }
  let writable = true;
  try {
    await access(socketPath, fsConstants.W_OK);
  } catch {
    writable = false;
  }
  if (!writable || code === 'EACCES' || code === 'EPERM') {
    throw new HomeportError({
      code: 'SOCKET_PERMISSION',
      message: `This user may not use the Docker socket ${socketPath}${st ? ` (${modeString(st.mode)}, uid ${st.uid}, gid ${st.gid})` : ''}.`,
      fix: 'Add yourself to the group that owns the socket (sudo usermod -aG docker $USER), then log out and in again.',
      details: { socketPath },
    });
  }
  if (code === 'ECONNREFUSED') {
    throw new HomeportError({
      code: 'SOCKET_MISSING',
      message: `The Docker socket ${socketPath} exists, but no engine listens on it (connection refused).`,
      fix: 'Start Docker, then connect again.',
      details: { socketPath },
    });
  }
  throw new HomeportError({
    code: 'NOT_DOCKER',
    message: `The Docker engine on ${socketPath} did not answer (${r.detail}).`,
    fix: 'Check that Docker is running and the socket path is right.',
    details: { socketPath },
  });
}
