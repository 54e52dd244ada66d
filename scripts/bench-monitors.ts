// npm run bench:monitors — what do 1,000 HTTP monitors cost the app a user runs?
//
// The built headless server (`out/main/server.js`, built first if missing) runs in its own
// process on a fresh data folder, history on, with one WebSocket client logged in and reading
// every event, as a browser tab would. A web server in another process stands in for the checked
// services (it counts the requests it gets, so the checks really made are known). Phases:
//
//   1. baseline: the same server idle, no monitors, for BENCH_BASELINE_SECONDS (30);
//   2. add: BENCH_MONITORS (1,000) HTTP monitors at a 20 s interval, one `monitors.add` call at a
//      time through the contract, as a form would send them — timed;
//   3. loaded: one interval to settle, then BENCH_SECONDS (120) measured;
//   4. import: a second fresh server gets the same number of monitors in one YAML import through
//      the contract (`monitors.importYaml`) — timed.
//
// BENCH_PROFILE=<dir> makes each server write a CPU profile (node --cpu-prof) there.
//
// CPU is the server process's own (utime + stime from /proc/<pid>/stat) as a percentage of one
// core; RSS is its resident memory (/proc/<pid>/status), averaged and at its peak over the phase.
// Prints one JSON line. Goals: ≤ 5 % of a core and ≤ 200 MiB loaded; import ≤ 10 s.
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildIfNeeded, connectClient, startHeadlessServer, type ContractClient } from './bench-support/headless';

const MONITORS = Number(process.env.BENCH_MONITORS ?? 1000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 120);
const BASELINE_SECONDS = Number(process.env.BENCH_BASELINE_SECONDS ?? 30);
const INTERVAL_SEC = 20;
const root = path.resolve(import.meta.dirname, '../..');
const log = (msg: string) => process.stderr.write(`bench:monitors: ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round1 = (n: number) => Math.round(n * 10) / 10;

/** The checked services: answers every request with "ok", and says how many it answered on /__count. */
async function startTarget(): Promise<{ port: number; count(): Promise<number>; stop(): void }> {
  const child = spawn(
    process.execPath,
    [
      '-e',
      "let n=0;const s=require('http').createServer((q,r)=>{if(q.url==='/__count'){r.end(String(n));return}n++;r.setHeader('content-type','text/plain');r.end('ok '+q.url)});s.keepAliveTimeout=60000;s.listen(0,'127.0.0.1',()=>console.log(s.address().port))",
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise<number>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
  return {
    port,
    count: async () => Number(await (await fetch(`http://127.0.0.1:${port}/__count`)).text()),
    stop: () => child.kill(),
  };
}

interface Server {
  pid: number;
  call: ContractClient['call'];
  events: ContractClient['events'];
  stop(): Promise<void>;
}

/** The built headless server on a fresh data folder, and one logged-in WebSocket client. */
async function startServer(): Promise<Server> {
  // BENCH_PROFILE=<dir>: the server writes a CPU profile there when it stops (node --cpu-prof).
  const nodeFlags = process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROFILE] : [];
  // BENCH_HEAPSNAPSHOT=<dir>: a heap snapshot of the loaded server is written there (SIGUSR2).
  if (process.env.BENCH_HEAPSNAPSHOT) nodeFlags.push('--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${process.env.BENCH_HEAPSNAPSHOT}`);
  // BENCH_NODE_FLAGS: more node options for the server (e.g. --trace-gc); BENCH_SERVER_LOG: its stderr, to a file.
  if (process.env.BENCH_NODE_FLAGS) nodeFlags.push(...process.env.BENCH_NODE_FLAGS.split(' ').filter(Boolean));
  const server = await startHeadlessServer({
    root,
    name: 'mon',
    // Only loopback traffic: no probe of the default gateway or the DNS servers.
    env: { HOMEPORT_REFERENCE_TARGETS: 'none', SSH_AUTH_SOCK: '' },
    nodeFlags,
    log: process.env.BENCH_SERVER_LOG ? createWriteStream(process.env.BENCH_SERVER_LOG, { flags: 'a' }) : null,
  });
  const client = await connectClient(server);
  return {
    pid: server.pid,
    call: client.call,
    events: client.events,
    stop: async () => {
      client.close();
      await server.stop();
    },
  };
}

const TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** CPU seconds (user + system) the process has used. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

/** CPU seconds per thread name (the main thread is "node"; V8's and libuv's helpers have their own names). */
function threadSeconds(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replace(/\d+$/, '').trim();
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(name, (out.get(name) ?? 0) + (Number(fields[11]) + Number(fields[12])) / TICKS);
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** CPU % of one core and RSS (mean and peak) of `pid` over `seconds`. */
async function measure(pid: number, seconds: number): Promise<{ seconds: number; cpuPercentOfOneCore: number; byThread: Record<string, number>; rssMiB: number; rssPeakMiB: number }> {
  const c0 = cpuSeconds(pid);
  const th0 = threadSeconds(pid);
  const t0 = performance.now();
  const samples: number[] = [];
  while (performance.now() - t0 < seconds * 1000) {
    samples.push(rssMiB(pid));
    await sleep(1000);
  }
  const elapsed = (performance.now() - t0) / 1000;
  const byThread: Record<string, number> = {};
  for (const [name, sec] of threadSeconds(pid)) {
    const pct = round1(((sec - (th0.get(name) ?? 0)) / elapsed) * 100);
    if (pct > 0) byThread[name] = pct;
  }
  return {
    seconds: Math.round(elapsed),
    cpuPercentOfOneCore: round1(((cpuSeconds(pid) - c0) / elapsed) * 100),
    byThread,
    rssMiB: Math.round(samples.reduce((a, b) => a + b, 0) / samples.length),
    rssPeakMiB: Math.round(Math.max(...samples)),
  };
}

const monitorInput = (port: number, i: number) => ({
  type: 'http',
  name: `service ${i}`,
  url: `http://127.0.0.1:${port}/svc/${i}`,
  intervalSec: INTERVAL_SEC,
  timeoutSec: 10,
  keyword: { text: 'ok', mustBePresent: true, caseSensitive: true },
});

async function main() {
  buildIfNeeded(root, log);
  const target = await startTarget();
  const servers: Server[] = [];
  try {
    const server = await startServer();
    servers.push(server);
    log(`baseline: the idle server for ${BASELINE_SECONDS} s…`);
    await sleep(3000);
    const baseline = await measure(server.pid, BASELINE_SECONDS);

    log(`adding ${MONITORS} monitors one by one…`);
    const a0 = performance.now();
    for (let i = 0; i < MONITORS; i++) await server.call('monitors.add', monitorInput(target.port, i));
    const addSeconds = (performance.now() - a0) / 1000;
    log(`added in ${addSeconds.toFixed(1)} s; settling for one interval…`);
    await sleep(INTERVAL_SEC * 1000);

    log(`measuring for ${SECONDS} s…`);
    const n0 = await target.count();
    const e0 = { ...server.events };
    const t0 = performance.now();
    const loaded = await measure(server.pid, SECONDS);
    if (process.env.BENCH_HEAPSNAPSHOT) {
      process.kill(server.pid, 'SIGUSR2');
      await sleep(15_000);
    }
    const elapsed = (performance.now() - t0) / 1000;
    const checks = (await target.count()) - n0;
    const listed = await server.call<Array<{ state: string }>>('monitors.list');
    const up = listed.filter((m) => m.state === 'up').length;
    const events = { perSec: round1((server.events.count - e0.count) / elapsed), kiBPerSec: round1((server.events.bytes - e0.bytes) / 1024 / elapsed) };
    await server.stop();
    servers.length = 0;

    log(`importing ${MONITORS} monitors as YAML into a fresh server…`);
    const fresh = await startServer();
    servers.push(fresh);
    const yaml = `version: 1\nmonitors:\n${Array.from({ length: MONITORS }, (_, i) => {
      const m = monitorInput(target.port, i);
      return `  - type: http\n    name: ${JSON.stringify(m.name)}\n    url: ${JSON.stringify(m.url)}\n    intervalSec: ${INTERVAL_SEC}\n    timeoutSec: 10\n    keyword: { text: ok, mustBePresent: true, caseSensitive: true }\n`;
    }).join('')}`;
    const i0 = performance.now();
    const imported = await fresh.call<{ added: number; errors: number }>('monitors.importYaml', { yaml, dryRun: false });
    const importSeconds = (performance.now() - i0) / 1000;
    if (imported.added !== MONITORS) throw new Error(`the import added ${imported.added} of ${MONITORS} (${imported.errors} errors)`);

    console.log(
      JSON.stringify({
        bench: 'monitors',
        monitors: MONITORS,
        intervalSec: INTERVAL_SEC,
        process: 'headless server (out/main/server.js), history on, one WebSocket client',
        baseline,
        loaded,
        cpuRatio: round1(loaded.cpuPercentOfOneCore / Math.max(0.1, baseline.cpuPercentOfOneCore)),
        checksPerSec: round1(checks / elapsed),
        expectedChecksPerSec: MONITORS / INTERVAL_SEC,
        up,
        eventsToTheClient: events,
        addOneByOneSeconds: round1(addSeconds),
        importSeconds: round1(importSeconds),
        loadAverage: round1(os.loadavg()[0]!),
        goals: { cpuPercentAtMost: 5, rssMiBAtMost: 200, importSecondsAtMost: 10 },
      }),
    );
  } finally {
    for (const s of servers) await s.stop().catch(() => {});
    target.stop();
  }
  process.exit(0);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
