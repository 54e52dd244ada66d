import net from 'node:net';
import { Deadline } from './deadline';
import { defaultCheckEnv, type CheckContext } from './env';
import { describeNetError } from './net-errors';
import type { CheckResult, TcpMonitor } from './types';

/** Connects, measures the time to an established connection, closes. Nothing is sent. */
export async function checkTcp(cfg: TcpMonitor, ctx: CheckContext): Promise<CheckResult> {
  const env = ctx.env ?? defaultCheckEnv();
  const dl = new Deadline(ctx.signal, cfg.timeoutSec);
  try {
    return await new Promise<CheckResult>((resolve) => {
      let socket: net.Socket;
      try {
        socket = net.connect({ host: cfg.host, port: cfg.port, lookup: env.lookup, signal: dl.signal });
      } catch (e) {
        resolve({ status: 'down', latencyMs: null, message: describeNetError(e, cfg.host, cfg.port) });
        return;
      }
      socket.once('connect', () => {
        const latencyMs = dl.elapsedMs();
        const remote = socket.remoteAddress;
        socket.destroy();
        resolve({ status: 'up', latencyMs, message: `Port ${cfg.port} open`, details: remote ? { address: remote } : {} });
      });
      socket.once('error', (e) => {
        socket.destroy();
        resolve({ status: 'down', latencyMs: null, message: dl.aborted ? dl.abortMessage() : describeNetError(e, cfg.host, cfg.port) });
      });
    });
  } finally {
    dl.dispose();
  }
}
