import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { until } from '../services/test-support/wait';
import { openUiSocket } from './test-support/browser';

// The CLI as a user runs it (from source through tsx; `npm run serve` runs the same file built):
// one stdout line with the login URL, a working login, a clean exit on SIGTERM.
const repo = resolve(import.meta.dirname, '../..');
const root = mkdtempSync(join(tmpdir(), 'homeport-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function start(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'electron/server/cli.ts', ...args], {
    cwd: repo,
    env: { ...process.env, HOME: join(root, 'home'), HOMEPORT_DATA_DIR: join(root, 'data'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((ok) => child.on('exit', (code) => ok(code)));
  return { child, exited, out: () => stdout, err: () => stderr };
}

async function loginUrlOf(p: ReturnType<typeof start>): Promise<string> {
  const deadline = Date.now() + 20_000;
  while (!p.out().includes('\n') && Date.now() < deadline) {
    if (p.child.exitCode !== null) throw new Error(`exited early: ${p.err()}`);
    await new Promise((ok) => setTimeout(ok, 50));
  }
  const m = /^Homeport is running: (\S+)$/m.exec(p.out());
  if (!m) throw new Error(`no login line: ${p.out()} ${p.err()}`);
  return m[1]!;
}

/** Calls over a connected client; a failed call rejects with the error's message. */
function rpc(ws: WebSocket) {
  let next = 1;
  const waiting = new Map<number, (r: { ok: boolean; value?: unknown; error?: { message: string } }) => void>();
  ws.on('message', (d) => {
    const f = JSON.parse(String(d)) as { t: string; id: number; result: { ok: boolean; value?: unknown; error?: { message: string } } };
    if (f.t === 'result') waiting.get(f.id)?.(f.result);
  });
  return async <T = unknown>(method: string, input?: unknown): Promise<T> => {
    const id = next++;
    const r = await new Promise<{ ok: boolean; value?: unknown; error?: { message: string } }>((ok) => {
      waiting.set(id, ok);
      ws.send(JSON.stringify({ t: 'call', id, method, input }));
    });
    if (!r.ok) throw new Error(r.error?.message ?? 'failed');
    return r.value as T;
  };
}

describe('headless CLI', () => {
  it('prints exactly one login line, serves the login, and exits 0 on SIGTERM', async () => {
    const p = start(['--port', '0', '--static-dir', join(root, 'no-ui')]);
    const deadline = Date.now() + 20_000;
    while (!p.out().includes('\n') && Date.now() < deadline) {
      if (p.child.exitCode !== null) throw new Error(`exited early: ${p.err()}`);
      await new Promise((ok) => setTimeout(ok, 50));
    }
    const lines = p.out().trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    const m = /^Homeport is running: (http:\/\/127\.0\.0\.1:\d+\/login\?token=([0-9a-f]{64}))$/.exec(lines[0]!);
    expect(m, p.out()).not.toBeNull();

    const login = await fetch(m![1]!, { redirect: 'manual' });
    expect(login.status).toBe(303);
    const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
    // No UI built in that folder: a hint page, not a crash.
    const page = await fetch(new URL('/', m![1]!), { headers: { cookie } });
    expect(page.status).toBe(503);
    expect(await page.text()).toContain('npm run build');

    expect(statSync(join(root, 'data', 'secret.key')).mode & 0o777).toBe(0o600);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    expect(p.out().trimEnd().split('\n')).toHaveLength(1);
  });

  it('refuses a short token with a usage error (exit 2) and warns loudly off loopback', async () => {
    const short = start(['--token', 'short']);
    expect(await short.exited).toBe(2);
    expect(short.err()).toContain('at least 16 characters');
    expect(short.out()).toBe('');

    const wide = start(['--port', '0', '--host', '0.0.0.0']);
    while (!wide.out().includes('\n') && wide.child.exitCode === null) await new Promise((ok) => setTimeout(ok, 50));
    expect(wide.err()).toContain('WARNING: Homeport is listening on 0.0.0.0, not on loopback');
    expect(wide.out()).toMatch(/^Homeport is running: http:\/\/127\.0\.0\.1:\d+\/login\?token=/);
    wide.child.kill('SIGINT');
    expect(await wide.exited).toBe(0);
  });

  it('stops in order and exits 0 on SIGTERM with a browser connected, and on a double Ctrl+C', async () => {
    const p = start(['--port', '0', '--static-dir', join(root, 'no-ui'), '--data-dir', join(root, 'data-term')]);
    const ws = await openUiSocket(await loginUrlOf(p));
    const closed = new Promise<number>((ok) => ws.once('close', (code) => ok(code)));
    p.child.kill('SIGTERM');
    expect(await p.exited, p.err()).toBe(0);
    // The browser was told the server is going away (1001), not cut off.
    expect(await closed).toBe(1001);
    expect(p.err()).not.toContain('without waiting');

    const q = start(['--port', '0', '--static-dir', join(root, 'no-ui'), '--data-dir', join(root, 'data-int')]);
    const ws2 = await openUiSocket(await loginUrlOf(q));
    q.child.kill('SIGINT');
    q.child.kill('SIGINT');
    expect(await q.exited, q.err()).toBe(0);
    ws2.terminate();
  });

  it('takes HOMEPORT_TOKEN out of its environment: a compose file run on this computer cannot read it', async () => {
    const token = `env-token-${'x'.repeat(24)}`;
    const p = start(['--port', '0', '--static-dir', join(root, 'no-ui'), '--data-dir', join(root, 'data-env')], { HOMEPORT_TOKEN: token, HOMEPORT_TOKEN_FILE: '' });
    const ws = await openUiSocket(await loginUrlOf(p));
    const call = rpc(ws);
    const host = await call<{ id: string }>('hosts.add', { name: 'here', kind: 'local', address: '', socketPath: '/var/run/docker.sock', useAgent: false, keyId: null, identityFile: null });
    const stacks = await until('the lab stack on this computer', async () => {
      const all = await call<Array<{ hostId: string; stacks: Array<{ project: string }> }>>('stacks.list');
      return all.find((h) => h.hostId === host.id)?.stacks.find((st) => st.project === 'labweb');
    });
    expect(stacks.project).toBe('labweb');
    // Compose interpolates the environment it runs in: a file that asks for the token must not get it.
    const error = await call('stacks.validateFile', {
      hostId: host.id,
      project: 'labweb',
      content: 'services:\n  leak:\n    image: busybox\n    environment:\n      STOLEN: "${HOMEPORT_TOKEN:?is not in the environment}"\n',
    }).then(
      () => null,
      (e: Error) => e.message,
    );
    expect(error).toMatch(/HOMEPORT_TOKEN.*is not in the environment/);
    ws.close();
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  });

  it('takes the token from --token-file (refusing a file others can read) and answers to --allowed-host names', async () => {
    const file = join(root, 'token.txt');
    writeFileSync(file, 'file-token-0123456789abcdef\n', { mode: 0o644 });
    const loose = start(['--port', '0', '--token-file', file]);
    expect(await loose.exited).toBe(2);
    expect(loose.err()).toContain(`chmod 600 ${file}`);

    chmodSync(file, 0o600);
    const p = start(['--port', '0', '--static-dir', join(root, 'no-ui'), '--data-dir', join(root, 'data-file'), '--token-file', file, '--allowed-host', 'proxy.example.net']);
    const url = await loginUrlOf(p);
    expect(url).toMatch(/\/login\?token=file-token-0123456789abcdef$/);
    const u = new URL(url);
    const viaProxy = await new Promise<number>((ok, fail) => {
      const req = request({ host: u.hostname, port: u.port, path: `${u.pathname}${u.search}`, headers: { host: 'proxy.example.net' } }, (res) => {
        res.resume();
        ok(res.statusCode ?? 0);
      });
      req.on('error', fail);
      req.end();
    });
    expect(viaProxy).toBe(303);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  });
});
