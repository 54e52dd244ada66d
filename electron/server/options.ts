import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { splitHostHeader } from './auth';

export interface HeadlessOptions {
  port: number;
  host: string;
  dataDir: string;
  token: string;
  /** True when no token was given and a random one was made for this run. */
  tokenGenerated: boolean;
  staticDir: string;
  /** Extra names the server answers to (`--allowed-host`), e.g. a reverse proxy's. */
  allowedHosts: string[];
}

export class UsageError extends Error {
  override name = 'UsageError';
}

export const DEFAULT_PORT = 7788;
export const DEFAULT_HOST = '127.0.0.1';
export const MIN_TOKEN_LENGTH = 16;

export const HELP = `Usage: node out/main/server.js [options]   (or: npm run serve -- [options])

Runs Homeport without Electron and serves its UI to a browser, behind a login token.

Options (each also readable from the environment):
  --port <n>          HOMEPORT_PORT       port to listen on (default ${DEFAULT_PORT}; 0 = any free port)
  --host <addr>       HOMEPORT_HOST       address to listen on (default ${DEFAULT_HOST}; anything else
                                          exposes Homeport to your network)
  --data-dir <path>   HOMEPORT_DATA_DIR   settings and secrets (default $XDG_DATA_HOME/homeport,
                                          or ~/.local/share/homeport)
  --token <secret>    HOMEPORT_TOKEN      login token, at least ${MIN_TOKEN_LENGTH} characters (default: a new
                                          random token at every start)
  --token-file <path> HOMEPORT_TOKEN_FILE the login token from the first line of a file only you can
                                          read (chmod 600); keeps it out of \`ps\` and the environment
  --allowed-host <name[:port]>            a name Homeport is reached by besides its address and
                      HOMEPORT_ALLOWED_HOSTS  localhost (a reverse proxy, a DNS name); repeat the flag,
                                          or separate names with commas
  --static-dir <path>                     the built UI (default: out/renderer next to this file)
  -h, --help                              show this text
`;

/** Reads flags first, then HOMEPORT_* variables, then defaults. Throws UsageError on bad values. */
export function parseHeadlessOptions(
  argv: string[],
  env: Record<string, string | undefined>,
  defaults: { homeDir: string; staticDir: string },
): HeadlessOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
        token: { type: 'string' },
        'token-file': { type: 'string' },
        'allowed-host': { type: 'string', multiple: true },
        'static-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n\n${HELP}`);
  }
  if (values.help) return 'help';

  const portText = values.port ?? env.HOMEPORT_PORT ?? String(DEFAULT_PORT);
  const port = Number(portText);
  if (!/^\d{1,5}$/.test(portText.trim()) || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--port must be a number from 0 to 65535 (got ${JSON.stringify(portText)}).`);
  }

  const host = (values.host ?? env.HOMEPORT_HOST ?? DEFAULT_HOST).trim();
  if (!host || /[\s/@]/.test(host)) throw new UsageError(`--host must be an address or a host name (got ${JSON.stringify(host)}).`);

  const dataDirText = values['data-dir'] ?? env.HOMEPORT_DATA_DIR;
  const xdg = env.XDG_DATA_HOME?.startsWith('/') ? env.XDG_DATA_HOME : null;
  const dataDir = resolve(dataDirText ?? (xdg ? join(xdg, 'homeport') : join(defaults.homeDir, '.local', 'share', 'homeport')));

  if (values.token !== undefined && values['token-file'] !== undefined) {
    throw new UsageError('Give the login token either with --token or with --token-file, not both.');
  }
  const tokenFile = values['token-file'] ?? (values.token === undefined ? nonEmpty(env.HOMEPORT_TOKEN_FILE) : undefined);
  const given = values.token ?? (tokenFile !== undefined ? readTokenFile(tokenFile) : env.HOMEPORT_TOKEN);
  if (given !== undefined) {
    if (given.length < MIN_TOKEN_LENGTH) {
      throw new UsageError(`The token must be at least ${MIN_TOKEN_LENGTH} characters long; anyone who guesses it controls your servers. Leave it unset to get a random one.`);
    }
    if (!/^[\x21-\x7e]+$/.test(given)) throw new UsageError('The token may contain only printable ASCII characters without spaces.');
  }
  const token = given ?? randomBytes(32).toString('hex');

  const allowedHosts = (values['allowed-host'] ?? (env.HOMEPORT_ALLOWED_HOSTS ?? '').split(',')).map((h) => h.trim()).filter(Boolean);
  for (const h of allowedHosts) {
    if (!splitHostHeader(h)) {
      throw new UsageError(`--allowed-host takes a host name as a browser sends it, like homeport.example.net or nas.lan:8443 (got ${JSON.stringify(h)}).`);
    }
  }

  return {
    port,
    host,
    dataDir,
    token,
    tokenGenerated: given === undefined,
    staticDir: resolve(values['static-dir'] ?? defaults.staticDir),
    allowedHosts,
  };
}

const nonEmpty = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v);

/**
 * The token from the first line of a file (trimmed). Like OpenSSH with a private key, a file that
 * other users can read is refused: the token would no longer be a secret.
 */
function readTokenFile(path: string): string {
  const where = resolve(path);
  let text: string;
  let mode: number;
  try {
    mode = statSync(where).mode & 0o777;
    text = readFileSync(where, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : (e as Error).message;
    throw new UsageError(`Cannot read the token file ${where}: ${why}. Give the path of a file whose first line is the login token.`);
  }
  if ((mode & 0o077) !== 0) {
    throw new UsageError(`The token file ${where} can be read by other users (mode ${mode.toString(8)}). Make it yours alone: chmod 600 ${where}`);
  }
  const first = (text.split(/\r?\n/, 1)[0] ?? '').trim();
  if (!first) throw new UsageError(`The first line of ${where} is empty; put the login token (at least ${MIN_TOKEN_LENGTH} characters) there.`);
  if (first.length < MIN_TOKEN_LENGTH) {
    throw new UsageError(`The token in ${where} is ${first.length} characters; it must be at least ${MIN_TOKEN_LENGTH} (anyone who guesses it controls your servers).`);
  }
  return first;
}
