import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

export interface HeadlessOptions {
  port: number;
  host: string;
  dataDir: string;
  token: string;
  /** True when no token was given and a random one was made for this run. */
  tokenGenerated: boolean;
  staticDir: string;
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

  const given = values.token ?? env.HOMEPORT_TOKEN;
  if (given !== undefined) {
    if (given.length < MIN_TOKEN_LENGTH) {
      throw new UsageError(`The token must be at least ${MIN_TOKEN_LENGTH} characters long; anyone who guesses it controls your servers. Leave it unset to get a random one.`);
    }
    if (!/^[\x21-\x7e]+$/.test(given)) throw new UsageError('The token may contain only printable ASCII characters without spaces.');
  }
  const token = given ?? randomBytes(32).toString('hex');

  return {
    port,
    host,
    dataDir,
    token,
    tokenGenerated: given === undefined,
    staticDir: resolve(values['static-dir'] ?? defaults.staticDir),
  };
}
