import { createHmac } from 'node:crypto';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { Alert } from '../policy/types';
import { validateChannelConfig, type ChannelConfigInput } from './config';
import { send } from './send';
import { receiversClosedAfterEach } from './test-support/receivers';
import { rejectionOf, thrownError } from '../../test-support/errors';

const ALERT: Alert = {
  id: 'a1',
  kind: 'down',
  title: 'Jellyfin is down',
  body: 'connect ECONNREFUSED 10.0.0.5:8096 <&>',
  monitorIds: ['m-jellyfin'],
  at: Date.parse('2026-03-04T10:00:00Z'),
  severity: 'critical',
  entries: [{ monitorId: 'm-jellyfin', name: 'Jellyfin', hostId: 'nas', message: 'connect ECONNREFUSED 10.0.0.5:8096 <&>' }],
};

const TG_TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
const cfg = (c: ChannelConfigInput) => validateChannelConfig(c);

const { http, smtp, flood: startFlood } = receiversClosedAfterEach();


/** A port on 127.0.0.1 with nothing listening. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('ntfy', () => {
  it('publishes JSON to the server root with topic, title, priority, tags and the token', async () => {
    const rx = await http();
    await send(ALERT, cfg({ id: 'c', name: 'phone', type: 'ntfy', server: rx.url, topic: 'homelab', token: 'tk_abcdefghijklmnop', priority: 5, tags: ['house'] }));
    expect(rx.requests).toHaveLength(1);
    expect(rx.requests[0]).toMatchObject({ method: 'POST', url: '/' });
    expect(rx.requests[0]!.headers.authorization).toBe('Bearer tk_abcdefghijklmnop');
    expect(rx.json()).toEqual({ topic: 'homelab', title: 'Jellyfin is down', message: ALERT.body, priority: 5, tags: ['rotating_light', 'house'] });
  });

  it('recoveries go out at the default priority; a refused token is AUTH_FAILED without the token', async () => {
    const rx = await http((_req, n) => (n === 0 ? {} : { status: 403, body: '{"code":40301,"http":403,"error":"forbidden for tk_abcdefghijklmnop"}' }));
    const c = cfg({ id: 'c', name: 'phone', type: 'ntfy', server: rx.url, topic: 'homelab', token: 'tk_abcdefghijklmnop' });
    await send({ ...ALERT, kind: 'up', severity: 'info', title: 'Jellyfin is up' }, c);
    expect(rx.json(0)).toMatchObject({ priority: 3, tags: ['white_check_mark'] });
    const err = await rejectionOf(send(ALERT, c));
    expect(err.code).toBe('AUTH_FAILED');
    expect(err.message).toContain(`ntfy at 127.0.0.1:${new URL(rx.url).port} refused the credentials (HTTP 403): forbidden for [redacted]`);
    expect(err.message).not.toContain('tk_abc');
    expect(err.fix).toMatch(/token/);
  });
});

describe('generic webhook', () => {
  it('POSTs the alert as JSON with the extra headers and an HMAC signature the receiver can check', async () => {
    const rx = await http();
    const secret = 'whsec_0123456789';
    await send(ALERT, cfg({ id: 'c', name: 'hook', type: 'webhook', url: `${rx.url}/hooks/homeport?key=abc123`, headers: { 'X-Extra': 'yes' }, secret }));
    const req = rx.requests[0]!;
    expect(req.url).toBe('/hooks/homeport?key=abc123');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['x-extra']).toBe('yes');
    expect(req.headers['x-homeport-event']).toBe('alert');
    const expected = `sha256=${createHmac('sha256', secret).update(req.body).digest('hex')}`;
    expect(req.headers['x-homeport-signature']).toBe(expected);
    // A tampered body would not verify.
    expect(`sha256=${createHmac('sha256', secret).update(req.body + ' ').digest('hex')}`).not.toBe(expected);
    const body = JSON.parse(req.body) as { event: string; version: number; alert: Record<string, unknown> };
    expect(body).toMatchObject({ event: 'alert', version: 1 });
    expect(body.alert).toMatchObject({ id: 'a1', kind: 'down', severity: 'critical', title: 'Jellyfin is down', monitorIds: ['m-jellyfin'], at: '2026-03-04T10:00:00.000Z', atMs: ALERT.at });
  });

  it('without a secret there is no signature header', async () => {
    const rx = await http();
    await send(ALERT, cfg({ id: 'c', name: 'hook', type: 'webhook', url: rx.url }));
    expect(rx.requests[0]!.headers['x-homeport-signature']).toBeUndefined();
  });

  it('a 404 is a clear VALIDATION error that shows the host, not the secret URL', async () => {
    const rx = await http(() => ({ status: 404, body: 'no such hook' }));
    const err = await rejectionOf(send(ALERT, cfg({ id: 'c', name: 'hook', type: 'webhook', url: `${rx.url}/hooks/s3cr3t-path-token` })));
    expect(err.code).toBe('VALIDATION');
    expect(err.message).toBe(`The webhook at ${new URL(rx.url).host} rejected the message (HTTP 404): no such hook.`);
    expect(err.message).not.toContain('s3cr3t');
  });
});

describe('Discord', () => {
  it('sends one embed with the severity colour and no mentions', async () => {
    const rx = await http(() => ({ status: 204 }));
    await send(ALERT, cfg({ id: 'c', name: 'discord', type: 'discord', webhookUrl: `${rx.url}/api/webhooks/1234/abcdef` }));
    expect(rx.requests[0]!.url).toBe('/api/webhooks/1234/abcdef');
    const body = rx.json() as { username: string; allowed_mentions: unknown; embeds: Array<Record<string, unknown>> };
    expect(body.username).toBe('Homeport');
    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(body.embeds).toHaveLength(1);
    expect(body.embeds[0]).toMatchObject({ title: 'Jellyfin is down', description: ALERT.body, color: 0xd32f2f, timestamp: '2026-03-04T10:00:00.000Z' });
  });
});

describe('Slack', () => {
  it('sends text plus header/section/context blocks, escaping mrkdwn', async () => {
    const rx = await http(() => ({ body: 'ok', headers: { 'content-type': 'text/plain' } }));
    await send(ALERT, cfg({ id: 'c', name: 'slack', type: 'slack', webhookUrl: `${rx.url}/services/T000/B000/XXXX` }));
    expect(rx.requests[0]!.url).toBe('/services/T000/B000/XXXX');
    const body = rx.json() as { text: string; blocks: Array<{ type: string; text?: { text: string } }> };
    expect(body.text).toContain('Jellyfin is down');
    expect(body.blocks.map((b) => b.type)).toEqual(['header', 'section', 'context']);
    expect(body.blocks[1]!.text!.text).toBe('connect ECONNREFUSED 10.0.0.5:8096 &lt;&amp;&gt;');
  });

  it('Slack’s "invalid_token" is AUTH_FAILED', async () => {
    const rx = await http(() => ({ status: 403, body: 'invalid_token' }));
    const err = await rejectionOf(send(ALERT, cfg({ id: 'c', name: 'slack', type: 'slack', webhookUrl: `${rx.url}/services/T000/B000/XXXX` })));
    expect(err.code).toBe('AUTH_FAILED');
    expect(err.message).toContain('invalid_token');
  });
});

describe('Telegram', () => {
  it('calls /bot<token>/sendMessage with the chat id and HTML text', async () => {
    const rx = await http(() => ({ body: '{"ok":true,"result":{"message_id":1}}' }));
    await send(ALERT, cfg({ id: 'c', name: 'tg', type: 'telegram', botToken: TG_TOKEN, chatId: '-1001234567', apiBaseUrl: rx.url }));
    expect(rx.requests[0]!.url).toBe(`/bot${TG_TOKEN}/sendMessage`);
    expect(rx.json()).toEqual({
      chat_id: '-1001234567',
      text: '<b>Jellyfin is down</b>\nconnect ECONNREFUSED 10.0.0.5:8096 &lt;&amp;&gt;',
      parse_mode: 'HTML',
      disable_web_page_preview: true,
    });
  });

  it('"chat not found" comes back as the Bot API said it, with a fix, and without the token', async () => {
    const rx = await http(() => ({ status: 400, body: '{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}' }));
    const err = await rejectionOf(send(ALERT, cfg({ id: 'c', name: 'tg', type: 'telegram', botToken: TG_TOKEN, chatId: '42', apiBaseUrl: rx.url })));
    expect(err.code).toBe('VALIDATION');
    expect(err.message).toBe(`Telegram at ${new URL(rx.url).host} rejected the message (HTTP 400): Bad Request: chat not found.`);
    expect(err.fix).toMatch(/\/start/);
    expect(JSON.stringify(err.toInfo())).not.toContain(TG_TOKEN.split(':')[1]);
  });
});

describe('Gotify', () => {
  it('POSTs /message?token= with title, message and priority', async () => {
    const rx = await http();
    await send(ALERT, cfg({ id: 'c', name: 'gotify', type: 'gotify', server: `${rx.url}/`, appToken: 'AbCdEf123456', priority: 9 }));
    expect(rx.requests[0]!.url).toBe('/message?token=AbCdEf123456');
    expect(rx.json()).toMatchObject({ title: 'Jellyfin is down', message: ALERT.body, priority: 9 });
    await send({ ...ALERT, severity: 'info', kind: 'up' }, cfg({ id: 'c', name: 'gotify', type: 'gotify', server: rx.url, appToken: 'AbCdEf123456' }));
    expect(rx.json(1)).toMatchObject({ priority: 4 });
  });

  it('a wrong app token is AUTH_FAILED with the server’s description and no token', async () => {
    const rx = await http(() => ({ status: 401, body: '{"error":"Unauthorized","errorCode":401,"errorDescription":"you need to provide a valid access token or user credentials to access this api"}' }));
    const err = await rejectionOf(send(ALERT, cfg({ id: 'c', name: 'gotify', type: 'gotify', server: rx.url, appToken: 'AbCdEf123456' })));
    expect(err.code).toBe('AUTH_FAILED');
    expect(err.message).toContain('valid access token');
    expect(err.message).not.toContain('AbCdEf123456');
  });
});

describe('email (SMTP through nodemailer)', () => {
  it('delivers to a real SMTP server: envelope, subject and body', async () => {
    const rx = await smtp({ starttls: false });
    await send(ALERT, cfg({ id: 'c', name: 'mail', type: 'email', host: '127.0.0.1', port: rx.port, startTls: 'off', from: 'Homeport <homeport@lab.example>', to: ['me@lab.example', 'you@lab.example'] }));
    expect(rx.messages).toHaveLength(1);
    const m = rx.messages[0]!;
    expect(m.from).toBe('homeport@lab.example');
    expect(m.to).toEqual(['me@lab.example', 'you@lab.example']);
    expect(m.subject).toBe('🔴 Jellyfin is down');
    expect(m.text).toContain('Jellyfin is down\nconnect ECONNREFUSED 10.0.0.5:8096 <&>'.replace(/\n/g, '\r\n'));
    expect(m.headers['x-homeport-alert']).toBe('down');
  });

  it('STARTTLS (required) with a self-signed certificate the user allowed, and a login', async () => {
    const rx = await smtp({ users: { homeport: 'correct horse' } });
    await send(ALERT, cfg({ id: 'c', name: 'mail', type: 'email', host: '127.0.0.1', port: rx.port, startTls: 'required', allowInvalidCertificate: true, user: 'homeport', password: 'correct horse', from: 'homeport@lab.example', to: ['me@lab.example'] }));
    expect(rx.messages[0]!.user).toBe('homeport');
    expect(rx.messages[0]!.subject).toBe('🔴 Jellyfin is down');
  });

  it('a self-signed certificate is refused unless allowed', async () => {
    const rx = await smtp();
    const err = await rejectionOf(send(ALERT, cfg({ id: 'c', name: 'mail', type: 'email', host: '127.0.0.1', port: rx.port, startTls: 'required', from: 'homeport@lab.example', to: ['me@lab.example'] })));
    expect(err.code).toBe('UNREACHABLE');
    expect(err.message).toMatch(/TLS|certificate/);
    expect(err.details?.retryable).toBe(false);
    expect(rx.messages).toHaveLength(0);
  });

  it('a wrong password is AUTH_FAILED and never quoted', async () => {
    const rx = await smtp({ users: { homeport: 'correct horse' }, starttls: false });
    const err = await rejectionOf(send(ALERT, cfg({ id: 'c', name: 'mail', type: 'email', host: '127.0.0.1', port: rx.port, startTls: 'off', user: 'homeport', password: 'battery staple', from: 'homeport@lab.example', to: ['me@lab.example'] })));
    expect(err.code).toBe('AUTH_FAILED');
    expect(err.fix).toMatch(/password/);
    expect(JSON.stringify(err.toInfo())).not.toContain('battery staple');
  });

  it('nothing listening is UNREACHABLE and retryable', async () => {
    const port = await closedPort();
    const err = await rejectionOf(send(ALERT, cfg({ id: 'c', name: 'mail', type: 'email', host: '127.0.0.1', port, from: 'homeport@lab.example', to: ['me@lab.example'] })));
    expect(err.code).toBe('UNREACHABLE');
    expect(err.message).toContain(`127.0.0.1:${port}`);
    expect(err.details?.retryable).toBe(true);
  });
});

describe('what a receiver answers is read only so far (64 KiB)', () => {
  const MiB = 1024 * 1024;

  it('a 2xx with an endless body: the alert counts as sent, and the rest of the answer is not read', async () => {
    const flood = await startFlood(200, 96 * MiB);
    await send(ALERT, cfg({ id: 'c', name: 'hook', type: 'webhook', url: `${flood.url}/hook` }));
    await flood.settled();
    expect(flood.finished()).toBe(false);
    expect(flood.written()).toBeLessThan(32 * MiB); // what sat in socket buffers, not the 96 MiB
  });

  it('a refusal with an endless body: the error quotes the start of it, the rest is not read', async () => {
    const flood = await startFlood(400, 96 * MiB, 'text/plain', 'z');
    const err = await rejectionOf(send(ALERT, cfg({ id: 'c', name: 'hook', type: 'webhook', url: flood.url })));
    expect(err.message).toMatch(/^The webhook at 127\.0\.0\.1:\d+ rejected the message \(HTTP 400\): z{200}\.$/);
    await flood.settled();
    expect(flood.finished()).toBe(false);
    expect(flood.written()).toBeLessThan(32 * MiB);
  });

  it('Telegram’s verdict is still read from a normal answer', async () => {
    const rx = await http(() => ({ body: JSON.stringify({ ok: false, description: 'Bad Request: chat not found' }) }));
    const err = await rejectionOf(send(ALERT, cfg({ id: 'c', name: 'tg', type: 'telegram', botToken: TG_TOKEN, chatId: '42', apiBaseUrl: rx.url })));
    expect(err.message).toMatch(/chat not found/);
  });
});

describe('unreachable HTTP channels', () => {
  it('connection refused names the host only and is retryable', async () => {
    const port = await closedPort();
    const err = await rejectionOf(send(ALERT, cfg({ id: 'c', name: 'tg', type: 'telegram', botToken: TG_TOKEN, chatId: '42', apiBaseUrl: `http://127.0.0.1:${port}` })));
    expect(err.code).toBe('UNREACHABLE');
    expect(err.message).toBe(`Telegram at 127.0.0.1:${port} could not be reached: the connection was refused.`);
    expect(err.details?.retryable).toBe(true);
  });

  it('a redirect is not followed (it would carry the secrets elsewhere)', async () => {
    const rx = await http(() => ({ status: 302, headers: { location: 'http://127.0.0.1:1/elsewhere' } }));
    const err = await rejectionOf(send(ALERT, cfg({ id: 'c', name: 'discord', type: 'discord', webhookUrl: `${rx.url}/api/webhooks/1/x` })));
    expect(err.code).toBe('VALIDATION');
    expect(err.message).toMatch(/redirect/);
  });

  it('a server that does not answer in time is UNREACHABLE (timeout, retryable), not a hang', async () => {
    const rx = await http(() => ({ hang: true }));
    const started = Date.now();
    const err = await rejectionOf(send(ALERT, cfg({ id: 'c', name: 'gotify', type: 'gotify', server: rx.url, appToken: 'AbCdEf123456' }), { signal: AbortSignal.timeout(200) }));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(err.code).toBe('UNREACHABLE');
    expect(err.message).toBe(`Gotify at ${new URL(rx.url).host} did not answer in time.`);
    expect(err.details?.retryable).toBe(true);
  });

  it('a cancelled send is not retryable', async () => {
    const rx = await http(() => ({ hang: true }));
    const ac = new AbortController();
    const p = send(ALERT, cfg({ id: 'c', name: 'gotify', type: 'gotify', server: rx.url, appToken: 'AbCdEf123456' }), { signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    const err = await rejectionOf(p);
    expect(err.message).toMatch(/was cancelled/);
    expect(err.details?.retryable).toBe(false);
  });
});

describe('validateChannelConfig', () => {
  it('fills defaults', () => {
    const c = validateChannelConfig({ id: 'c', name: 'phone', type: 'ntfy', topic: 'homelab' });
    expect(c).toMatchObject({ server: 'https://ntfy.sh', enabled: true });
    const t = validateChannelConfig({ id: 't', name: 'tg', type: 'telegram', botToken: TG_TOKEN, chatId: '@mychannel' });
    expect(t).toMatchObject({ apiBaseUrl: 'https://api.telegram.org' });
    const e = validateChannelConfig({ id: 'e', name: 'mail', type: 'email', host: 'smtp.example.com', port: 587, from: 'a@example.com', to: ['b@example.com'] });
    expect(e).toMatchObject({ secure: false, startTls: 'opportunistic', allowInvalidCertificate: false });
  });

  const bad: Array<[string, unknown, RegExp]> = [
    ['unknown type', { id: 'c', name: 'x', type: 'pager' }, /^type: The channel type must be one of ntfy, webhook/],
    ['malformed URL', { id: 'c', name: 'x', type: 'discord', webhookUrl: 'discord.com/api/webhooks/1/x' }, /^webhookUrl: The Discord webhook URL must be an http/],
    ['credentials in a URL', { id: 'c', name: 'x', type: 'webhook', url: 'https://user:pw@example.com/hook' }, /^url: .*without a user name or password/],
    ['bad topic', { id: 'c', name: 'x', type: 'ntfy', topic: 'has space' }, /^topic: /],
    ['bad bot token', { id: 'c', name: 'x', type: 'telegram', botToken: 'nope', chatId: '1' }, /^botToken: The bot token looks like/],
    ['no recipient', { id: 'c', name: 'x', type: 'email', host: 'smtp.example.com', port: 25, from: 'a@example.com', to: [] }, /^to: Add at least one recipient/],
    ['bad port', { id: 'c', name: 'x', type: 'email', host: 'smtp.example.com', port: 70000, from: 'a@example.com', to: ['b@example.com'] }, /^port: The port is 1 to 65535/],
    ['password without user', { id: 'c', name: 'x', type: 'email', host: 'smtp.example.com', port: 25, password: 'pw', from: 'a@example.com', to: ['b@example.com'] }, /^password: /],
    ['reserved header', { id: 'c', name: 'x', type: 'webhook', url: 'https://example.com/h', headers: { 'X-Homeport-Signature': 'forged' } }, /^headers: .*set by Homeport/],
    ['priority out of range', { id: 'c', name: 'x', type: 'gotify', server: 'https://g.example', appToken: 'abcdef', priority: 11 }, /^priority: Priority is 0 to 10/],
    ['missing name', { id: 'c', type: 'slack', webhookUrl: 'https://hooks.slack.com/services/T/B/X' }, /^name: /],
  ];
  it.each(bad)('%s → VALIDATION naming the field', (_what, input, message) => {
    const err = thrownError(() => validateChannelConfig(input));
    expect(err.code).toBe('VALIDATION');
    expect(err.message).toMatch(message);
    expect(err.fix).toBeTruthy();
    expect(err.message).not.toMatch(/forged|pw@/);
  });
});
