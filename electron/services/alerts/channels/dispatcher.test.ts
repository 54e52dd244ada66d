import { describe, expect, it } from 'vitest';
import { ChannelId, MonitorId } from '../../../../shared/model/ids';
import type { Logger } from '../../platform/platform';
import { AlertPolicy } from '../policy/engine';
import type { Alert } from '../policy/types';
import { validateChannelConfig, type ChannelConfig } from './config';
import { Dispatcher } from './dispatcher';
import { receiversClosedAfterEach } from './test-support/receivers';
import { rejectionOf } from '../../test-support/errors';

const TG_TOKEN = '987654321:AAF-secretSecretSecretSecretSecret';

function recordingLogger() {
  const lines: string[] = [];
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) => lines.push(JSON.stringify({ level, message, ...fields }));
  const logger: Logger = { info: at('info'), warn: at('warn'), error: at('error') };
  return { logger, lines };
}

function recordingSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

const down = (ids: string[], title = `${ids.join(', ')} down`): Alert => ({
  id: `a-${ids.join('-')}`,
  kind: ids.length === 1 ? 'down' : 'group-down',
  title,
  body: 'connect ECONNREFUSED',
  monitorIds: ids,
  at: Date.parse('2026-03-04T10:00:00Z'),
  severity: 'critical',
  entries: ids.map((id) => ({ monitorId: id, name: id, hostId: null, message: 'connect ECONNREFUSED' })),
});

const { http } = receiversClosedAfterEach();

const webhook = (id: string, url: string, extra: Record<string, unknown> = {}): ChannelConfig => validateChannelConfig({ id, name: `hook ${id}`, type: 'webhook', url, ...extra });

describe('Dispatcher: retries', () => {
  it('a receiver that fails twice then succeeds gets the alert exactly once, after 1 s and 4 s', async () => {
    const rx = await http((_req, n) => (n < 2 ? { status: 503, body: 'starting up' } : {}));
    const { sleep, waits } = recordingSleep();
    const { logger, lines } = recordingLogger();
    const d = new Dispatcher({ logger, sleep, channels: [webhook('w', `${rx.url}/hook/secret-path-123`)], routing: { defaultChannelIds: [ChannelId('w')] } });
    const results = await d.dispatch(down(['web']));
    expect(results).toEqual([{ channelId: 'w', ok: true, attempts: 3 }]);
    expect(rx.requests).toHaveLength(3);
    expect(waits).toEqual([1000, 4000]);
    // Delivered once: exactly one request was answered with success.
    expect(rx.requests.map((r) => JSON.parse(r.body).alert.id)).toEqual(['a-web', 'a-web', 'a-web']);
    expect(lines.some((l) => l.includes('alert delivered after retrying'))).toBe(true);
    expect(lines.join('\n')).not.toContain('secret-path-123');
  });

  it('a receiver that always fails → ok: false with a clear error, after 3 attempts', async () => {
    const rx = await http(() => ({ status: 500, body: 'internal error' }));
    const { sleep, waits } = recordingSleep();
    const { logger, lines } = recordingLogger();
    const d = new Dispatcher({ logger, sleep, channels: [webhook('w', rx.url)], routing: { defaultChannelIds: [ChannelId('w')] } });
    const [r] = await d.dispatch(down(['web']));
    expect(r).toMatchObject({ channelId: 'w', ok: false, attempts: 3 });
    expect(r!.error).toMatchObject({ code: 'UNREACHABLE', message: `The webhook at ${new URL(rx.url).host} answered with an error (HTTP 500): internal error.` });
    expect(r!.error!.fix).toBeTruthy();
    expect(waits).toEqual([1000, 4000]);
    expect(lines.filter((l) => l.includes('"level":"error"'))).toHaveLength(1);
  });

  it('a refusal that retrying cannot fix (401, 404) is not retried', async () => {
    const rx = await http(() => ({ status: 401, body: 'Unauthorized' }));
    const { sleep, waits } = recordingSleep();
    const d = new Dispatcher({ logger: recordingLogger().logger, sleep, channels: [webhook('w', rx.url)], routing: { defaultChannelIds: [ChannelId('w')] } });
    const [r] = await d.dispatch(down(['web']));
    expect(r).toMatchObject({ ok: false, attempts: 1, error: { code: 'AUTH_FAILED' } });
    expect(waits).toEqual([]);
  });

  it('the real backoff sleep is cancelled with the signal', async () => {
    const rx = await http(() => ({ status: 503 }));
    const d = new Dispatcher({ logger: recordingLogger().logger, channels: [webhook('w', rx.url)], routing: { defaultChannelIds: [ChannelId('w')] } });
    const ac = new AbortController();
    const started = Date.now();
    setTimeout(() => ac.abort(), 100);
    const [r] = await d.dispatch(down(['web']), { signal: ac.signal });
    expect(Date.now() - started).toBeLessThan(900);
    expect(r).toMatchObject({ ok: false, attempts: 1 });
  });
});

describe('Dispatcher: routing', () => {
  it('sends a monitor’s alert only to its channels; others to the defaults', async () => {
    const home = await http();
    const work = await http();
    const d = new Dispatcher({
      logger: recordingLogger().logger,
      sleep: recordingSleep().sleep,
      channels: [webhook('home', home.url), webhook('work', work.url)],
      routing: { defaultChannelIds: [ChannelId('home')], monitors: { 'work-vpn': { channelIds: [ChannelId('work')] }, 'nas-backup': { channelIds: [ChannelId('work')], includeDefaults: true } } },
    });
    await d.dispatch(down(['jellyfin']));
    expect(home.requests).toHaveLength(1);
    expect(work.requests).toHaveLength(0);

    await d.dispatch(down(['work-vpn']));
    expect(home.requests).toHaveLength(1);
    expect(work.requests).toHaveLength(1);

    await d.dispatch(down(['nas-backup']));
    expect(home.requests).toHaveLength(2);
    expect(work.requests).toHaveLength(2);
  });

  it('a grouped alert is narrowed per channel, so no channel hears about monitors it does not route', async () => {
    const home = await http();
    const work = await http();
    let t = 0;
    const policy = new AlertPolicy({ clock: { now: () => t } });
    for (const id of ['plex', 'sonarr', 'radarr', 'work-vpn']) policy.upsertMonitor({ id: MonitorId(id), name: id, intervalMs: 60_000, timeoutMs: 10_000, retries: 0 });
    for (const id of ['plex', 'sonarr', 'radarr', 'work-vpn']) policy.result({ monitorId: MonitorId(id), hostId: null, time: t, status: 'down', message: 'refused' });
    t = policy.nextWakeAt()!;
    const [group] = policy.tick();
    expect(group).toMatchObject({ kind: 'group-down', title: '4 services down', body: 'plex, sonarr, radarr and 1 more' });
    const d = new Dispatcher({
      logger: recordingLogger().logger,
      channels: [webhook('home', home.url), webhook('work', work.url)],
      routing: { defaultChannelIds: [ChannelId('home')], monitors: { 'work-vpn': { channelIds: [ChannelId('work')] } } },
    });
    await d.dispatch(group!);
    const toHome = home.json().alert as Alert;
    const toWork = work.json().alert as Alert;
    expect(toHome).toMatchObject({ kind: 'group-down', title: '3 services down', body: 'plex, sonarr and radarr', monitorIds: ['plex', 'sonarr', 'radarr'] });
    expect(toWork).toMatchObject({ kind: 'down', title: 'work-vpn is down', body: 'refused', monitorIds: ['work-vpn'] });
  });

  it('disabled and unknown channels are skipped; an alert with no channel is fine', async () => {
    const rx = await http();
    const d = new Dispatcher({
      logger: recordingLogger().logger,
      channels: [webhook('off', rx.url, { enabled: false })],
      routing: { defaultChannelIds: [ChannelId('off'), ChannelId('gone')] },
    });
    expect(await d.dispatch(down(['web']))).toEqual([]);
    expect(rx.requests).toHaveLength(0);
  });
});

describe('Dispatcher: test()', () => {
  it('sends a test message through a saved channel or a draft', async () => {
    const rx = await http(() => ({ body: '{"ok":true,"result":{}}' }));
    const { logger, lines } = recordingLogger();
    const tg = validateChannelConfig({ id: 'tg', name: 'Telegram', type: 'telegram', botToken: TG_TOKEN, chatId: '42', apiBaseUrl: rx.url });
    const d = new Dispatcher({ logger, channels: [tg] });
    await d.test('tg');
    expect(rx.requests[0]!.url).toBe(`/bot${TG_TOKEN}/sendMessage`);
    expect((rx.json() as { text: string }).text).toContain('Homeport test message');
    await d.test({ id: 'draft', name: 'Draft hook', type: 'webhook', url: `${rx.url}/draft` });
    expect(rx.requests[1]!.headers['x-homeport-event']).toBe('test');
    expect(lines.join('\n')).not.toContain(TG_TOKEN.split(':')[1]);
  });

  it('a failing test throws the channel’s error at once (one attempt), and logs no secret', async () => {
    const rx = await http(() => ({ status: 401, body: '{"ok":false,"error_code":401,"description":"Unauthorized"}' }));
    const { logger, lines } = recordingLogger();
    const d = new Dispatcher({ logger, channels: [validateChannelConfig({ id: 'tg', name: 'Telegram', type: 'telegram', botToken: TG_TOKEN, chatId: '42', apiBaseUrl: rx.url })] });
    const err = await rejectionOf(d.test('tg'));
    expect(err.code).toBe('AUTH_FAILED');
    expect(err.fix).toMatch(/BotFather/);
    expect(rx.requests).toHaveLength(1);
    const logged = lines.join('\n');
    expect(logged).toContain('test message failed');
    expect(logged).toContain(`"target":"${new URL(rx.url).host}"`);
    expect(logged).not.toContain(TG_TOKEN.split(':')[1]);
  });

  it('an invalid draft and an unknown id are clear errors', async () => {
    const d = new Dispatcher({ logger: recordingLogger().logger });
    await expect(d.test({ id: 'x', name: 'x', type: 'slack', webhookUrl: 'not a url' })).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(d.test('nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
