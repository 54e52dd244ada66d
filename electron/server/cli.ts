/**
 * Entry of headless mode: `node out/main/server.js` (built by electron-vite beside the Electron
 * main, but plain Node: nothing here or below imports `electron`).
 *
 * stdout gets exactly one line, `Homeport is running: <login URL>` (scripts and tests parse it);
 * everything else goes to stderr.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { errorText, toErrorInfo } from '../../shared/contract';
import { createServices, type Services } from '../services/app';
import { createConsoleLogger } from '../services/platform/logger';
import { boundYoungGeneration } from '../services/platform/memory';
import { isLoopbackHost } from '../web/loopback';
import { createHeadlessPlatform } from './headless-platform';
import { HELP, parseHeadlessOptions, UsageError } from './options';
import { createHeadlessServer, type HeadlessServer } from './server';
import { takeOverStopSignals } from './signals';

/** The orderly shutdown's bound: under the 10 s a supervisor (docker stop, systemd) usually waits before SIGKILL. */
const SHUTDOWN_LIMIT_MS = 9000;

// Both electron/server/cli.ts and out/main/server.js sit two folders below the package root.
const here = import.meta.dirname;

async function main(): Promise<void> {
  boundYoungGeneration();
  const logger = createConsoleLogger('homeport');

  let opts;
  try {
    opts = parseHeadlessOptions(process.argv.slice(2), process.env, { homeDir: homedir(), staticDir: resolve(here, '../renderer') });
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`homeport: ${e.message}\n`);
    process.exit(2);
  }
  // Read once, then out of the environment: every command Homeport starts (compose on this
  // computer, ping) inherits it, and a compose file could ask for ${HOMEPORT_TOKEN}.
  delete process.env.HOMEPORT_TOKEN;
  if (opts === 'help') {
    process.stdout.write(HELP);
    return;
  }

  if (!isLoopbackHost(opts.host)) {
    const line = '!'.repeat(78);
    process.stderr.write(
      `\n${line}\n` +
        `!!  WARNING: Homeport is listening on ${opts.host}, not on loopback.\n` +
        `!!  Anyone on that network who gets the login URL controls your servers, and the\n` +
        `!!  token and session cookie travel unencrypted over plain http. Prefer the default\n` +
        `!!  (127.0.0.1) with an SSH tunnel, or put a TLS reverse proxy in front.\n` +
        `${line}\n\n`,
    );
    logger.warn('listening on a non-loopback address', { host: opts.host });
  }

  let services: Services | null = null;
  let server: HeadlessServer | null = null;
  try {
    const platform = createHeadlessPlatform({ dataDir: opts.dataDir, version: readVersion(), logger });
    services = await createServices(platform);
    server = await createHeadlessServer({ services, staticDir: opts.staticDir, host: opts.host, port: opts.port, token: opts.token, allowedHosts: opts.allowedHosts, logger });
  } catch (e) {
    await services?.dispose().catch(() => {});
    process.stderr.write(`homeport: ${describe(e)}\n`);
    process.exit(1);
  }

  logger.info(opts.tokenGenerated ? 'headless mode started with a new random login link' : 'headless mode started with the configured login token', {
    url: server.url,
    dataDir: opts.dataDir,
    staticDir: opts.staticDir,
  });
  process.stdout.write(`Homeport is running: ${server.loginUrl}\n`);

  const running = { services, server };
  takeOverStopSignals({
    stop: (signal) => {
      logger.info('shutting down', { signal });
      if (process.stderr.isTTY) process.stderr.write('homeport: stopping (press Ctrl+C again in a few seconds to stop at once)\n');
      // A service that hangs on dispose must not keep the process alive forever.
      setTimeout(() => {
        logger.error('shutdown took too long; exiting');
        process.exit(1);
      }, SHUTDOWN_LIMIT_MS).unref();
      void (async () => {
        let code = 0;
        try {
          await running.server.close();
        } catch (e) {
          code = 1;
          logger.error('closing the server failed', { error: describe(e) });
        }
        try {
          await running.services.dispose();
        } catch (e) {
          code = 1;
          logger.error('stopping the services failed', { error: describe(e) });
        }
        logger.info('stopped', { code });
        process.exit(code);
      })();
    },
    repeated: (signal) => logger.info('already shutting down', { signal }),
    force: () => {
      process.stderr.write('homeport: stopping now, without waiting\n');
      process.exit(1);
    },
  });
}

function readVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(resolve(here, '../../package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

function describe(e: unknown): string {
  const info = toErrorInfo(e, { message: errorText });
  return info.fix ? `${info.message}\n  ${info.fix}` : info.message;
}

main().catch((e: unknown) => {
  process.stderr.write(`homeport: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
