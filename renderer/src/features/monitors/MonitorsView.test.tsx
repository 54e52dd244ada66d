// @vitest-environment happy-dom
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChannelId, MonitorId, type AlertSettingsInfo, type ChannelConfigInput, type ChannelInfo, type HistoryRange, type MonitorHistoryInfo, type MonitorImportResultInfo, type MonitorInfo } from '../../../../shared/contract';
import { EnvelopeError, type Handlers } from '../../test-support/memory-bridge';
import { renderApp, teardownApp } from '../../test-support/render-app';
import { resetStore } from '../../store';

afterEach(() => {
  teardownApp();
  resetStore();
});

// happy-dom has no 2D canvas; uPlot draws into this no-op context here (the e2e test draws in Chromium).
const noop2d = new Proxy({} as Record<string | symbol, unknown>, {
  get: (t, k) => (k in t ? t[k] : k === 'measureText' ? () => ({ width: 10 }) : () => undefined),
  set: (t, k, v) => {
    t[k] = v;
    return true;
  },
});
beforeAll(() => {
  HTMLCanvasElement.prototype.getContext = (() => noop2d) as unknown as HTMLCanvasElement['getContext'];
  (globalThis as { Path2D?: unknown }).Path2D ??= class {
    moveTo() {}
    lineTo() {}
    rect() {}
    arc() {}
    closePath() {}
    bezierCurveTo() {}
    addPath() {}
  };
});

const NOW = Date.now();
const base: MonitorInfo = {
  id: MonitorId('m_web0000001'),
  name: 'web',
  type: 'http',
  target: 'http://127.0.0.1:8080/',
  config: {},
  secretFields: [],
  intervalSec: 60,
  retries: 1,
  paused: false,
  state: 'up',
  muted: false,
  flapping: false,
  message: '200 OK',
  downSince: null,
  lastCheckAt: NOW,
  latencyMs: 12,
  avgLatencyMs24h: 11,
  uptime: { day: 1, month: 0.9995, year: null },
  source: { kind: 'user' },
};
const db: MonitorInfo = { ...base, id: MonitorId('m_db00000001'), name: 'db', type: 'tcp', target: 'db.lan:5432', state: 'down', message: 'connect ECONNREFUSED', latencyMs: null };

function history(id: MonitorId, range: HistoryRange): MonitorHistoryInfo {
  const latency = Array.from({ length: 30 }, (_, i) => ({ time: NOW - (30 - i) * 60_000, avg: 10 + (i % 7), min: 8, max: 20 + (i % 5) }));
  return {
    id,
    range,
    latency,
    bars: Array.from({ length: 48 }, (_, i) => ({ start: NOW - (48 - i) * 1_800_000, status: i === 40 ? 'down' : 'up', up: 30, down: i === 40 ? 2 : 0, other: 0 })),
    incidents: [{ id: 1, monitorId: id, start: NOW - 10 * 60_000, end: NOW - 5 * 60_000, durationMs: 5 * 60_000, message: 'connect ECONNREFUSED' }],
  };
}

function settingsFor(monitors: MonitorInfo[], mutes: Record<string, number | null> = {}): AlertSettingsInfo {
  return {
    globalMuteUntil: null,
    globalMaintenance: [],
    defaultChannelIds: [],
    monitors: Object.fromEntries(monitors.map((m) => [m.id, { mutedUntil: mutes[m.id] ?? null, maintenance: [], routing: null }])),
  };
}

async function openMonitors(extra: Handlers = {}, monitors: MonitorInfo[] = [base, db]) {
  const r = await renderApp({
    'monitors.list': () => monitors,
    'monitors.history': ({ id, range }) => history(id, range),
    'monitors.listChannels': () => [],
    'monitors.alertSettings': () => settingsFor(monitors),
    'monitors.recentAlerts': () => [],
    ...extra,
  });
  fireEvent.click(screen.getByRole('button', { name: /Monitors/ }));
  await waitFor(() => expect(screen.getAllByTestId('monitor-row').length).toBe(monitors.length));
  return r;
}

describe('the monitors list and detail', () => {
  it('shows a latency sparkline and status bars per row, and a uPlot response-time chart in the detail', async () => {
    await openMonitors();
    const row = screen.getAllByTestId('monitor-row').find((r) => r.dataset.name === 'web')!;
    const spark = await within(row).findByTestId('sparkline');
    expect(spark.querySelectorAll('polyline').length).toBeGreaterThan(0);
    expect(spark.getAttribute('aria-label')).toMatch(/10–16 ms/);
    // "Last 24 h": 24 hourly bars from the half-hour buckets, the oldest 24 hours ago, the outage in its hour.
    const bars = [...within(row).getByRole('img', { name: 'web, last 24 hours' }).children] as HTMLElement[];
    expect(bars).toHaveLength(24);
    expect(bars[0]!.title).toBe(`${new Date(NOW - 48 * 1_800_000).toLocaleString()}: 60 up, 0 down`);
    expect(bars.map((b) => b.title.endsWith(', 2 down'))).toEqual(bars.map((_, i) => i === 20));

    fireEvent.click(within(row).getByRole('button', { name: 'web' }));
    const detail = await screen.findByTestId('monitor-detail');
    const chart = await within(detail).findByTestId('response-time-chart');
    await waitFor(() => expect(chart.querySelector('canvas')).not.toBeNull());
    expect(chart.querySelector('.uplot')).not.toBeNull();
    expect(chart.getAttribute('aria-label')).toMatch(/1 outage shaded/);
    expect(within(detail).getByTestId('incidents').textContent).toContain('5 min');
    expect(detail.textContent).toContain('Uptime 30 d99.95 %');

    // Another range asks the services for it.
    fireEvent.click(within(detail).getByRole('button', { name: '30d' }));
    await waitFor(() => expect(within(detail).getByRole('button', { name: '30d' }).getAttribute('aria-pressed')).toBe('true'));

    fireEvent.click(within(detail).getByRole('button', { name: 'Close' }));
    await waitFor(() => expect(screen.queryByTestId('monitor-detail')).toBeNull());
    expect(screen.getAllByTestId('monitor-row')).toHaveLength(2);
  });

  it('says so when a range has no response times', async () => {
    await openMonitors({ 'monitors.history': ({ id, range }) => ({ id, range, latency: [], bars: [], incidents: [] }) });
    fireEvent.click(screen.getByRole('button', { name: 'web' }));
    const chart = await screen.findByTestId('response-time-chart');
    expect(chart.textContent).toContain('No response times in this range yet.');
    expect(chart.querySelector('canvas')).toBeNull();
  });
});

describe('mute', () => {
  it('mutes a monitor for 1 hour from its row menu, shows it muted, and unmutes it', async () => {
    const monitors = [base, db];
    let mutedUntil: number | null = null;
    const { bridge } = await openMonitors(
      {
        'monitors.list': () => monitors.map((m) => (m.id === base.id ? { ...m, muted: mutedUntil !== null } : m)),
        'monitors.alertSettings': () => settingsFor(monitors, { [base.id]: mutedUntil }),
        'monitors.mute': () => {
          mutedUntil = Date.now() + 3_600_000;
          return { until: mutedUntil };
        },
        'monitors.unmute': () => {
          mutedUntil = null;
        },
      },
      monitors,
    );
    const row = () => screen.getAllByTestId('monitor-row').find((r) => r.dataset.name === 'web')!;
    fireEvent.click(within(row()).getByRole('button', { name: 'Mute' }));
    const menu = within(row()).getByRole('menu');
    expect(within(menu).getAllByRole('menuitem').map((b) => b.textContent)).toEqual(['For 1 hour', 'For 4 hours', 'For 8 hours', 'Until tomorrow 08:00']);
    fireEvent.click(within(menu).getByRole('menuitem', { name: 'For 1 hour' }));
    await waitFor(() => expect(row().dataset.muted).toBe('true'));
    expect(bridge.callsOf('monitors.mute')).toEqual([{ id: base.id, preset: '1h', utcOffsetMinutes: -new Date().getTimezoneOffset() }]);
    expect(within(row()).getByTestId('row-muted').textContent).toBe('muted');
    await waitFor(() => expect(within(row()).getByRole('button', { name: /^Muted until/ })).toBeTruthy());

    fireEvent.click(within(row()).getByRole('button', { name: /^Muted until/ }));
    fireEvent.click(within(row()).getByRole('menuitem', { name: 'Unmute' }));
    await waitFor(() => expect(row().dataset.muted).toBe('false'));
    expect(bridge.callsOf('monitors.unmute')).toEqual([{ id: base.id }]);
  });

  it('mutes everything until tomorrow from the toolbar and shows the banner', async () => {
    let until: number | null = null;
    const monitors = [base];
    await openMonitors(
      {
        'monitors.alertSettings': () => ({ ...settingsFor(monitors), globalMuteUntil: until }),
        'monitors.mute': ({ id, preset }) => {
          expect([id, preset]).toEqual([null, 'tomorrow']);
          until = Date.now() + 10 * 3_600_000;
          return { until };
        },
      },
      monitors,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Mute all' }));
    fireEvent.click(screen.getByRole('menuitem', { name: 'Until tomorrow 08:00' }));
    expect((await screen.findByTestId('global-mute')).textContent).toMatch(/All notifications are muted until/);
  });
});

describe('channel forms', () => {
  it('checks each type’s fields before sending, and sends a Telegram channel', async () => {
    let channels: ChannelInfo[] = [];
    const { bridge } = await openMonitors({
      'monitors.listChannels': () => channels,
      'monitors.addChannel': (input: ChannelConfigInput) => {
        const c: ChannelInfo = { id: ChannelId('c_tg00000001'), name: input.name, type: input.type, enabled: true, target: 'api.telegram.org', settings: { chatId: input.chatId }, hasSecret: { botToken: true } };
        channels = [c];
        return c;
      },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Add channel' }));
    const dialog = within(await screen.findByTestId('channel-dialog'));
    fireEvent.change(dialog.getByLabelText('Channel type'), { target: { value: 'telegram' } });
    fireEvent.click(dialog.getByRole('button', { name: 'Add channel' }));
    expect(dialog.getAllByRole('alert').map((a) => a.textContent)).toEqual(['Give the channel a name.', 'Bot token is required.', 'Chat id is required.']);

    fireEvent.change(dialog.getByLabelText('Channel name'), { target: { value: 'Phone' } });
    fireEvent.change(dialog.getByLabelText('Bot token'), { target: { value: 'not-a-token' } });
    fireEvent.change(dialog.getByLabelText('Chat id'), { target: { value: 'me' } });
    expect(dialog.getAllByRole('alert').map((a) => a.textContent)).toEqual(['The bot token looks like 123456789:AA… (from @BotFather).', 'A number (negative for groups) or @channelname.']);
    expect(bridge.callsOf('monitors.addChannel')).toEqual([]);

    fireEvent.change(dialog.getByLabelText('Bot token'), { target: { value: '123456789:AAbbccddeeffgghhiijjkkllmm' } });
    fireEvent.change(dialog.getByLabelText('Chat id'), { target: { value: '-100123' } });
    fireEvent.click(dialog.getByRole('button', { name: 'Add channel' }));
    await waitFor(() => expect(screen.queryByTestId('channel-dialog')).toBeNull());
    expect(bridge.callsOf('monitors.addChannel')).toEqual([{ type: 'telegram', name: 'Phone', enabled: true, botToken: '123456789:AAbbccddeeffgghhiijjkkllmm', chatId: '-100123' }]);
    expect((await screen.findByTestId('channel-row')).textContent).toContain('Telegram · api.telegram.org');
  });

  it('shows what is typed in URL fields (plain text) and masks only passwords and tokens', async () => {
    await openMonitors();
    fireEvent.click(screen.getByRole('button', { name: 'Add channel' }));
    const dialog = within(await screen.findByTestId('channel-dialog'));
    const cases: Array<[string, string[], string[]]> = [
      ['ntfy', ['ntfy server'], ['Access token']],
      ['webhook', ['Webhook URL'], ['Signing secret (HMAC-SHA256)']],
      ['discord', ['Discord webhook URL'], []],
      ['slack', ['Slack webhook URL'], []],
      ['telegram', [], ['Bot token']],
      ['gotify', ['Gotify server'], ['Application token']],
      ['email', [], ['Password']],
    ];
    for (const [type, urls, secrets] of cases) {
      fireEvent.change(dialog.getByLabelText('Channel type'), { target: { value: type } });
      for (const label of urls) expect([type, label, (dialog.getByLabelText(label) as HTMLInputElement).type]).toEqual([type, label, 'url']);
      for (const label of secrets) expect([type, label, (dialog.getByLabelText(label) as HTMLInputElement).type]).toEqual([type, label, 'password']);
    }
    // Homeport's own heartbeat: the push URL is pasted and checked by eye.
    expect((within(screen.getByTestId('heartbeat-section')).getByLabelText('Push URL') as HTMLInputElement).type).toBe('url');
  });

  it('takes a refused field’s error away once that field changes', async () => {
    await openMonitors({
      'monitors.addChannel': () => {
        throw new EnvelopeError({ code: 'VALIDATION', message: 'Could not add the channel: the topic is too long.', fix: 'Correct the topic and try again.', details: { field: 'config.topic', reason: 'The topic is too long.' } });
      },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Add channel' }));
    const dialog = within(await screen.findByTestId('channel-dialog'));
    fireEvent.change(dialog.getByLabelText('Channel type'), { target: { value: 'ntfy' } });
    fireEvent.change(dialog.getByLabelText('Channel name'), { target: { value: 'Phone' } });
    fireEvent.change(dialog.getByLabelText('Topic'), { target: { value: 'alerts' } });
    fireEvent.click(dialog.getByRole('button', { name: 'Add channel' }));
    expect(await dialog.findByText('The topic is too long.')).toBeTruthy();
    expect(dialog.getByLabelText('Topic').getAttribute('aria-invalid')).toBe('true');
    fireEvent.change(dialog.getByLabelText('Topic'), { target: { value: 'alerts2' } });
    expect(dialog.queryByText('The topic is too long.')).toBeNull();
    expect(dialog.getByLabelText('Topic').getAttribute('aria-invalid')).toBe('false');
  });

  it('validates SMTP addresses and sends recipients as a list', async () => {
    const { bridge } = await openMonitors({
      'monitors.addChannel': (input: ChannelConfigInput) => ({ id: ChannelId('c_mail0000001'), name: input.name, type: 'email', enabled: true, target: 'smtp.lan', settings: {}, hasSecret: {} }),
    });
    fireEvent.click(screen.getByRole('button', { name: 'Add channel' }));
    const dialog = within(await screen.findByTestId('channel-dialog'));
    fireEvent.change(dialog.getByLabelText('Channel type'), { target: { value: 'email' } });
    fireEvent.change(dialog.getByLabelText('Channel name'), { target: { value: 'Mail' } });
    fireEvent.change(dialog.getByLabelText('SMTP host'), { target: { value: 'smtp.lan' } });
    fireEvent.change(dialog.getByLabelText('Port'), { target: { value: '70000' } });
    fireEvent.change(dialog.getByLabelText('From'), { target: { value: 'Homeport <hp@lan>' } });
    fireEvent.change(dialog.getByLabelText('To'), { target: { value: 'me@lan, oops' } });
    fireEvent.change(dialog.getByLabelText('Password'), { target: { value: 'pw' } });
    fireEvent.click(dialog.getByRole('button', { name: 'Add channel' }));
    expect(dialog.getAllByRole('alert').map((a) => a.textContent)).toEqual(['A whole number from 1 to 65535.', 'A password needs a user name.', '“oops” is not an e-mail address.']);
    fireEvent.change(dialog.getByLabelText('Port'), { target: { value: '465' } });
    fireEvent.click(dialog.getByLabelText('TLS from the start (usually port 465)'));
    fireEvent.change(dialog.getByLabelText('User name'), { target: { value: 'me' } });
    fireEvent.change(dialog.getByLabelText('To'), { target: { value: 'me@lan, you@lan' } });
    fireEvent.click(dialog.getByRole('button', { name: 'Add channel' }));
    await waitFor(() => expect(bridge.callsOf('monitors.addChannel')).toHaveLength(1));
    expect(bridge.callsOf('monitors.addChannel')[0]).toEqual({ type: 'email', name: 'Mail', enabled: true, host: 'smtp.lan', port: 465, secure: true, user: 'me', password: 'pw', from: 'Homeport <hp@lan>', to: ['me@lan', 'you@lan'] });
  });

  it('edits a channel without showing or resending its secret, and shows a test failure with its fix', async () => {
    const hook: ChannelInfo = { id: ChannelId('c_hook0000001'), name: 'Hook', type: 'webhook', enabled: true, target: 'hooks.lan', settings: {}, hasSecret: { url: true, secret: true } };
    const { bridge } = await openMonitors({
      'monitors.listChannels': () => [hook],
      'monitors.updateChannel': ({ config }) => ({ ...hook, name: config.name }),
      'monitors.testChannel': () => {
        throw new EnvelopeError({ code: 'UNREACHABLE', message: 'hooks.lan answered 500.', fix: 'Check the receiver.' });
      },
    });
    const row = await screen.findByTestId('channel-row');
    fireEvent.click(within(row).getByRole('button', { name: 'Test' }));
    expect((await within(row).findByText(/Test failed/)).textContent).toBe('Test failed: hooks.lan answered 500. Check the receiver.');

    fireEvent.click(within(row).getByRole('button', { name: 'Edit' }));
    const dialog = within(await screen.findByTestId('channel-dialog'));
    const url = dialog.getByLabelText('Webhook URL') as HTMLInputElement;
    expect(url.value).toBe('');
    expect(url.placeholder).toContain('stored');
    fireEvent.change(dialog.getByLabelText('Channel name'), { target: { value: 'Hook 2' } });
    fireEvent.click(dialog.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(bridge.callsOf('monitors.updateChannel')).toHaveLength(1));
    expect(bridge.callsOf('monitors.updateChannel')[0]).toEqual({ id: hook.id, config: { type: 'webhook', name: 'Hook 2', enabled: true } });
  });
});

describe('YAML import and export', () => {
  it('previews an import with per-entry errors and their fixes, then applies it', async () => {
    const preview: MonitorImportResultInfo = {
      applied: false,
      added: 1,
      updated: 0,
      unchanged: 0,
      errors: 1,
      entries: [
        { index: 0, line: 2, name: 'api', id: MonitorId('m_api0000001'), action: 'add' },
        { index: 1, line: 6, name: 'bad', id: null, action: 'error', error: { message: 'Entry 2 (line 6), "bad": url: "ftp://x" is not an http(s) URL', fix: 'Give a full URL' } },
      ],
    };
    const { bridge } = await openMonitors({ 'monitors.importYaml': ({ dryRun }) => ({ ...preview, applied: !dryRun }) });
    fireEvent.click(screen.getByRole('button', { name: 'Import' }));
    const dialog = within(await screen.findByTestId('import-dialog'));
    expect((dialog.getByRole('button', { name: 'Preview' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(dialog.getByLabelText('Or paste the YAML'), { target: { value: 'monitors:\n  - name: api\n' } });
    fireEvent.click(dialog.getByRole('button', { name: 'Preview' }));
    const p = await dialog.findByTestId('import-preview');
    expect(within(p).getByRole('status').textContent).toBe('1 to add, 0 to update, 0 unchanged, 1 with errors (skipped).');
    const entries = within(p).getAllByTestId('import-entry');
    expect(entries.map((e) => e.dataset.action)).toEqual(['add', 'error']);
    expect(entries[1]!.textContent).toContain('Entry 2 (line 6), "bad": url');
    expect(entries[1]!.textContent).toContain('Give a full URL');
    fireEvent.click(dialog.getByRole('button', { name: 'Import 1 monitor' }));
    await waitFor(() => expect(screen.queryByTestId('import-dialog')).toBeNull());
    expect(bridge.callsOf('monitors.importYaml')).toEqual([
      { yaml: 'monitors:\n  - name: api\n', dryRun: true },
      { yaml: 'monitors:\n  - name: api\n', dryRun: false },
    ]);
  });

  it('maintenance windows: a refusal goes once the windows change', async () => {
    await openMonitors({
      'monitors.setMaintenance': () => {
        throw new EnvelopeError({ code: 'VALIDATION', message: 'Could not save the maintenance windows: the end time must be a time as HH:MM (24 h).', fix: 'Correct the end time and try again.', details: { field: 'windows.0.end' } });
      },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Maintenance…' }));
    const dialog = within(await screen.findByTestId('maintenance-dialog'));
    fireEvent.click(dialog.getByRole('button', { name: 'Add weekly window' }));
    fireEvent.click(dialog.getByRole('button', { name: 'Save' }));
    expect((await dialog.findByRole('alert')).textContent).toContain('the end time must be a time');
    fireEvent.change(dialog.getAllByLabelText(/To/)[0]!, { target: { value: '05:00' } });
    expect(dialog.queryByRole('alert')).toBeNull();
  });

  it('shows why a whole file cannot be read', async () => {
    await openMonitors({
      'monitors.importYaml': () => {
        throw new EnvelopeError({ code: 'VALIDATION', message: 'The YAML cannot be read (line 3): Sequence item without - indicator', fix: 'Fix the YAML syntax.' });
      },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Import' }));
    const dialog = within(await screen.findByTestId('import-dialog'));
    fireEvent.change(dialog.getByLabelText('Or paste the YAML'), { target: { value: 'x' } });
    fireEvent.click(dialog.getByRole('button', { name: 'Preview' }));
    expect((await dialog.findByRole('alert')).textContent).toContain('(line 3)');
  });
});

describe('alerts in the app', () => {
  it('shows a fired alert as a toast that opens the monitor, and lists it under Recent alerts', async () => {
    const { bridge } = await openMonitors();
    fireEvent.click(screen.getByRole('button', { name: /Containers/ }));
    act(() => bridge.emit('alerts.fired', { id: 'a1', kind: 'down', title: 'db is down', body: 'connect ECONNREFUSED', monitorIds: [db.id], at: Date.now(), severity: 'critical' }));
    const toast = (await screen.findAllByTestId('toast')).find((t) => t.textContent?.includes('db is down'))!;
    expect(toast.className).toContain('toast-error');
    fireEvent.click(within(toast).getByRole('button', { name: 'Open monitor' }));
    const detail = await screen.findByTestId('monitor-detail');
    expect(within(detail).getByRole('heading', { name: 'db' })).toBeTruthy();
    const recent = screen.getByTestId('recent-alerts');
    expect(within(recent).getAllByTestId('alert-item').map((a) => a.dataset.kind)).toEqual(['down']);
  });
});

describe('reads that fail', () => {
  it('says why the monitors cannot be listed, with a Retry that lists them', async () => {
    let fail = true;
    await renderApp({
      'monitors.list': () => {
        if (fail) throw new EnvelopeError({ code: 'INTERNAL', message: 'The monitors could not be read.', fix: 'Try again.' });
        return [base];
      },
      'monitors.history': ({ id, range }) => history(id, range),
      'monitors.listChannels': () => [],
      'monitors.alertSettings': () => settingsFor([base]),
      'monitors.recentAlerts': () => [],
      'kuma.list': () => [],
    });
    fireEvent.click(screen.getByRole('button', { name: /Monitors/ }));
    const alerts = await screen.findAllByRole('alert');
    expect(alerts.map((a) => a.textContent).join(' ')).toContain('The monitors could not be read.');
    fail = false;
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(screen.getAllByTestId('monitor-row').map((r) => r.textContent)).toEqual([expect.stringContaining('web')]));
    expect(screen.queryAllByRole('alert').map((a) => a.textContent).join(' ')).not.toContain('The monitors could not be read.');
  });

  it('says in the Channels section why the channels cannot be read', async () => {
    await openMonitors({
      'monitors.listChannels': () => {
        throw new EnvelopeError({ code: 'INTERNAL', message: 'The channels file could not be read.', fix: 'Check the data folder.' });
      },
    });
    const section = screen.getByTestId('channels');
    expect((await within(section).findByRole('alert')).textContent).toContain('The channels file could not be read.');
    expect(within(section).queryByText('Loading channels…')).toBeNull();
  });
});
