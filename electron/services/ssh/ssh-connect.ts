// ssh2 is CommonJS: Node's ESM loader cannot see its named exports, so take the default export.
import ssh2 from 'ssh2';
import type { AnyAuthMethod, AuthenticationType, Client, ConnectConfig, NextAuthHandler, ParsedKey } from 'ssh2';
import { formatKnownKeys, HomeportError } from '../../../shared/contract';
import { checkPrivateKey, type KeyCheck } from './key-vault';
import { displayKeyType, knownHostsName, type HostKeyVerdict } from './known-hosts';

/** Everything needed to log in to one SSH server. Secrets stay in this process. */
export interface SshTarget {
  hostname: string;
  port: number;
  user: string;
  /** ssh-agent socket to try first (SSH_AUTH_SOCK), or null. */
  agentSocket: string | null;
  /** Private keys to try in order; `label` names the key in messages (never its content). */
  keys: Array<{ label: string; privateKey: Buffer; passphrase: string | null }>;
  password: string | null;
}

export interface ConnectSshOptions {
  /** MUST answer synchronously: ssh2 treats a returned Promise as "accept". */
  verifyHostKey: (keyBlob: Buffer) => HostKeyVerdict;
  /** Whole handshake + login budget. Default 10 s. */
  readyTimeoutMs?: number;
  /** SSH keepalive period. Default 5 s; with 3 unanswered probes the link is declared dead. */
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
  /**
   * Host key types already known for this server (`ssh-ed25519`, `ssh-rsa`…): they are asked for
   * first, so a server with several host keys is checked against the one Homeport knows.
   */
  preferHostKeyTypes?: readonly string[];
}

/** Host key algorithms in OpenSSH's order of preference, and the key type each one proves. */
const HOST_KEY_ALGORITHMS: ReadonlyArray<readonly [algorithm: string, keyType: string]> = [
  ['ssh-ed25519', 'ssh-ed25519'],
  ['ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp256'],
  ['ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp384'],
  ['ecdsa-sha2-nistp521', 'ecdsa-sha2-nistp521'],
  ['rsa-sha2-512', 'ssh-rsa'],
  ['rsa-sha2-256', 'ssh-rsa'],
  ['ssh-rsa', 'ssh-rsa'],
  ['ssh-dss', 'ssh-dss'],
];

/**
 * ssh2's host key algorithm list with the algorithms for the known key types moved to the front
 * (as OpenSSH does when known_hosts has keys for the host), or undefined to keep ssh2's default.
 * Exact-match patterns, so an algorithm this build of ssh2 lacks is skipped rather than an error.
 */
export function hostKeyAlgorithms(knownTypes: readonly string[]): { remove: RegExp[]; prepend: RegExp[] } | undefined {
  const preferred = HOST_KEY_ALGORITHMS.filter(([, type]) => knownTypes.includes(type)).map(([alg]) => new RegExp(`^${alg}$`));
  return preferred.length ? { remove: preferred, prepend: preferred } : undefined;
}

export const DEFAULT_READY_TIMEOUT_MS = 10_000;
export const DEFAULT_KEEPALIVE_INTERVAL_MS = 5_000;
export const DEFAULT_KEEPALIVE_COUNT_MAX = 3;

type Candidate =
  | { kind: 'agent'; label: string; socket: string }
  | { kind: 'key'; label: string; key: ParsedKey }
  | { kind: 'password'; label: string; password: string };

type SkippedKey = { label: string; check: Exclude<KeyCheck, { ok: true }> };

/** Which SSH method name a candidate needs the server to still allow. */
const METHOD: Record<Candidate['kind'], AuthenticationType> = { agent: 'publickey', key: 'publickey', password: 'password' };

/** The server's public key file for a key type, for the `ssh-keygen -lf` hint. */
function hostKeyFile(keyType: string): string {
  const name = keyType === 'ssh-rsa' ? 'rsa' : keyType.startsWith('ecdsa') ? 'ecdsa' : keyType === 'ssh-dss' ? 'dsa' : 'ed25519';
  return `/etc/ssh/ssh_host_${name}_key.pub`;
}

/** `host:port`, with IPv6 literals bracketed, for messages. */
export function hostPort(hostname: string, port: number): string {
  return `${hostname.includes(':') ? `[${hostname}]` : hostname}:${port}`;
}

/**
 * Open one authenticated, host-key-checked SSH connection. Auth is tried like OpenSSH does, all on
 * this one connection: ssh-agent, then each key, then the password. Every failure a user can
 * cause comes back as a HomeportError naming the cause and the fix; no secret is ever in it.
 *
 * The returned client keeps an 'error' listener (so a late error cannot crash the process); the
 * caller should watch 'close' to learn that the link dropped.
 */
export function connectSsh(target: SshTarget, opts: ConnectSshOptions): Promise<Client> {
  const where = hostPort(target.hostname, target.port);
  const login = `${target.user}@${where}`;

  // Pre-check keys: ssh2 throws synchronously from connect() on a bad passphrase, and a key that
  // cannot be decrypted must not stop the other methods from being tried.
  const candidates: Candidate[] = [];
  const skipped: SkippedKey[] = [];
  if (target.agentSocket) candidates.push({ kind: 'agent', label: 'ssh-agent', socket: target.agentSocket });
  for (const k of target.keys) {
    const check = checkPrivateKey(k.privateKey, k.passphrase);
    if (check.ok) candidates.push({ kind: 'key', label: `key "${k.label}"`, key: check.key });
    else skipped.push({ label: k.label, check });
  }
  if (target.password !== null && target.password !== '') {
    candidates.push({ kind: 'password', label: 'password', password: target.password });
  }

  return new Promise<Client>((resolve, reject) => {
    const client = new ssh2.Client();
    const tried: string[] = [];
    const notAllowed: string[] = [];
    let serverMethods: AuthenticationType[] | null = null;
    let agentProblem: string | null = null;
    let verdict: HostKeyVerdict | null = null;
    let verifierError: unknown = null;
    let settled = false;

    const fail = (err: HomeportError) => {
      if (settled) return;
      settled = true;
      client.end();
      // A socket that never connected may not close by itself on end().
      setImmediate(() => client.destroy());
      reject(err);
    };

    const authHandler = (authsLeft: AuthenticationType[] | null, _partial: boolean | null, next: NextAuthHandler) => {
      if (authsLeft) serverMethods = authsLeft;
      for (;;) {
        const c = candidates.shift();
        if (!c) {
          // `false` ends authentication (ssh2 then reports "All configured authentication methods failed").
          (next as unknown as (a: false) => void)(false);
          return;
        }
        if (authsLeft && !authsLeft.includes(METHOD[c.kind])) {
          notAllowed.push(c.label);
          continue;
        }
        tried.push(c.label);
        let method: AnyAuthMethod;
        switch (c.kind) {
          case 'agent':
            method = { type: 'agent', username: target.user, agent: c.socket };
            break;
          case 'key':
            method = { type: 'publickey', username: target.user, key: c.key };
            break;
          case 'password':
            method = { type: 'password', username: target.user, password: c.password };
            break;
        }
        next(method);
        return;
      }
    };

    client.on('ready', () => {
      if (settled) return;
      settled = true;
      // Docker API calls are small request/response exchanges multiplexed on this one TCP
      // connection: with Nagle's algorithm on, each waits out a delayed ACK (~40 ms, measured
      // 60 ms → 6 ms per list). Latency matters more than packet count here.
      client.setNoDelay(true);
      resolve(client);
    });

    client.on('error', (err: Error & { level?: string; code?: string }) => {
      if (settled) return;
      if (err.level === 'agent') {
        // The agent could not be reached; ssh2 moves on to the next method by itself.
        agentProblem = 'could not be reached';
        return;
      }
      if (err.level === 'client-authentication' && /Error while signing/.test(err.message)) return;
      if (err.level === 'client-authentication') {
        fail(authError());
        return;
      }
      if (err.level === 'handshake' && /verification failed/i.test(err.message) && (verdict || verifierError)) {
        fail(hostKeyError());
        return;
      }
      fail(networkError(err));
    });

    client.on('close', () => {
      if (settled) return;
      if (verdict && verdict.verdict !== 'trusted') return fail(hostKeyError());
      fail(
        new HomeportError({
          code: 'UNREACHABLE',
          message: `${where} closed the SSH connection before the login completed.`,
          fix: 'Check that an SSH server answers on this port, and look at its log (e.g. MaxStartups, AllowUsers, DenyUsers).',
          details: { hostname: target.hostname, port: target.port },
        }),
      );
    });

    const hostKeyError = (): HomeportError => {
      if (verifierError || !verdict || verdict.verdict === 'trusted') {
        return new HomeportError(
          {
            code: 'INTERNAL',
            message: `Checking the host key of ${where} failed unexpectedly.`,
            fix: 'This is a bug; the log has the details.',
          },
          { cause: verifierError },
        );
      }
      const type = displayKeyType(verdict.keyType);
      const serverKeyFile = hostKeyFile(verdict.keyType);
      if (verdict.verdict === 'unknown' && verdict.known.length > 0) {
        const knownTypes = [...new Set(verdict.known.map((k) => displayKeyType(k.keyType)))].join(' and ');
        const knownList = verdict.known.map((k) => `${displayKeyType(k.keyType)} ${k.fingerprint}`).join(', ');
        return new HomeportError({
          code: 'HOSTKEY_UNKNOWN',
          message:
            `WARNING: THE HOST KEY TYPE OF ${where} CHANGED. Homeport knows this server by its ${knownTypes} key (${knownList}), ` +
            `but it now offers only an ${type} key (${verdict.fingerprint}). Its administrator may have changed its keys or ` +
            'sshd settings — or someone in the middle of the connection is presenting their own key. Homeport did not connect.',
          fix:
            `On the server (from its console, or a session you already trust) run ssh-keygen -lf ${serverKeyFile} and compare the fingerprint, ` +
            `and find out why its ${knownTypes} key is no longer offered (the HostKey lines of /etc/ssh/sshd_config). ` +
            `Accept the ${type} key only if both check out.`,
          details: {
            hostname: target.hostname,
            port: target.port,
            keyType: verdict.keyType,
            fingerprint: verdict.fingerprint,
            knownKeys: formatKnownKeys(verdict.known),
          },
        });
      }
      if (verdict.verdict === 'unknown') {
        return new HomeportError({
          code: 'HOSTKEY_UNKNOWN',
          message: `The host key of ${where} is not known yet (${type} ${verdict.fingerprint}).`,
          fix: `Compare the fingerprint with the server's (ssh-keygen -lf ${serverKeyFile}) and accept it if it matches.`,
          details: { hostname: target.hostname, port: target.port, keyType: verdict.keyType, fingerprint: verdict.fingerprint },
        });
      }
      const remembered = verdict.expected.length ? verdict.expected.join(', ') : 'none';
      return new HomeportError({
        code: 'HOSTKEY_CHANGED',
        message: verdict.revoked
          ? `DANGER: ${where} presented a REVOKED host key (${type} ${verdict.fingerprint}). ` +
            'This could be a man-in-the-middle attack. Homeport refused to connect.'
          : `WARNING: THE HOST KEY OF ${where} HAS CHANGED. It presented ${type} ${verdict.fingerprint}, ` +
            `but the remembered ${type} key is ${remembered}. Someone could be eavesdropping on you right now ` +
            '(this could be a man-in-the-middle attack), or the server\'s key was replaced. Homeport refused to connect.',
        fix:
          `Ask whoever runs the server whether its key changed (on the server: ssh-keygen -lf ${serverKeyFile}). ` +
          'Only if it did, remove the old key deliberately: forget the host key in Homeport, and for ~/.ssh/known_hosts run ' +
          `ssh-keygen -R '${knownHostsName(target.hostname, target.port)}'. Then connect again and accept the new key.`,
        details: {
          hostname: target.hostname,
          port: target.port,
          keyType: verdict.keyType,
          fingerprint: verdict.fingerprint,
          // ErrorInfo.details holds scalars only: the remembered fingerprints, comma-separated.
          expected: verdict.expected.join(','),
          ...(verdict.revoked ? { revoked: true } : {}),
        },
      });
    };

    const authError = (): HomeportError => {
      const triedText = tried.map((t) => (t === 'ssh-agent' && agentProblem ? `ssh-agent (${agentProblem})` : t));
      const pass = skipped.find((s) => s.check.code === 'KEY_PASSPHRASE');
      const invalid = skipped.find((s) => s.check.code === 'KEY_INVALID');
      const others = triedText.length ? ` The server refused the other methods tried (${triedText.join(', ')}).` : '';
      if (pass) {
        return new HomeportError({
          code: 'KEY_PASSPHRASE',
          message:
            `Could not log in as ${login}: the key "${pass.label}" ` +
            (pass.check.reason === 'missing' ? 'is protected by a passphrase and none was given.' : 'could not be unlocked with the passphrase given.') +
            others,
          fix: `Enter the passphrase of the key "${pass.label}".`,
          details: { key: pass.label, user: target.user, hostname: target.hostname, port: target.port },
        });
      }
      if (invalid) {
        return new HomeportError({
          code: 'KEY_INVALID',
          message: `Could not log in as ${login}: "${invalid.label}" is not a private key Homeport can read.${others}`,
          fix: 'Choose the private key file (not the .pub), in OpenSSH or PEM format.',
          details: { key: invalid.label, user: target.user, hostname: target.hostname, port: target.port },
        });
      }
      const parts = [
        triedText.length ? `tried ${triedText.join(', ')}` : 'no credentials were configured',
        notAllowed.length ? `not offered because the server does not accept them: ${notAllowed.join(', ')}` : '',
        serverMethods ? `the server accepts: ${serverMethods.join(', ')}` : '',
      ].filter(Boolean);
      return new HomeportError({
        code: 'AUTH_FAILED',
        message: `${login} refused every credential offered (${parts.join('; ')}).`,
        fix: `Add your public key to ~/.ssh/authorized_keys of ${target.user} on the server, or check the password.`,
        details: { user: target.user, hostname: target.hostname, port: target.port, tried: tried.join(', ') },
      });
    };

    const networkError = (err: Error & { level?: string; code?: string }): HomeportError => {
      const details = { hostname: target.hostname, port: target.port };
      switch (err.code) {
        case 'ECONNREFUSED':
          return new HomeportError({
            code: 'CONNECTION_REFUSED',
            message: `Nothing accepts connections on ${where} (connection refused).`,
            fix: `Check that the SSH server runs on ${target.hostname} and listens on port ${target.port}.`,
            details,
          });
        case 'ENOTFOUND':
        case 'EAI_AGAIN':
        case 'EAI_NODATA':
        case 'EAI_NONAME':
          return new HomeportError({
            code: 'UNREACHABLE',
            message: `Cannot find the host "${target.hostname}" (DNS lookup failed${err.code === 'EAI_AGAIN' ? ', temporarily' : ''}).`,
            fix: 'Check the host name for typos, and that this computer is online and can resolve it.',
            details,
          });
        case 'ETIMEDOUT':
        case 'EHOSTUNREACH':
        case 'ENETUNREACH':
        case 'EHOSTDOWN':
        case 'ENETDOWN':
          return new HomeportError({
            code: 'UNREACHABLE',
            message: `Cannot reach ${where} (${err.code}).`,
            fix: 'Check that the host is up and this computer has a network route to it (VPN, firewall).',
            details,
          });
      }
      if (err.level === 'client-timeout') {
        const secs = Math.round((opts.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS) / 1000);
        return new HomeportError({
          code: 'UNREACHABLE',
          message: `${where} did not complete the SSH handshake and login within ${secs} s.`,
          fix: 'Check that the host is up, the port is an SSH server, and no firewall drops the traffic.',
          details,
        });
      }
      return new HomeportError(
        {
          code: 'UNREACHABLE',
          message: `SSH connection to ${where} failed: ${err.message}.`,
          fix: 'Check that an SSH server answers on this host and port.',
          details,
        },
        { cause: err },
      );
    };

    const config: ConnectConfig = {
      host: target.hostname,
      port: target.port,
      username: target.user,
      readyTimeout: opts.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS,
      keepaliveInterval: opts.keepaliveIntervalMs ?? DEFAULT_KEEPALIVE_INTERVAL_MS,
      keepaliveCountMax: opts.keepaliveCountMax ?? DEFAULT_KEEPALIVE_COUNT_MAX,
      // Synchronous on purpose: a Promise (or any non-undefined value) is taken as the answer.
      hostVerifier: (key: Buffer): boolean => {
        try {
          verdict = opts.verifyHostKey(key);
        } catch (e) {
          verifierError = e;
          return false;
        }
        return verdict.verdict === 'trusted';
      },
      authHandler: authHandler as unknown as ConnectConfig['authHandler'],
    };
    const serverHostKey = hostKeyAlgorithms(opts.preferHostKeyTypes ?? []);
    // ssh2 takes RegExp entries in remove/prepend; its typings list strings only.
    if (serverHostKey) config.algorithms = { serverHostKey: serverHostKey as unknown as NonNullable<ConnectConfig['algorithms']>['serverHostKey'] };
    try {
      client.connect(config);
    } catch (e) {
      fail(
        new HomeportError(
          {
            code: 'VALIDATION',
            message: `Cannot connect to ${login}: ${e instanceof Error ? e.message : String(e)}.`,
            fix: 'Check the user name, host and port.',
          },
          { cause: e },
        ),
      );
    }
  });
}
