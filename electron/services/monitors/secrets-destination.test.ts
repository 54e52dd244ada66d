/**
 * A stored secret never follows a changed destination. When a monitor's URL moves to another
 * origin (scheme, host or port), or a channel to another server, API base or SMTP host, the
 * password, token or header value stored for the old place is not sent to the new one: the form
 * must give it again (a VALIDATION error naming the field), or — for a channel's optional secret,
 * which a form cannot "clear" — it is dropped and the channel says it has none.
 *
 * Real parts: the MonitorsManager through the contract implementation, the key-file secret box and
 * conf store on disk, real HTTP servers on 127.0.0.1 that record what they were sent, and a real
 * SMTP server.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChannelInfo, MonitorInfo } from '../../../shared/contract';
import type { MonitorsApi } from '../../../shared/contract/monitors';
import { startHttpReceiver, startSmtpReceiver, type HttpReceiver, type SmtpReceiver } from '../alerts/channels/test-support/receivers';
import { createTestPlatform, type TestPlatform } from '../test-support/temp-platform';
import { MonitorsService } from './monitors-service';
import { MonitorsManager } from './monitors-manager';
import { SECRET_PLACEHOLDER } from './monitors-yaml';
import { createServices, type Services } from '../app';
import { contractCalls, waitFor } from '../test-support/wait';

interface Target {
  url: string;
  seen: IncomingHttpHeaders[];
  server: Server;
}

async function startTarget(): Promise<Target> {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

const stop = (s: Server) =>
  new Promise<void>((r) => {
    s.closeAllConnections();
    s.close(() => r());
  });

const OLD_PASSWORD = 'old-password-for-a';
const OLD_KEY = 'old-api-key-for-a';
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** The error a contract call rejects with: code, message and the field it names. */
async function failure(p: Promise<unknown>): Promise<{ code: string; message: string; field: unknown }> {
  try {
    await p;
  } catch (e) {
    const err = e as { code: string; message: string; details?: { field?: unknown } };
    return { code: err.code, message: err.message, field: err.details?.field };
  }
  throw new Error('expected the call to fail');
}

let tp: TestPlatform;
let mgr: MonitorsManager;
let svc: MonitorsApi;

beforeEach(() => {
  tp = createTestPlatform({ agentSocket: null });
  mgr = new MonitorsManager({ platform: tp.platform, historyFile: path.join(tp.dataDir, 'history.sqlite'), intervalScale: 0.01, dispatcherAttempts: 1 });
  mgr.start();
  svc = new MonitorsService(mgr);
});
afterEach(async () => {
  await mgr.stop();
  tp.cleanup();
});

describe('a monitor whose URL moves to another server', () => {
  let a: Target;
  let b: Target;
  beforeAll(async () => {
    a = await startTarget();
    b = await startTarget();
  });
  afterAll(async () => {
    await stop(a.server);
    await stop(b.server);
  });

  const addAt = (url: string) =>
    svc.add({ type: 'http', name: 'api', url: `${url}/health`, intervalSec: 20, retries: 0, auth: { kind: 'basic', user: 'admin', password: OLD_PASSWORD }, headers: { 'X-Api-Key': OLD_KEY } });
  const edit = (m: MonitorInfo, changes: Record<string, unknown>) => svc.update({ id: m.id, config: { ...(m.config as Record<string, unknown>), ...changes } as never });

  it('refuses to keep the stored password and header values, naming the field, and changes nothing', async () => {
    const m = await addAt(a.url);
    await waitFor(() => a.seen.length > 0, 8000, 'a first check of A');
    expect(a.seen[0]!.authorization).toBe(basic('admin', OLD_PASSWORD));

    // The edit form sends secrets blank ("keep"), with the new address.
    const err = await failure(edit(m, { url: `${b.url}/health` }));
    expect(err.code).toBe('VALIDATION');
    expect(err.field).toBe('auth.password');
    expect(err.message).toContain(new URL(a.url).host);
    expect(err.message).toContain(new URL(b.url).host);
    expect(err.message).toMatch(/enter .*again/i);

    // With the password given again, the blank header value is refused in turn.
    const err2 = await failure(edit(m, { url: `${b.url}/health`, auth: { kind: 'basic', user: 'admin', password: 'new-password-for-b' } }));
    expect(err2.field).toBe('headers.X-Api-Key');

    // Nothing changed: still A, still checked with the old credentials; B never heard of them.
    const [still] = await svc.list();
    expect(still!.config.url).toBe(`${a.url}/health`);
    const before = a.seen.length;
    mgr.checkSoon(m.id);
    await waitFor(() => a.seen.length > before, 8000, 'another check of A');
    expect(a.seen.at(-1)!.authorization).toBe(basic('admin', OLD_PASSWORD));
    expect(b.seen).toEqual([]);
  });

  it('sends the new secrets, and only them, once they are given', async () => {
    const m = await addAt(a.url);
    const seenB = b.seen.length;
    await edit(m, { url: `${b.url}/health`, auth: { kind: 'basic', user: 'admin', password: 'new-password-for-b' }, headers: { 'X-Api-Key': 'new-key-for-b' } });
    mgr.checkSoon(m.id);
    await waitFor(() => b.seen.length > seenB, 8000, 'a check of B');
    for (const h of b.seen.slice(seenB)) {
      expect(h.authorization).toBe(basic('admin', 'new-password-for-b'));
      expect(h['x-api-key']).toBe('new-key-for-b');
    }
  });

  it('keeps them when only the path or the name changes (same scheme, host and port)', async () => {
    const m = await addAt(a.url);
    await edit(m, { url: `${a.url}/other`, name: 'api 2' });
    const before = a.seen.length;
    mgr.checkSoon(m.id);
    await waitFor(() => a.seen.slice(before).length > 0, 8000, 'a check of A/other');
    expect(a.seen.at(-1)!.authorization).toBe(basic('admin', OLD_PASSWORD));
    expect(a.seen.at(-1)!['x-api-key']).toBe(OLD_KEY);
  });

  it('treats another port or scheme as another server, and a bearer token like a password', async () => {
    const m = await svc.add({ type: 'http', name: 'tok', url: `${a.url}/`, intervalSec: 20, auth: { kind: 'bearer', token: 'tok-for-a' } });
    const other = new URL(a.url);
    other.port = String(Number(other.port) === 65535 ? 1 : Number(other.port) + 1);
    expect((await failure(edit(m, { url: other.toString() }))).field).toBe('auth.token');
    expect((await failure(edit(m, { url: a.url.replace('http:', 'https:') + '/' }))).field).toBe('auth.token');
  });

  it('refuses an import whose entry keeps a placeholder secret for a new server', async () => {
    const m = await addAt(a.url);
    const { yaml } = await svc.exportYaml();
    expect(yaml).toContain(SECRET_PLACEHOLDER);
    const moved = yaml.replace(`${a.url}/health`, `${b.url}/health`);
    const plan = await svc.importYaml({ yaml: moved, dryRun: false });
    expect(plan.errors).toBe(1);
    expect(plan.entries[0]!.error!.message).toMatch(/another server/);
    expect(plan.entries[0]!.error!.message).toContain('auth.password');
    expect((await svc.list()).find((x) => x.id === m.id)!.config.url).toBe(`${a.url}/health`);
  });
});

describe('a channel whose server changes', () => {
  let a: HttpReceiver;
  let b: HttpReceiver;
  let smtpA: SmtpReceiver;
  let smtpB: SmtpReceiver;
  beforeAll(async () => {
    a = await startHttpReceiver();
    b = await startHttpReceiver();
    smtpA = await startSmtpReceiver({ users: { alerts: 'smtp-password' }, starttls: false });
    smtpB = await startSmtpReceiver({ starttls: false });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await smtpA.close();
    await smtpB.close();
  });

  it('ntfy: the access token is dropped (not sent to the new server) and the channel says it has none', async () => {
    const c = await svc.addChannel({ type: 'ntfy', name: 'phone', server: a.url, topic: 'alerts', token: 'tk_for_server_a' });
    await svc.testChannel({ id: c.id });
    expect(a.requests.at(-1)!.headers.authorization).toBe('Bearer tk_for_server_a');

    const moved: ChannelInfo = await svc.updateChannel({ id: c.id, config: { type: 'ntfy', name: 'phone', server: b.url, topic: 'alerts' } });
    expect(moved.hasSecret.token).toBe(false);
    await svc.testChannel({ id: c.id });
    expect(b.requests.at(-1)!.headers.authorization).toBeUndefined();
    expect(JSON.stringify(b.requests)).not.toContain('tk_for_server_a');

    // The same server with another topic keeps it.
    const c2 = await svc.addChannel({ type: 'ntfy', name: 'phone 2', server: a.url, topic: 'one', token: 'tk_kept' });
    await svc.updateChannel({ id: c2.id, config: { type: 'ntfy', name: 'phone 2', server: a.url, topic: 'two' } });
    await svc.testChannel({ id: c2.id });
    expect(a.requests.at(-1)!.headers.authorization).toBe('Bearer tk_kept');
  });

  it('gotify and telegram: a required token left blank is a VALIDATION error that says why', async () => {
    const g = await svc.addChannel({ type: 'gotify', name: 'gotify', server: a.url, appToken: 'app-token-for-a' });
    const err = await failure(svc.updateChannel({ id: g.id, config: { type: 'gotify', name: 'gotify', server: b.url } }));
    expect(err.code).toBe('VALIDATION');
    expect(err.field).toBe('appToken');
    expect(err.message).toContain(new URL(b.url).host);
    expect(err.message).toMatch(/enter .*again/i);
    await svc.testChannel({ id: g.id });
    expect(JSON.stringify(b.requests)).not.toContain('app-token-for-a');

    const t = await svc.addChannel({ type: 'telegram', name: 'tg', botToken: '123456:AAAAAAAAAAAAAAAAAAAAAAAAA', chatId: '42', apiBaseUrl: a.url });
    const err2 = await failure(svc.updateChannel({ id: t.id, config: { type: 'telegram', name: 'tg', chatId: '42', apiBaseUrl: b.url } }));
    expect(err2.field).toBe('botToken');
  });

  it('webhook: a new URL elsewhere does not inherit the signing secret', async () => {
    const w = await svc.addChannel({ type: 'webhook', name: 'hook', url: `${a.url}/hook`, secret: 'signing-secret-a' });
    await svc.testChannel({ id: w.id });
    expect(a.requests.at(-1)!.headers['x-homeport-signature']).toMatch(/^sha256=/);
    const moved = await svc.updateChannel({ id: w.id, config: { type: 'webhook', name: 'hook', url: `${b.url}/hook` } });
    expect(moved.hasSecret.secret).toBe(false);
    await svc.testChannel({ id: w.id });
    expect(b.requests.at(-1)!.headers['x-homeport-signature']).toBeUndefined();
    // Left blank, the URL itself is kept, and so is the secret.
    const w2 = await svc.addChannel({ type: 'webhook', name: 'hook 2', url: `${a.url}/hook2`, secret: 'signing-secret-2' });
    const renamed = await svc.updateChannel({ id: w2.id, config: { type: 'webhook', name: 'hook two' } });
    expect(renamed.hasSecret).toMatchObject({ url: true, secret: true });
  });

  it('e-mail: another SMTP host does not get the stored password', async () => {
    const e = await svc.addChannel({ type: 'email', name: 'mail', host: '127.0.0.1', port: smtpA.port, user: 'alerts', password: 'smtp-password', from: 'hp@example.com', to: ['me@example.com'] });
    await svc.testChannel({ id: e.id });
    expect(smtpA.messages.at(-1)!.user).toBe('alerts');
    // The same host on another port: the same server as far as the user is concerned; kept.
    const samePort = await svc.updateChannel({ id: e.id, config: { type: 'email', name: 'mail', host: '127.0.0.1', port: smtpB.port, user: 'alerts', from: 'hp@example.com', to: ['me@example.com'] } });
    expect(samePort.hasSecret.password).toBe(true);
    const moved = await svc.updateChannel({ id: e.id, config: { type: 'email', name: 'mail', host: 'localhost', port: smtpB.port, user: 'alerts', from: 'hp@example.com', to: ['me@example.com'] } });
    expect(moved.hasSecret.password).toBe(false);
  });
});

describe('through the contract (the dispatcher a window or a browser calls)', () => {
  let target: Target;
  let other: Target;
  let ctp: TestPlatform;
  let services: Services;
  beforeAll(async () => {
    target = await startTarget();
    other = await startTarget();
    ctp = createTestPlatform({ agentSocket: null });
    services = await createServices(ctp.platform, { monitors: { referenceTargets: [] } });
  });
  afterAll(async () => {
    await services.dispose();
    ctp.cleanup();
    await stop(target.server);
    await stop(other.server);
  });

  it('answers an edit that keeps a password for another server with VALIDATION naming the field', async () => {
    const { call, ok } = contractCalls(() => services);
    const m = await ok<MonitorInfo>('monitors.add', { type: 'http', name: 'api', url: `${target.url}/`, intervalSec: 20, auth: { kind: 'basic', user: 'admin', password: OLD_PASSWORD } });
    const r = await call('monitors.update', { id: m.id, config: { ...(m.config as Record<string, unknown>), url: `${other.url}/` } });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('VALIDATION');
    expect(r.error.details?.field).toBe('auth.password');
    expect(r.error.message).toMatch(/another server/);
    expect(JSON.stringify(r)).not.toContain(OLD_PASSWORD);
    const c = await ok<ChannelInfo>('monitors.addChannel', { type: 'gotify', name: 'g', server: target.url, appToken: 'app-token-x' });
    const rc = await call('monitors.updateChannel', { id: c.id, config: { type: 'gotify', name: 'g', server: other.url } });
    expect(rc.ok).toBe(false);
    if (!rc.ok) expect(rc.error).toMatchObject({ code: 'VALIDATION', details: { field: 'appToken' } });
  });
});

