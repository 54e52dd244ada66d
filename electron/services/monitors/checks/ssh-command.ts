import { HomeportError } from '../../../../shared/contract';
import { Deadline } from './deadline';
import { defaultCheckEnv, type CheckContext } from './env';
import type { CheckResult, SshCommandMonitor, SshExec } from './types';

/**
 * Runs a command on the host through the owner's `exec` (the host's existing SSH connection) and
 * compares its exit status, and optionally its output, with what the monitor expects.
 *
 * Output is untrusted and the pattern is the user's: only the first 64 KiB of stdout is matched,
 * the pattern is capped at validation, and the match runs in the RegexSandbox (a worker with a
 * 1 s limit), so a catastrophic pattern such as `(a+)+$` makes this one check fail — it never
 * freezes the main thread. `exec` should itself cap what it buffers (1 MiB is plenty).
 */

export interface SshCommandContext extends CheckContext {
  exec: SshExec;
}

export const SSH_OUTPUT_CAP = 64 * 1024;
export const REGEX_TIME_LIMIT_MS = 1000;

export async function checkSshCommand(cfg: SshCommandMonitor, ctx: SshCommandContext): Promise<CheckResult> {
  const env = ctx.env ?? defaultCheckEnv();
  const dl = new Deadline(ctx.signal, cfg.timeoutSec);
  try {
    let r: Awaited<ReturnType<SshExec>>;
    try {
      r = await Promise.race([
        ctx.exec(cfg.command, dl.signal),
        new Promise<never>((_, reject) => dl.signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true })),
      ]);
    } catch (e) {
      if (dl.aborted) return { status: 'down', latencyMs: null, message: dl.abortMessage() };
      const why = e instanceof HomeportError || e instanceof Error ? e.message : String(e);
      return { status: 'down', latencyMs: null, message: `Could not run the command: ${why}` };
    }
    const latencyMs = dl.elapsedMs();
    const stdout = r.stdout.length > SSH_OUTPUT_CAP ? r.stdout.slice(0, SSH_OUTPUT_CAP) : r.stdout;
    const details: Record<string, string | number | boolean> = {};
    if (r.code !== null) details.exitCode = r.code;
    if (r.code === null) {
      return { status: 'down', latencyMs, message: `The command ended without an exit status (killed by a signal?)${tail(r.stderr || stdout)}`, details };
    }
    if (r.code !== cfg.expectExit) {
      return { status: 'down', latencyMs, message: `Exit status ${r.code} (expected ${cfg.expectExit})${tail(r.stderr || stdout)}`, details };
    }
    if (cfg.outputMatch !== null) {
      const m = await env.regex.test(cfg.outputMatch, 'm', stdout, REGEX_TIME_LIMIT_MS);
      if (!m.ok) {
        const message =
          m.reason === 'timeout'
            ? `The output match pattern took longer than ${REGEX_TIME_LIMIT_MS / 1000} s on the output; simplify it (avoid nested repeats such as (a+)+)`
            : `The output match pattern could not run: ${m.message}`;
        return { status: 'down', latencyMs, message, details };
      }
      if (!m.match) return { status: 'down', latencyMs, message: `Output does not match /${clip(cfg.outputMatch, 80)}/${tail(stdout)}`, details };
    }
    return { status: 'up', latencyMs, message: `Exit status ${r.code}${tail(stdout)}`, details };
  } finally {
    dl.dispose();
  }
}

/** The last non-empty line of the output, short, as a hint in the message. */
function tail(text: string): string {
  const end = text.length > 4096 ? text.slice(-4096) : text;
  const line = end
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .pop();
  return line ? `: ${clip(line.replace(/\p{Cc}/gu, ' '), 200)}` : '';
}

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}
