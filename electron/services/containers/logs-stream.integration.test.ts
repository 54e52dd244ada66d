import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorInfo, LogBatchInfo, LogLineInfo } from '../../../shared/contract';
import { createServices, type Services } from '../app';
import { createTestPlatform, type TestPlatform } from '../test-support/temp-platform';
import { loadLab, type Lab } from '../test-support/lab';
import { addConnectedHost, labSsh } from '../test-support/lab-host';
import { contractCalls, until } from '../test-support/wait';

// container.logs as the UI uses it: through the dispatcher (real validation), over the real sshd
// to the lab's engine, reading containers this test starts (hp-logs-<pid>-…) and removes.

const pid = process.pid;
const NAME = { done: `hp-logs-${pid}-done`, tty: `hp-logs-${pid}-tty`, tick: `hp-logs-${pid}-tick`, gone: `hp-logs-${pid}-gone` };
const IMAGE = 'homeport-lab/busybox:latest';
let lab: Lab;
let tp: TestPlatform;
let services: Services;
let hostId: string;
const data = new Map<string, LogLineInfo[]>();
const batches = new Map<string, number>();
const ends = new Map<string, ErrorInfo | null>();

const docker = (...args: string[]) => execFileSync('docker', ['-H', 'unix:///var/run/docker.sock', ...args], { encoding: 'utf8' }).trim();

const { call, ok } = contractCalls(() => services);

const params = (containerId: string, over: Record<string, unknown> = {}) => ({
  kind: 'container.logs',
  hostId,
  containerId,
  tail: 'all',
  since: null,
  timestamps: false,
  follow: true,
  ...over,
});
async function open(containerId: string, over: Record<string, unknown> = {}): Promise<string> {
  const { streamId } = await ok<{ streamId: string }>('streams.open', params(containerId, over));
  return streamId;
}
/** Opens, waits for the stream to end by itself, returns its lines. */
async function readAll(containerId: string, over: Record<string, unknown> = {}): Promise<LogLineInfo[]> {
  const id = await open(containerId, over);
  await until(`end of ${containerId}`, () => ends.has(id));
  expect(ends.get(id)).toBeNull();
  return data.get(id) ?? [];
}

beforeAll(async () => {
  lab = loadLab();
  for (const n of Object.values(NAME)) docker('rm', '-f', n);
  // Exits after writing known lines to stdout and stderr, one with ANSI colour.
  docker('run', '-d', '--name', NAME.done, IMAGE, 'sh', '-c', 'for i in 1 2 3 4 5; do echo out-$i; done; echo err-1 >&2; printf "\\033[1;31mred\\033[0m ünï\\n"; echo err-2 >&2');
  docker('run', '-d', '-t', '--name', NAME.tty, IMAGE, 'sh', '-c', 'printf "\\033[32mgreen\\033[0m\\n"; echo tty-err >&2; echo tty-out');
  docker('run', '-d', '--name', NAME.tick, IMAGE, 'sh', '-c', 'echo first; i=0; while :; do i=$((i+1)); echo tick-$i; usleep 300000; done');
  docker('create', '--name', NAME.gone, IMAGE, 'true');
  docker('wait', NAME.done);
  docker('wait', NAME.tty);

  tp = createTestPlatform({ agentSocket: lab.agentSock });
  services = await createServices(tp.platform);
  services.events.subscribe((event, payload) => {
    if (event === 'stream.data') {
      const p = payload as { streamId: string; data: LogBatchInfo };
      data.set(p.streamId, [...(data.get(p.streamId) ?? []), ...p.data.lines]);
      batches.set(p.streamId, (batches.get(p.streamId) ?? 0) + 1);
    } else if (event === 'stream.end') {
      const p = payload as { streamId: string; error: ErrorInfo | null };
      ends.set(p.streamId, p.error);
    }
  });
  hostId = (await addConnectedHost(ok, labSsh(lab))).id;
}, 120_000);

afterAll(async () => {
  await services?.dispose();
  tp?.cleanup();
  for (const n of Object.values(NAME)) docker('rm', '-f', n);
});

describe('container.logs over SSH', () => {
  let full: LogLineInfo[] = [];

  it('reads a whole log, stdout and stderr told apart, ANSI kept, UTF-8 intact; ends by itself', async () => {
    full = await readAll(NAME.done);
    // Each stream keeps its order; how the engine interleaves two pipes is its own business.
    expect(full.filter((l) => l.stream === 'stdout').map((l) => l.text)).toEqual(['out-1', 'out-2', 'out-3', 'out-4', 'out-5', '\x1b[1;31mred\x1b[0m ünï']);
    expect(full.filter((l) => l.stream === 'stderr').map((l) => l.text)).toEqual(['err-1', 'err-2']);
    expect(full.every((l) => l.time === undefined)).toBe(true);
  });

  it('gives the last N lines with tail', async () => {
    const lines = await readAll(NAME.done, { tail: 3, follow: false });
    expect(lines).toEqual(full.slice(-3));
    expect(await readAll(NAME.done, { tail: 0 })).toEqual([]);
  });

  it('puts the engine timestamp on each line when asked', async () => {
    const lines = await readAll(NAME.done, { timestamps: true, tail: 2 });
    expect(lines).toHaveLength(2);
    for (const l of lines) {
      expect(l.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
      expect(Math.abs(Date.parse(l.time!) - Date.now())).toBeLessThan(10 * 60_000);
    }
    expect(lines.map(({ stream, text }) => ({ stream, text }))).toEqual(full.slice(-2));
  });

  it('reads a TTY container raw: one stream, no \\r, colours kept', async () => {
    const lines = await readAll(NAME.tty);
    expect(lines).toEqual([
      { stream: 'stdout', text: '\x1b[32mgreen\x1b[0m' },
      { stream: 'stdout', text: 'tty-err' },
      { stream: 'stdout', text: 'tty-out' },
    ]);
  });

  it('follows new lines as the container writes them, and close stops the stream', async () => {
    const id = await open(NAME.tick, { tail: 1 });
    const first = await until('a first line', () => data.get(id)?.[0]);
    await until('two more ticks', () => (data.get(id)?.length ?? 0) >= 3);
    const ticks = data.get(id)!.map((l) => Number(/^tick-(\d+)$/.exec(l.text)?.[1]));
    expect(ticks.every((n) => n > 0)).toBe(true);
    // consecutive ticks: new lines, in order, none lost
    expect(ticks.slice(1)).toEqual(ticks.slice(1).map((_, i) => ticks[1]! + i));
    expect(first.stream).toBe('stdout');
    expect(ends.has(id)).toBe(false);

    await ok('streams.close', { streamId: id });
    expect(ends.get(id)).toBeNull();
    const n = data.get(id)!.length;
    await new Promise((r) => setTimeout(r, 1500)); // ~5 more ticks written meanwhile
    expect(data.get(id)!.length).toBe(n);
    expect((await call('streams.close', { streamId: id })).ok).toBe(false);
  });

  it('gives only lines written after `since`', async () => {
    const started = Date.parse(docker('inspect', '-f', '{{.State.StartedAt}}', NAME.tick));
    const since = Math.floor(started / 1000) + 2;
    await until('since is past', () => Date.now() > (since + 1) * 1000);
    const id = await open(NAME.tick, { since, timestamps: true });
    await until('lines since', () => (data.get(id)?.length ?? 0) >= 2);
    await ok('streams.close', { streamId: id });
    const lines = data.get(id)!;
    expect(lines.map((l) => l.text)).not.toContain('first');
    for (const l of lines) expect(Date.parse(l.time!)).toBeGreaterThanOrEqual(since * 1000);
  });

  it('a removed container fails the open call with a clear error', async () => {
    docker('rm', '-f', NAME.gone);
    const r = await call('streams.open', params(NAME.gone));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('NOT_FOUND');
      expect(r.error.message).toContain(NAME.gone);
      expect(r.error.message).toContain('removed');
    }
  });

  it('refuses bad parameters before they reach the engine', async () => {
    for (const bad of [{ tail: -1 }, { tail: 5_000_000 }, { tail: 'some' }, { since: -5 }, { containerId: 'x; rm -rf /' }]) {
      const r = await call('streams.open', params(NAME.done, bad));
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('VALIDATION');
    }
  });
});
