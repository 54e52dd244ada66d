import { spawn } from 'node:child_process';
import { Deadline } from './deadline';
import type { CheckContext } from './env';
import type { CheckResult, PingMonitor } from './types';

/**
 * ICMP echo through the system's `ping` (raw sockets need privileges the app does not have; the
 * system binary has them). Arguments are an array — no shell — and the host has been validated
 * not to start with "-" (and is placed after "--" where ping supports it). Up when at least one
 * echo is answered; latency is the average round trip.
 */

export interface PingContext extends CheckContext {
  /** The ping binary; tests use it to simulate a machine without ping. */
  pingCommand?: string;
}

const OUTPUT_CAP = 16 * 1024;
/** Messages and numbers are parsed in English. */
const ENV = { ...process.env, LC_ALL: 'C', LANG: 'C' };

export function pingArgs(platform: NodeJS.Platform, host: string, count: number, timeoutSec: number): string[] {
  if (platform === 'win32') return ['-n', String(count), '-w', String(Math.max(500, Math.floor(timeoutSec * 1000 - 500))), host];
  // Leave ping time to print its statistics before the check's own deadline kills it.
  const wait = Math.max(1, Math.floor(timeoutSec - 0.2 * (count - 1) - 0.5));
  if (platform === 'darwin') return ['-c', String(count), '-W', String(wait * 1000), '-n', '--', host];
  return ['-c', String(count), '-W', String(wait), '-n', ...(count > 1 ? ['-i', '0.2'] : []), '--', host];
}

export function checkPing(cfg: PingMonitor, ctx: PingContext): Promise<CheckResult> {
  const dl = new Deadline(ctx.signal, cfg.timeoutSec);
  const command = ctx.pingCommand ?? 'ping';
  return new Promise<CheckResult>((resolve) => {
    let out = '';
    let settled = false;
    const settle = (r: CheckResult) => {
      if (settled) return;
      settled = true;
      dl.dispose();
      resolve(r);
    };
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(command, pingArgs(process.platform, cfg.host, cfg.count, cfg.timeoutSec), {
        signal: dl.signal,
        env: ENV,
        stdio: ['ignore', 'pipe', 'pipe'],
        windowsHide: true,
      });
    } catch (e) {
      settle({ status: 'down', latencyMs: null, message: `Could not run ping: ${(e as Error).message}` });
      return;
    }
    const take = (b: Buffer) => {
      if (out.length < OUTPUT_CAP) out += b.toString('utf8', 0, Math.min(b.length, OUTPUT_CAP - out.length));
    };
    child.stdout!.on('data', take);
    child.stderr!.on('data', take);
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (dl.aborted) return settle({ status: 'down', latencyMs: null, message: dl.abortMessage() });
      if (e.code === 'ENOENT') {
        return settle({
          status: 'down',
          latencyMs: null,
          message: `The ping command is not installed on this computer (${command} not found); install it (Debian/Ubuntu: apt install iputils-ping) or use a TCP monitor`,
        });
      }
      if (e.code === 'EACCES') return settle({ status: 'down', latencyMs: null, message: `This computer does not allow running ${command} (EACCES)` });
      settle({ status: 'down', latencyMs: null, message: `Could not run ping: ${e.message}` });
    });
    child.on('close', (code) => {
      if (dl.aborted) return settle({ status: 'down', latencyMs: null, message: dl.abortMessage() });
      settle(parsePingOutput(out, code, cfg.host, cfg.count));
    });
  });
}

export function parsePingOutput(out: string, code: number | null, host: string, count: number): CheckResult {
  const lines = out.split(/\r?\n/);
  // Reply lines carry a TTL in every ping and every language (Windows localises the rest).
  const replyLines = lines.filter((l) => /ttl[=:]\s*\d+/i.test(l));
  const tx = Number(/(\d+) packets transmitted/.exec(out)?.[1] ?? count);
  const rxMatch = /(\d+) (?:packets )?received/.exec(out);
  const rx = rxMatch ? Number(rxMatch[1]) : replyLines.length;
  const address = /^PING \S+ \(([^)]+)\)/m.exec(out)?.[1] ?? /^Pinging \S+ \[([^\]]+)\]/m.exec(out)?.[1];
  const details: Record<string, string | number | boolean> = { transmitted: tx, received: rx };
  if (address) details.address = address;
  if (rx > 0) {
    const summary = /= ([\d.]+)\/([\d.]+)\/([\d.]+)/.exec(out);
    let avg = summary ? Number(summary[2]) : NaN;
    if (Number.isNaN(avg)) {
      const times = replyLines.map((l) => Number(/[=<]\s*([\d.]+)\s*ms/i.exec(l)?.[1])).filter((n) => !Number.isNaN(n));
      avg = times.length ? times.reduce((a, b) => a + b, 0) / times.length : NaN;
    }
    const latencyMs = Number.isNaN(avg) ? null : Math.round(avg * 1000) / 1000;
    const loss = tx > rx ? `, ${tx - rx} of ${tx} lost` : '';
    details.packetLoss = tx ? Math.round(((tx - rx) / tx) * 100) : 0;
    return { status: 'up', latencyMs, message: `Reply from ${host}${latencyMs === null ? '' : ` in ${latencyMs} ms`}${loss}`, details };
  }
  const firstProblem = lines.find((l) => /^ping:|unknown host|could not find host|bad address|cannot resolve/i.test(l.trim()))?.trim();
  if (firstProblem && /not known|unknown host|could not find host|bad address|cannot resolve|name resolution|no address associated/i.test(firstProblem)) {
    return { status: 'down', latencyMs: null, message: `DNS lookup of ${host} failed (${firstProblem})` };
  }
  if (firstProblem && /not permitted|permission denied/i.test(firstProblem)) {
    return { status: 'down', latencyMs: null, message: `This computer does not allow ping to send ICMP (${firstProblem})` };
  }
  if (firstProblem) return { status: 'down', latencyMs: null, message: `ping failed: ${firstProblem}` };
  if (code !== 0 && code !== 1 && !/packets transmitted/.test(out)) return { status: 'down', latencyMs: null, message: `ping failed (exit status ${code ?? 'none'})` };
  details.packetLoss = 100;
  return { status: 'down', latencyMs: null, message: `No reply from ${host} (${tx} of ${tx} packet${tx === 1 ? '' : 's'} lost)`, details };
}
