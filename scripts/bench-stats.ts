// npm run bench:stats — what does live stats cost the Docker engine?
// Starts 50 busybox `sleep` containers (hp-stats-bench-NN) on the lab's main engine, then measures
// dockerd's CPU time (utime+stime from /proc/<pid>/stat) over equal windows, in one run:
//   (a) idle — nobody asks for stats;
//   (b) Homeport — the `container.stats` stream the containers list opens, through the real
//       services and dispatcher, over SSH to the lab host, all 50 at the list's period;
//   (c) `docker stats` — the CLI streaming all 50 (default format) for the window.
// Prints one JSON line; ratio = (docker stats − idle) / (Homeport − idle). Needs the lab.
// The containers are removed at the end (and on Ctrl+C).
import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { STATS_LIMITS, type Envelope, type HostContainersInfo, type HostInfo, type MethodName } from '../shared/contract';
import { createServices, type Services } from '../electron/services/app';
import { createTestPlatform } from '../electron/services/platform/test-platform';

const run = promisify(execFile);
const N = Number(process.env.BENCH_CONTAINERS ?? 50);
const WINDOW_SEC = Number(process.env.BENCH_WINDOW_SEC ?? 20);
const PREFIX = 'hp-stats-bench-';
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

const CLK_TCK = Number((await run('getconf', ['CLK_TCK'])).stdout.trim()) || 100;

/** utime + stime of a process, in seconds. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK; // fields 14 and 15 of proc(5)
}

/** dockerd's CPU over the window while `during` runs, as % of one core. */
async function measure(what: string, pid: number, during: () => Promise<() => Promise<void>>): Promise<number> {
  process.stderr.write(`bench:stats: measuring ${what} for ${WINDOW_SEC} s\n`);
  const stop = await during();
  const c0 = cpuSeconds(pid);
  const t0 = performance.now();
  await sleep(WINDOW_SEC * 1000);
  const c1 = cpuSeconds(pid);
  const elapsed = (performance.now() - t0) / 1000;
  await stop();
  await sleep(2000); // let the engine settle before the next phase
  return ((c1 - c0) / elapsed) * 100;
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

    const idle = await measure('idle', pid, async () => async () => {});

    let rounds = 0;
    let samples = 0;
    const unsub = services.events.subscribe((event, payload) => {
      if (event !== 'stream.data') return;
      rounds++;
      const n = ((payload as { data: unknown[] }).data ?? []).length;
      samples += n;
      process.stderr.write(`bench:stats: Homeport round ${rounds}: ${n} samples\n`);
    });
    const homeport = await measure('Homeport', pid, async () => {
      const { streamId } = await ok<{ streamId: string }>(services, 'streams.open', {
        kind: 'container.stats', hostId: host.id, containerIds: ids, periodMs: STATS_LIMITS.listPeriodMs,
      });
      return async () => {
        await ok(services, 'streams.close', { streamId });
        unsub();
      };
    });
    if (samples === 0) throw new Error('Homeport produced no samples: the measurement would be meaningless.');

    let cliBytes = 0;
    const dockerStats = await measure('docker stats', pid, async () => {
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
    if (cliBytes === 0) throw new Error('docker stats printed nothing: the measurement would be meaningless.');

    const net = (x: number) => Math.max(x - idle, 0.05); // floor: a ratio over ~0 would be noise
    console.log(
      JSON.stringify({
        bench: 'stats',
        containers: N,
        windowSec: WINDOW_SEC,
        periodMs: STATS_LIMITS.listPeriodMs,
        homeportRounds: rounds,
        homeportSamples: samples,
        dockerdCpuPctIdle: round1(idle),
        dockerdCpuPctHomeport: round1(homeport),
        dockerdCpuPctDockerStats: round1(dockerStats),
        ratio: round1(net(dockerStats) / net(homeport)),
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
