import { Worker } from 'node:worker_threads';

/**
 * Runs a user's regular expression against bounded text in a worker thread with a time limit.
 *
 * Capping the pattern and the text is not enough: `(a+)+$` needs exponential time on 30
 * characters, and V8 cannot interrupt a running match. On the main thread such a pattern would
 * freeze the scheduler, the IPC and the tray; here the worker is terminated at the limit and the
 * check reports the pattern as too slow. The worker is created on first use (only ssh-command
 * monitors with an output match need it), jobs run one at a time, and it never keeps the
 * process alive.
 */

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const cache = new Map();
parentPort.on('message', (job) => {
  try {
    const key = job.flags + '/' + job.source;
    let re = cache.get(key);
    if (!re) {
      if (cache.size > 200) cache.clear();
      re = new RegExp(job.source, job.flags);
      cache.set(key, re);
    }
    re.lastIndex = 0;
    parentPort.postMessage({ id: job.id, ok: true, match: re.test(job.text) });
  } catch (e) {
    parentPort.postMessage({ id: job.id, ok: false, error: String((e && e.message) || e) });
  }
});
`;

export type RegexOutcome = { ok: true; match: boolean } | { ok: false; reason: 'timeout' | 'error'; message: string };

interface Job {
  id: number;
  source: string;
  flags: string;
  text: string;
  timeoutMs: number;
  resolve: (o: RegexOutcome) => void;
}

export class RegexSandbox {
  private worker: Worker | null = null;
  private readonly queue: Job[] = [];
  private current: Job | null = null;
  private timer: NodeJS.Timeout | null = null;
  private nextId = 1;
  private closed = false;

  test(source: string, flags: string, text: string, timeoutMs = 1000): Promise<RegexOutcome> {
    if (this.closed) return Promise.resolve({ ok: false, reason: 'error', message: 'the regex sandbox is closed' });
    return new Promise((resolve) => {
      this.queue.push({ id: this.nextId++, source, flags, text, timeoutMs, resolve });
      this.pump();
    });
  }

  close(): void {
    this.closed = true;
    this.finish({ ok: false, reason: 'error', message: 'the regex sandbox is closed' });
    for (const j of this.queue.splice(0)) j.resolve({ ok: false, reason: 'error', message: 'the regex sandbox is closed' });
    void this.worker?.terminate();
    this.worker = null;
  }

  private pump(): void {
    if (this.current || this.closed) return;
    const job = this.queue.shift();
    if (!job) return;
    this.current = job;
    const w = this.ensureWorker();
    this.timer = setTimeout(() => {
      // V8 cannot stop a running match: the only way out is to end the thread.
      this.worker = null;
      void w.terminate();
      this.finish({ ok: false, reason: 'timeout', message: `took longer than ${job.timeoutMs} ms` });
    }, job.timeoutMs);
    w.postMessage({ id: job.id, source: job.source, flags: job.flags, text: job.text });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(WORKER_SOURCE, { eval: true, resourceLimits: { maxOldGenerationSizeMb: 64 } });
    w.unref();
    w.on('message', (m: { id: number; ok: boolean; match?: boolean; error?: string }) => {
      if (!this.current || m.id !== this.current.id) return;
      this.finish(m.ok ? { ok: true, match: m.match === true } : { ok: false, reason: 'error', message: m.error ?? 'failed' });
    });
    const lost = (why: string) => {
      if (this.worker !== w) return;
      this.worker = null;
      this.finish({ ok: false, reason: 'error', message: why });
    };
    w.on('error', (e) => lost(e.message));
    w.on('exit', (code) => lost(`worker exited (${code})`));
    this.worker = w;
    return w;
  }

  private finish(outcome: RegexOutcome): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const job = this.current;
    this.current = null;
    job?.resolve(outcome);
    this.pump();
  }
}
