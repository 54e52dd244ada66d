// npm run bench:monitors — what do 1,000 HTTP monitors cost Homeport?
// 1,000 HTTP monitors at a 20 s interval against a local web server (in its own process, so its
// CPU is not counted), checks spread over the interval by the real scheduler, each result fed to
// the real alert policy — for two minutes (BENCH_SECONDS). Prints checks/s, CPU % of one core and
// the RSS of this process as one JSON line. Goal: ≤ 6 % of a core and ≤ 150 MiB.
// `npm run bench:monitors` bundles it with esbuild and runs plain node, as the app runs its built
// services: under the tsx loader the RSS would include the TypeScript compiler's own ~15 MiB.
import { spawn } from 'node:child_process';
import { AlertPolicy } from '../electron/services/alerts/policy/engine';
import { createCheckEnv, runCheck, validateMonitorConfig, type MonitorConfig } from '../electron/services/monitors/checks';
import { Scheduler } from '../electron/services/monitors/scheduler';

const MONITORS = Number(process.env.BENCH_MONITORS ?? 1000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 120);
const INTERVAL_SEC = 20;

async function startWebServer(): Promise<{ port: number; stop(): void }> {
  const child = spawn(
    process.execPath,
    ['-e', "const s=require('http').createServer((q,r)=>{r.setHeader('content-type','text/plain');r.end('ok '+q.url)});s.listen(0,'127.0.0.1',()=>console.log(s.address().port))"],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise<number>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
  return { port, stop: () => child.kill() };
}

async function main() {
  const web = await startWebServer();
  const env = createCheckEnv();
  const configs = new Map<string, MonitorConfig>();
  const policy = new AlertPolicy({ clock: { now: Date.now } });
  for (let i = 0; i < MONITORS; i++) {
    const cfg = validateMonitorConfig({
      type: 'http',
      id: `m${i}`,
      name: `service ${i}`,
      url: `http://127.0.0.1:${web.port}/svc/${i}`,
      intervalSec: INTERVAL_SEC,
      timeoutSec: 10,
      keyword: { text: 'ok', mustBePresent: true, caseSensitive: true },
    });
    configs.set(cfg.id, cfg);
    policy.upsertMonitor({ id: cfg.id, name: cfg.name, intervalMs: INTERVAL_SEC * 1000, timeoutMs: 10_000 });
  }

  let checks = 0;
  let down = 0;
  let alerts = 0;
  const scheduler = new Scheduler({
    run: (id, signal) => runCheck(configs.get(id) as Parameters<typeof runCheck>[0], { signal, env }),
    onResult: (id, r, startedAt) => {
      checks++;
      if (r.status === 'down') down++;
      alerts += policy.result({ monitorId: id, hostId: null, time: startedAt, status: r.status, message: r.message }).length;
    },
  });

  // Warm up for one interval (every monitor checked once), then measure.
  for (const cfg of configs.values()) scheduler.upsert({ id: cfg.id, intervalMs: INTERVAL_SEC * 1000, retryIntervalMs: INTERVAL_SEC * 1000, timeoutMs: 10_000 });
  await new Promise((r) => setTimeout(r, INTERVAL_SEC * 1000));
  const checks0 = checks;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 1000);
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const cpu = process.cpuUsage(cpu0);
  const elapsedS = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  scheduler.stop();
  env.close();
  web.stop();

  const result = {
    bench: 'monitors',
    monitors: MONITORS,
    intervalSec: INTERVAL_SEC,
    seconds: Math.round(elapsedS),
    checksPerSec: Math.round(((checks - checks0) / elapsedS) * 10) / 10,
    expectedChecksPerSec: MONITORS / INTERVAL_SEC,
    down,
    alerts,
    cpuPercentOfOneCore: Math.round(((cpu.user + cpu.system) / 1e6 / elapsedS) * 1000) / 10,
    rssMiB: Math.round(peakRss / 1048576),
    goals: { cpuPercentAtMost: 6, rssMiBAtMost: 150 },
  };
  console.log(JSON.stringify(result));
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
