import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCheckEnv, type CheckEnv } from './env';
import { evaluatePush, formatDuration } from './push';
import { checkSshCommand } from './ssh-command';
import type { SshCommandMonitor, SshExec } from './types';
import { validateMonitorConfig } from './validate';

/**
 * TEST ONLY: runs the command locally with `sh -c`. The owner's real exec runs it over the host's
 * SSH connection; the check cannot tell the difference.
 */
const localExec: SshExec = (command, signal) =>
  new Promise((resolve, reject) => {
    execFile('sh', ['-c', command], { signal, maxBuffer: 1024 * 1024 }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ABORT_ERR') return reject(err);
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });

let env: CheckEnv;
beforeAll(() => {
  env = createCheckEnv();
});
afterAll(() => env.close());

const cmd = (over: Partial<SshCommandMonitor>) =>
  validateMonitorConfig({ type: 'ssh-command', id: 's', name: 's', hostId: 'h1', command: 'true', intervalSec: 20, timeoutSec: 3, ...over }) as SshCommandMonitor;
const ctx = (exec: SshExec = localExec) => ({ signal: new AbortController().signal, env, exec });

describe('checkSshCommand', () => {
  it('is up on the expected exit status, with the last output line', async () => {
    const r = await checkSshCommand(cmd({ command: 'echo starting; echo active' }), ctx());
    expect(r).toMatchObject({ status: 'up', message: 'Exit status 0: active', details: { exitCode: 0 } });
    expect(r.latencyMs).toBeGreaterThan(0);
  });

  it('is down on another exit status, quoting stderr', async () => {
    expect(await checkSshCommand(cmd({ command: 'echo "unit nginx is failed" >&2; exit 3' }), ctx())).toMatchObject({
      status: 'down',
      message: 'Exit status 3 (expected 0): unit nginx is failed',
      details: { exitCode: 3 },
    });
    expect(await checkSshCommand(cmd({ command: 'exit 3', expectExit: 3 }), ctx())).toMatchObject({ status: 'up' });
  });

  it('matches the output against a regular expression (multi-line)', async () => {
    expect(await checkSshCommand(cmd({ command: 'printf "a\\nstatus: ok\\nb\\n"', outputMatch: '^status: ok$' }), ctx())).toMatchObject({ status: 'up' });
    expect(await checkSshCommand(cmd({ command: 'echo status: degraded', outputMatch: '^status: ok$' }), ctx())).toMatchObject({
      status: 'down',
      message: 'Output does not match /^status: ok$/: status: degraded',
    });
  });

  it('times out within timeoutSec', async () => {
    const t0 = Date.now();
    expect(await checkSshCommand(cmd({ command: 'sleep 5', timeoutSec: 1 }), ctx())).toMatchObject({ status: 'down', message: 'Timed out after 1 s' });
    expect(Date.now() - t0).toBeLessThan(1500);
  });

  it('says when the command cannot run at all', async () => {
    const failing: SshExec = async () => {
      throw new Error('host nas is not connected');
    };
    expect(await checkSshCommand(cmd({}), ctx(failing))).toMatchObject({ status: 'down', message: 'Could not run the command: host nas is not connected' });
    const killed: SshExec = async () => ({ code: null, stdout: '', stderr: 'Killed' });
    expect(await checkSshCommand(cmd({}), ctx(killed))).toMatchObject({ status: 'down', message: 'The command ended without an exit status (killed by a signal?): Killed' });
  });

  it('survives a catastrophic regex: the check fails, the event loop keeps running', async () => {
    // (a+)+$ against 40 a's and a "!" needs ~2^40 steps; on the main thread this would hang forever.
    const evil = cmd({ command: `printf '${'a'.repeat(40)}!'`, outputMatch: '^(a+)+$' });
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 50);
    const t0 = Date.now();
    const r = await checkSshCommand(evil, ctx());
    clearInterval(ticker);
    expect(r).toMatchObject({ status: 'down', message: expect.stringMatching(/^The output match pattern took longer than 1 s/) });
    expect(Date.now() - t0).toBeLessThan(2500);
    expect(ticks).toBeGreaterThanOrEqual(10);
    // the sandbox comes back for the next check
    expect(await checkSshCommand(cmd({ command: 'echo fine', outputMatch: 'fine' }), ctx())).toMatchObject({ status: 'up' });
  });

  it('matches only the first 64 KiB of output', async () => {
    const r = await checkSshCommand(cmd({ command: `head -c 70000 /dev/zero | tr '\\0' x; echo; echo MARKER`, outputMatch: 'MARKER' }), ctx());
    expect(r).toMatchObject({ status: 'down', message: expect.stringMatching(/^Output does not match \/MARKER\//) });
  });
});

describe('evaluatePush', () => {
  const t = 1_700_000_000_000;
  it('is up within interval + grace and down after, saying how long it has been', () => {
    expect(evaluatePush(t, 30, 60, t + 5_000)).toEqual({ status: 'up', latencyMs: null, message: 'Last push 5 s ago', details: { dueAt: t + 90_000, lastPushAgoSec: 5 } });
    expect(evaluatePush(t, 30, 60, t + 90_000).status).toBe('up');
    expect(evaluatePush(t, 30, 60, t + 250_000)).toEqual({
      status: 'down',
      latencyMs: null,
      message: 'No push for 4 min 10 s (expected every 1 min, 30 s grace)',
      details: { dueAt: t + 90_000, lastPushAgoSec: 250 },
    });
  });

  it('treats "never pushed" as down with a flag, and a push from the future as fresh', () => {
    expect(evaluatePush(null, 30, 60, t)).toMatchObject({ status: 'down', message: 'No push received yet', details: { neverPushed: true } });
    expect(evaluatePush(t + 10_000, 0, 60, t)).toMatchObject({ status: 'up', message: 'Push received just now' });
  });

  it('formats durations', () => {
    expect([59_000, 60_000, 3_600_000, 3_660_000, 49 * 3_600_000, 72 * 3_600_000].map(formatDuration)).toEqual(['59 s', '1 min', '1 h', '1 h 1 min', '2 d 1 h', '3 d']);
  });
});
