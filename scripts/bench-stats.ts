// npm run bench:stats — what does live stats cost the Docker engine?
// Starts 50 busybox `sleep` containers (hp-stats-bench-NN) on the lab's main engine, then measures
// dockerd's CPU time (utime+stime from /proc/<pid>/stat) over equal windows, in one run:
//   (a) idle — nobody asks for stats;
//   (b) Homeport — the `container.stats` stream the containers list opens, through the real
//       services and dispatcher, over SSH to the lab host, all 50 at the list's period;
//   (c) `docker stats` — the CLI streaming all 50 (default format) for the window.
// The phases are interleaved over a few cycles so that other load on the machine falls on all of
// them alike. Prints one JSON line; ratio = (docker stats − idle) / (Homeport − idle), for dockerd
// and for the whole engine (dockerd + containerd + the containers' shims). Needs the lab.
// The containers are removed at the end (and on Ctrl+C).
import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { STATS_LIMITS, type Envelope, type HostContainersInfo, type HostInfo, type MethodName } from '../shared/contract';
import { createServices, type Services } from '../electron/services/app';
import { createTestPlatform } from '../electron/services/test-support/temp-platform';

const run = promisify(execFile);
const N = Number(process.env.BENCH_CONTAINERS ?? 50);
/** Seconds each phase is measured, in total; split over CYCLES interleaved cycles (idle, Homeport, docker stats). */
const WINDOW_SEC = Number(process.env.BENCH_WINDOW_SEC ?? 30);
const CYCLES = Number(process.env.BENCH_CYCLES ?? 3);
const WARMUP_MS = 3000;
// Our pid in every name: a run at the same time (or a test) never removes this one's containers.
const PREFIX = `hp-stats-bench-${process.pid}-`;
const IMAGE = 'homeport-lab/busybox:latest';

const lab = JSON.parse(readFileSync(process.env.HOMEPORT_LAB ?? '/var/tmp/homeport-lab/lab.json', 'utf8')) as {
  engine1: { socket: string };
  ssh: { host: string; port: number; hostKeyFingerprint: string };
  agentSock: string;
};
const SOCKET = lab.engine1.socket;
const docker = (...args: string[]) => run('docker', ['-H', `unix://${SOCKET}`, ...args], { maxBuffer: 16 << 20 });
const names = Array.from({ length: N }, (_, i) => `${PREFIX}${String(i + 1).padStart(2, '0')}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round1 = (x: number) => Math.round(x * 10) / 10;

/** The dockerd serving the lab's main socket: `-H unix://<socket>` on its command line, or no -H at all for the default socket. */
async function dockerdPid(): Promise<number> {
  const { stdout } = await run('pgrep', ['-x', 'dockerd']).catch(() => ({ stdout: '' }));
  const pids = stdout.split('\n').filter(Boolean).map(Number);
  for (const pid of pids) {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const hosts = argv.flatMap((a, i) => (a === '-H' || a === '--host' ? [argv[i + 1] ?? ''] : a.startsWith('--host=') ? [a.slice(7)] : []));
    if (hosts.includes(`unix://${SOCKET}`) || (hosts.length === 0 && SOCKET === '/var/run/docker.sock')) return pid;
  }
  throw new Error(`No dockerd serving ${SOCKET} among ${pids.join(', ') || 'no dockerd processes'}.`);
}

/** The containerd dockerd started (its child) and the engine's container shims, where the cgroups are read. */
async function enginePidsOf(dockerd: number): Promise<number[]> {
  const { stdout } = await run('pgrep', ['-P', String(dockerd), '-x', 'containerd']).catch(() => ({ stdout: '' }));
  const containerd = Number(stdout.split('\n')[0]);
  if (!(containerd > 0)) return [];
  const shims = (await run('pgrep', ['-f', 'containerd-shim']).catch(() => ({ stdout: '' }))).stdout
    .split('\n')
    .filter(Boolean)
    .map(Number)
    .filter((pid) => {
      try {
        // The main engine's shims run in containerd's `moby` namespace (the second engine's do not).
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').includes('-namespace moby');
      } catch {
        return false;
      }
    });
  return [containerd, ...shims];
}

const CLK_TCK = Number((await run('getconf', ['CLK_TCK'])).stdout.trim()) || 100;

/** A process that has exited meanwhile counts as 0. */
function cpuSecondsOr0(pid: number): number {
  try {
    return cpuSeconds(pid);
  } catch {
    return 0;
  }
}

/** utime + stime of a process, in seconds. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK; // fields 14 and 15 of proc(5)
}

/** dockerd's CPU over the window while `during` runs, as % of one core. */
type Phase = 'idle' | 'homeport' | 'dockerStats';
/** CPU seconds and wall seconds per phase, summed over the cycles. */
type Tally = Record<Phase, { dockerd: number; containerd: number; wall: number }>;

/**
 * One phase of one cycle: start it, let it warm up (the CLI starting, Homeport's priming round),
 * then read the engine's CPU time over the window, then stop it and let the engine settle.
 */
async function measure(
  phase: Phase,
  pids: { dockerd: number; rest: number[] },
  windowSec: number,
  tally: Tally,
  during: () => Promise<() => Promise<void>>,
): Promise<void> {
  const stop = await during();
  await sleep(WARMUP_MS);
  const d0 = cpuSeconds(pids.dockerd);
  const rest = () => pids.rest.reduce((sum, p) => sum + cpuSecondsOr0(p), 0);
  const k0 = rest();
  const t0 = performance.now();
  await sleep(windowSec * 1000);
  tally[phase].dockerd += cpuSeconds(pids.dockerd) - d0;
  tally[phase].containerd += rest() - k0;
  tally[phase].wall += (performance.now() - t0) / 1000;
  await stop();
  await sleep(1500);
}

async function cleanup(): Promise<void> {
  const { stdout } = await docker('ps', '-aq', '--filter', `name=^${PREFIX}`).catch(() => ({ stdout: '' }));
  const ids = stdout.split('\n').filter(Boolean);
  if (ids.length) await docker('rm', '-f', ...ids).catch(() => undefined);
}

async function startContainers(): Promise<void> {
  // Left over from an interrupted run: kept when running, replaced otherwise.
  const { stdout } = await docker('ps', '--format', '{{.Names}}', '--filter', `name=^${PREFIX}`).catch(() => ({ stdout: '' }));
  const running = new Set(stdout.split('\n').filter(Boolean));
  const missing = names.filter((n) => !running.has(n));
  for (let i = 0; i < missing.length; i += 5) {
    await Promise.all(
      missing.slice(i, i + 5).map(async (n) => {
        await docker('rm', '-f', n).catch(() => undefined);
        await docker('run', '-d', '--name', n, '--label', 'homeport.bench=stats', IMAGE, 'sleep', '3600');
      }),
    );
  }
}

async function ok<T>(services: Services, method: MethodName, input?: unknown): Promise<T> {
  const r = (await services.dispatch(method, input, { clientId: 'bench' })) as Envelope<T>;
  if (!r.ok) throw new Error(`${method} failed: ${r.error.code} ${r.error.message}`);
  return r.value;
}
async function until(what: string, f: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await f().catch(() => false))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

async function main() {
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => void cleanup().finally(() => process.exit(130)));
  const pid = await dockerdPid();
  await startContainers();
  const tp = createTestPlatform({ agentSocket: lab.agentSock });
  const services = await createServices(tp.platform);
  try {
    // The lab host, added and trusted as a user does in the UI.
    const host = await ok<HostInfo>(services, 'hosts.add', {
      name: 'lab', kind: 'ssh', address: `root@${lab.ssh.host}:${lab.ssh.port}`, socketPath: SOCKET, useAgent: true, keyId: null, identityFile: null,
    });
    const state = async () => (await ok<HostInfo[]>(services, 'hosts.list')).find((h) => h.id === host.id)?.state.status;
    await until('the host key prompt', async () => (await state()) === 'needs-hostkey');
    await ok(services, 'hosts.acceptHostKey', { hostname: lab.ssh.host, port: lab.ssh.port, fingerprint: lab.ssh.hostKeyFingerprint });
    await until('connected', async () => (await state()) === 'connected');
    let ids: string[] = [];
    await until('the bench containers listed as running', async () => {
      const list = (await ok<HostContainersInfo[]>(services, 'containers.list')).find((h) => h.hostId === host.id)?.containers ?? [];
      ids = list.filter((c) => c.name.startsWith(PREFIX) && c.state === 'running').map((c) => c.id);
      return ids.length === N;
    });
    await sleep(3000);

    const pids = { dockerd: pid, rest: await enginePidsOf(pid) };
    const tally: Tally = { idle: { dockerd: 0, containerd: 0, wall: 0 }, homeport: { dockerd: 0, containerd: 0, wall: 0 }, dockerStats: { dockerd: 0, containerd: 0, wall: 0 } };
    const slice = WINDOW_SEC / CYCLES;
    let samples = 0;
    services.events.subscribe((event, payload) => {
      if (event !== 'stream.data') return;
      samples += ((payload as { data: unknown[] }).data ?? []).length;
    });
    let cliBytes = 0;
    // Interleaved, so the other load on the machine falls on every phase alike.
    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      process.stderr.write(`bench:stats: cycle ${cycle}/${CYCLES} (${slice} s per phase)\n`);
      await measure('idle', pids, slice, tally, async () => async () => {});
      await measure('homeport', pids, slice, tally, async () => {
        const { streamId } = await ok<{ streamId: string }>(services, 'streams.open', {
          kind: 'container.stats', hostId: host.id, containerIds: ids, periodMs: STATS_LIMITS.listPeriodMs,
        });
        return async () => void (await ok(services, 'streams.close', { streamId }));
      });
      await measure('dockerStats', pids, slice, tally, async () => {
        const child = spawn('docker', ['-H', `unix://${SOCKET}`, 'stats', ...names], { stdio: ['ignore', 'pipe', 'ignore'] });
        child.stdout.on('data', (d: Buffer) => (cliBytes += d.length));
        return async () => {
          // The CLI catches SIGTERM (and can take long to act on it); Ctrl+C is what a user sends.
          const exited = new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
          child.kill('SIGINT');
          const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
          await exited;
          clearTimeout(timer);
        };
      });
    }
    if (samples === 0) throw new Error('Homeport produced no samples: the measurement would be meaningless.');
    if (cliBytes === 0) throw new Error('docker stats printed nothing: the measurement would be meaningless.');

    const pct = (p: Phase, k: 'dockerd' | 'containerd') => (tally[p][k] / tally[p].wall) * 100;
    const idle = pct('idle', 'dockerd');
    const homeport = pct('homeport', 'dockerd');
    const dockerStats = pct('dockerStats', 'dockerd');
    const net = (x: number, base: number) => Math.max(x - base, 0.05); // floor: a ratio over ~0 would be noise
    const engine = (p: Phase) => pct(p, 'dockerd') + pct(p, 'containerd');
    console.log(
      JSON.stringify({
        bench: 'stats',
        containers: N,
        windowSec: Math.round(tally.idle.wall),
        cycles: CYCLES,
        periodMs: STATS_LIMITS.listPeriodMs,
        homeportSamples: samples,
        dockerdCpuPctIdle: round1(idle),
        dockerdCpuPctHomeport: round1(homeport),
        dockerdCpuPctDockerStats: round1(dockerStats),
        ratio: round1(net(dockerStats, idle) / net(homeport, idle)),
        // dockerd + containerd + the containers' shims (where the cgroups are read): the whole engine's cost.
        engineCpuPctIdle: round1(engine('idle')),
        engineCpuPctHomeport: round1(engine('homeport')),
        engineCpuPctDockerStats: round1(engine('dockerStats')),
        engineRatio: round1(net(engine('dockerStats'), engine('idle')) / net(engine('homeport'), engine('idle'))),
      }),
    );
  } finally {
    await services.dispose();
    tp.cleanup();
    await cleanup();
  }
}

main().then(
  () => process.exit(0),
  async (e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    await cleanup();
    process.exit(1);
  },
);
