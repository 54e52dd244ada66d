// npm run bench:logs — can the Logs tab follow a container writing 10,000 lines/s?
// A container of our own on the lab engine writes 10,000 lines/s (10 bursts of 1,000 a second);
// Chromium opens its Logs tab through the built headless server (over the lab's sshd, as a user
// would). Measured for BENCH_SECONDS (20): lines/s the page took in (its `data-received-lines`
// counter) and the p95 of requestAnimationFrame intervals (frame time); then, once a million lines
// have gone through, the page's JS heap after a garbage collection (CDP). Prints one JSON line.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { buildIfNeeded, startHeadlessServer } from './bench-support/headless';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const TARGET = 10_000;
const MILLION = Number(process.env.BENCH_TOTAL_LINES ?? 1_000_000);
const root = path.resolve(import.meta.dirname, '..');
const NAME = `hp-logs-bench-${process.pid}`;
const lab = JSON.parse(readFileSync(process.env.HOMEPORT_LAB ?? '/var/tmp/homeport-lab/lab.json', 'utf8')) as {
  agentSock: string;
  ssh: { host: string; port: number; hostKeyFingerprint: string };
};
const docker = (...args: string[]) => execFileSync('docker', ['-H', 'unix:///var/run/docker.sock', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const log = (msg: string) => process.stderr.write(`bench:logs: ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Each second: 10 bursts of 1,000 numbered lines (one in ten a red ERROR), then wait for the next second.
const WRITER = [
  'n=0',
  'while :; do s=$(date +%s); k=0',
  'while [ $k -lt 10 ]; do awk -v a=$n \'BEGIN { for (i = a; i < a + 1000; i++) if (i % 10 == 0) printf "%d \\033[31mERROR\\033[0m upstream timed out GET /api/orders/%d after 30000ms\\n", i, i; else printf "%d INFO GET /api/items/%d 200 %dms bytes=%d\\n", i, i, i % 97, i % 4096 }\'; n=$((n+1000)); k=$((k+1)); usleep 40000; done',
  'while [ $(date +%s) -eq $s ]; do usleep 5000; done',
  'done',
].join('; ');

async function addLabHost(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Hosts', exact: true }).click();
  await page.getByRole('button', { name: 'Add host' }).first().click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Name', { exact: true }).fill('lab');
  await dialog.getByLabel('Address', { exact: true }).fill(`root@${lab.ssh.host}:${lab.ssh.port}`);
  await dialog.getByRole('button', { name: 'Save' }).click();
  const verify = page.getByRole('dialog', { name: 'Verify host key' });
  await verify.waitFor({ timeout: 30_000 });
  const shown = await verify.getByTestId('hostkey-fingerprint').textContent();
  if (shown !== lab.ssh.hostKeyFingerprint) throw new Error(`unexpected host key ${shown}`);
  await verify.getByRole('button', { name: 'Trust and connect' }).click();
}

/** BENCH_PROFILE=1: where the page spends 5 s of CPU, by function (self time), to stderr. */
async function profile(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.start');
  await sleep(5000);
  const { profile: p } = await cdp.send('Profiler.stop');
  const self = new Map<string, number>();
  const dt = new Map<number, number>();
  (p.samples ?? []).forEach((id, i) => dt.set(id, (dt.get(id) ?? 0) + (p.timeDeltas?.[i] ?? 0)));
  for (const n of p.nodes) {
    const f = n.callFrame;
    const key = `${f.functionName || "(anon)"} ${f.url.split("/").pop()}:${f.lineNumber}:${f.columnNumber}`;
    self.set(key, (self.get(key) ?? 0) + (dt.get(n.id) ?? 0));
  }
  for (const [k, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) log(`${(us / 1000).toFixed(0).padStart(6)} ms  ${k}`);
}

const received = async (page: Page) => Number(await page.getByTestId('logs-tab').getAttribute('data-received-lines'));

async function main() {
  buildIfNeeded(root, log);
  docker('rm', '-f', NAME);
  const server = await startHeadlessServer({ root, name: 'logs', env: { SSH_AUTH_SOCK: lab.agentSock } });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    await page.goto(server.loginUrl);
    await addLabHost(page);
    docker('run', '-d', '--name', NAME, '--label', 'homeport.test=bench-logs', 'homeport-lab/busybox:latest', 'sh', '-c', WRITER);
    await page.getByRole('button', { name: 'Containers', exact: true }).click();
    const open = page.getByRole('button', { name: `Open ${NAME}`, exact: true });
    await open.waitFor({ timeout: 60_000 });
    await open.click();
    await page.getByTestId('logs-tab').waitFor();
    for (const end = Date.now() + 60_000; (await received(page)) === 0; await sleep(250)) if (Date.now() > end) throw new Error('no log lines arrived');
    await sleep(3000); // warm up
    page.on('crash', () => log('the page crashed'));
    if (process.env.BENCH_PROFILE) await profile(page);

    await page.evaluate(`(() => {
      window.__frames = [];
      let last = performance.now();
      const tick = (t) => { window.__frames.push(t - last); last = t; requestAnimationFrame(tick); };
      requestAnimationFrame(tick);
    })()`);
    // What the container really wrote meanwhile (its lines are numbered), read from the engine directly.
    const written = () => Number(/^(\d+) /.exec(docker('logs', '--tail', '1', NAME))?.[1] ?? NaN);
    const w0 = written();
    const r0 = await received(page);
    const t0 = performance.now();
    await sleep(SECONDS * 1000);
    const r1 = await received(page);
    const w1 = written();
    const elapsed = (performance.now() - t0) / 1000;
    const frames = (await page.evaluate('window.__frames.slice(1)')) as number[];
    frames.sort((a, b) => a - b);
    const p95 = frames[Math.min(frames.length - 1, Math.floor(frames.length * 0.95))] ?? NaN;
    const maxFrame = frames[frames.length - 1] ?? NaN;
    const linesPerSec = (r1 - r0) / elapsed;
    log(`${Math.round(linesPerSec)} lines/s, p95 frame ${p95.toFixed(1)} ms over ${frames.length} frames; waiting for ${MILLION.toLocaleString('en-US')} lines…`);

    const deadline = Date.now() + 10 * 60_000;
    let r = await received(page);
    while (r < MILLION && Date.now() < deadline) {
      await sleep(2000);
      r = await received(page);
    }
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('HeapProfiler.enable');
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('Performance.enable');
    const { metrics } = await cdp.send('Performance.getMetrics');
    const heap = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? NaN;
    const buffered = Number(await page.getByTestId('logs-tab').getAttribute('data-buffered-lines'));
    const responsive = (await page.evaluate('new Promise((res) => { const t = performance.now(); requestAnimationFrame(() => res(performance.now() - t)); })')) as number;

    console.log(
      JSON.stringify({
        bench: 'logs',
        seconds: Math.round(elapsed),
        linesPerSec: Math.round(linesPerSec),
        targetLinesPerSec: TARGET,
        writtenLinesPerSec: Math.round((w1 - w0) / elapsed),
        p95FrameMs: Math.round(p95 * 10) / 10,
        maxFrameMs: Math.round(maxFrame * 10) / 10,
        frames: frames.length,
        linesReceived: r,
        heapMiBAfter1M: Math.round((heap / 2 ** 20) * 10) / 10,
        linesBuffered: buffered,
        nextFrameMsAfter1M: Math.round(responsive * 10) / 10,
        loadAverage: os.loadavg()[0]!.toFixed(1),
      }),
    );
  } finally {
    await browser.close().catch(() => {});
    await server.stop().catch(() => {});
    docker('rm', '-f', NAME);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  try {
    docker('rm', '-f', NAME);
  } catch {
    // already gone
  }
  process.exit(1);
});
