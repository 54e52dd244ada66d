import path from 'node:path';
import { HomeportError, type StackAction } from '../../../shared/contract';
import type { ExecOptions, ExecResult } from '../hosts';

/** Which Compose a host has: the v2 plugin (`docker compose`) or the v1 program (`docker-compose`). */
export interface ComposeFlavor {
  version: 'v2' | 'v1';
  /** The words that start every compose command on this host. */
  argv: readonly string[];
  /** First line of `… version`, for the UI and the log. */
  versionText: string;
}

type Run = (argv: readonly string[], opts?: ExecOptions) => Promise<ExecResult>;

/**
 * `docker compose version` (v2), else `docker-compose version` (v1), else COMPOSE_MISSING.
 * Both spell their subcommands and the `-p`/`-f`/`config -q` options the same way, so the rest of
 * the code differs only in these first words.
 */
export async function detectCompose(run: Run, hostName: string): Promise<ComposeFlavor> {
  const tried: string[] = [];
  for (const [version, argv] of [
    ['v2', ['docker', 'compose']],
    ['v1', ['docker-compose']],
  ] as const) {
    const r = await run([...argv, 'version']);
    if (r.code === 0) return { version, argv, versionText: firstLine(r.stdout) || firstLine(r.stderr) || version };
    tried.push(`${argv.join(' ')}: ${firstLine(r.stderr) || firstLine(r.stdout) || `exit status ${r.code ?? r.signal}`}`);
  }
  throw new HomeportError({
    code: 'COMPOSE_MISSING',
    message: `Docker Compose is not installed on ${hostName} (or not on the PATH of its SSH sessions) — ${tried.join('; ')}.`,
    fix: `Install the Docker Compose plugin (docker compose) or docker-compose on ${hostName}.`,
    details: { host: hostName },
  });
}

export interface ComposeProject {
  project: string;
  workingDir: string | null;
  /** Absolute paths. */
  configFiles: readonly string[];
}

/** `-p <project> -f <file>…`: every value is one argv word (quoted by the exec layer, never spliced). */
export function projectArgs(flavor: ComposeFlavor, p: ComposeProject, files: readonly string[] = p.configFiles): string[] {
  return [...flavor.argv, '-p', p.project, ...files.flatMap((f) => ['-f', f])];
}

const ACTION_ARGS: Record<StackAction, readonly string[]> = {
  up: ['up', '-d'],
  down: ['down'],
  restart: ['restart'],
  pull: ['pull'],
  recreate: ['up', '-d', '--force-recreate'],
};

export function actionArgs(flavor: ComposeFlavor, p: ComposeProject, action: StackAction): string[] {
  return [...projectArgs(flavor, p), ...ACTION_ARGS[action]];
}

/**
 * Compose v1 writes config_files relative to the working directory ("docker-compose.yml"); v2
 * writes absolute paths. Either way the result is absolute and normalised.
 */
export function resolveConfigFiles(configFilesLabel: string | undefined, workingDir: string | null): string[] {
  if (!configFilesLabel) return workingDir ? [path.posix.join(workingDir, 'docker-compose.yml')] : [];
  return configFilesLabel
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean)
    .map((f) => (path.posix.isAbsolute(f) ? path.posix.normalize(f) : workingDir ? path.posix.resolve(workingDir, f) : f))
    .filter((f) => path.posix.isAbsolute(f));
}

/** A command line as a user would type it, for the output panel (display only: never run). */
export function displayCommand(argv: readonly string[]): string {
  return argv.map((w) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(w) ? w : `'${w.replaceAll("'", `'\\''`)}'`)).join(' ');
}

/** Colours and cursor movement (compose v2 progress) removed, so the output reads as text. */
export function plainText(s: string): string {
  return s.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').replace(/\u001b\][^\u0007]*\u0007/g, '');
}

function firstLine(s: string): string {
  return plainText(s).trim().split('\n')[0]?.trim() ?? '';
}
