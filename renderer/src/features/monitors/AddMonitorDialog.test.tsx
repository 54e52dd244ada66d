// @vitest-environment happy-dom
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { HostId, MonitorId, type HistoryRange, type HostContainersInfo, type HostInfo, type MonitorConfigInput, type MonitorInfo, type MonitorSuggestionInfo } from '../../../../shared/contract';
import { EnvelopeError } from '../../test-support/memory-bridge';
import { renderApp, teardownApp } from '../../test-support/render-app';

afterEach(teardownApp);

const web: MonitorInfo = {
  id: MonitorId('m_testmonitor01'),
  name: 'web',
  type: 'http',
  target: 'http://127.0.0.1:8080/',
  config: {},
  secretFields: [],
  source: { kind: 'user' },
  intervalSec: 60,
  retries: 1,
  paused: false,
  state: 'up',
  muted: false,
  flapping: false,
  message: '200 OK',
  downSince: null,
  lastCheckAt: Date.now(),
  latencyMs: 12,
  avgLatencyMs24h: 11,
  uptime: { day: 1, month: 0.9995, year: null },
};

const nas = {
  id: 'h_nas',
  name: 'nas',
  kind: 'ssh',
  address: 'me@nas.lan:22',
  user: 'me',
  hostname: 'nas.lan',
  port: 22,
  socketPath: '/var/run/docker.sock',
  useAgent: false,
  keyId: null,
  identityFile: null,
  hasPassword: false,
  state: { status: 'disconnected' },
} as unknown as HostInfo;

const nasContainers = {
  hostId: HostId('h_nas'),
  error: null,
  loading: false,
  containers: [
    { id: 'c1', hostId: HostId('h_nas'), name: 'nextcloud', image: 'nextcloud', state: 'running', status: 'Up', ports: [], project: null, service: null, createdAt: 0 },
    { id: 'c2', hostId: HostId('h_nas'), name: 'db', image: 'postgres', state: 'running', status: 'Up', ports: [], project: null, service: null, createdAt: 0 },
  ],
} as unknown as HostContainersInfo;

interface Setup {
  add?: (input: MonitorConfigInput) => MonitorInfo;
  update?: (input: { id: string; config: MonitorConfigInput }) => MonitorInfo;
  monitors?: MonitorInfo[];
  suggestions?: MonitorSuggestionInfo[];
  addSuggested?: (input: { key: string }) => MonitorInfo;
}

async function openMonitors(s: Setup = {}) {
  let monitors: MonitorInfo[] = s.monitors ?? [];
  const r = await renderApp({
    'hosts.list': () => [nas],
    'containers.list': () => [nasContainers],
    'app.info': () => ({ version: '0', mode: 'headless', platform: 'linux', dataDir: '/tmp', files: 'browser' }),
    'monitors.list': () => monitors,
    'monitors.suggestions': () => s.suggestions ?? [],
    'monitors.history': ({ id, range }: { id: MonitorId; range: HistoryRange }) => ({ id, range, latency: [], bars: [], incidents: [] }),
    'monitors.listChannels': () => [],
    'monitors.pushUrl': () => ({ path: '/push/abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG' }),
    'monitors.add': (input: MonitorConfigInput) => {
      const m = (s.add ?? (() => web))(input);
      monitors = [...monitors, m];
      return m;
    },
    'monitors.update': (input: { id: string; config: MonitorConfigInput }) => (s.update ?? (() => web))(input),
    'monitors.addSuggested': (input: { key: string }) => {
      const m = (s.addSuggested ?? (() => web))(input);
      monitors = [...monitors, m];
      return m;
    },
  });
  fireEvent.click(screen.getByRole('button', { name: /Monitors/ }));
  if (monitors.length === 0) await screen.findByTestId('monitors-empty');
  else await screen.findAllByTestId('monitor-row');
  return r;
}

async function openAdd(s: Setup = {}) {
  const r = await openMonitors(s);
  fireEvent.click(screen.getByRole('button', { name: 'Add monitor' }));
  const dialog = within(await screen.findByTestId('add-monitor-dialog'));
  return { ...r, dialog };
}

type Dialog = Awaited<ReturnType<typeof openAdd>>['dialog'];
const type = (d: Dialog, label: string | RegExp, value: string) => fireEvent.change(d.getByLabelText(label), { target: { value } });
const submit = (d: Dialog, name = 'Add') => fireEvent.click(d.getByRole('button', { name }));
const errorAt = (d: Dialog, label: string | RegExp) => {
  const input = d.getByLabelText(label);
  expect(input.getAttribute('aria-invalid')).toBe('true');
  return document.getElementById(input.getAttribute('aria-describedby')!.split(' ')[0]!)!.textContent ?? '';
};

describe('the monitor form', () => {
  it('sends an HTTP monitor with all its options, then lists it', async () => {
    const { dialog, bridge } = await openAdd();
    expect((dialog.getByLabelText('Interval (seconds)') as HTMLInputElement).value).toBe('60');
    type(dialog, 'Name', 'web');
    type(dialog, 'URL', 'http://127.0.0.1:8080/');
    type(dialog, 'Accepted status codes', '200-299, 301');
    type(dialog, 'Keyword (optional)', 'maintenance');
    type(dialog, 'The keyword must be', 'absent');
    type(dialog, 'JSON path (optional)', '$.status');
    type(dialog, 'JSON value equals', 'ok');
    type(dialog, 'Headers (optional)', 'X-Api-Key: s3cret');
    type(dialog, 'Authentication', 'bearer');
    type(dialog, 'Token', 'Bearer tok123');
    fireEvent.click(dialog.getByLabelText('Ignore TLS errors'));
    fireEvent.click(dialog.getByLabelText('Follow redirects'));
    type(dialog, /TLS certificate expires/, '');
    type(dialog, 'Interval (seconds)', '20');
    type(dialog, 'Timeout (seconds)', '5');
    type(dialog, 'Retries', '0');
    type(dialog, 'Retry every (seconds)', '30');
    fireEvent.click(dialog.getByLabelText(/Upside down/));
    submit(dialog);
    const row = await screen.findByTestId('monitor-row');
    expect(row.dataset.name).toBe('web');
    expect(bridge.callsOf('monitors.add')).toEqual([
      {
        type: 'http',
        name: 'web',
        url: 'http://127.0.0.1:8080/',
        method: 'GET',
        acceptedStatus: ['200-299', '301'],
        keyword: { text: 'maintenance', mustBePresent: false },
        jsonPath: { path: '$.status', equals: 'ok' },
        headers: { 'X-Api-Key': 's3cret' },
        auth: { kind: 'bearer', token: 'tok123' },
        ignoreTls: true,
        followRedirects: false,
        certExpiryWarnDays: null,
        intervalSec: 20,
        timeoutSec: 5,
        retries: 0,
        retryIntervalSec: 30,
        upsideDown: true,
      },
    ]);
    expect(screen.queryByTestId('add-monitor-dialog')).toBeNull();
  });

  it('checks the HTTP fields before calling the services', async () => {
    const { dialog, bridge } = await openAdd();
    submit(dialog);
    await waitFor(() => expect(errorAt(dialog, 'Name')).toContain('Give the monitor a name'));
    expect(errorAt(dialog, 'URL')).toContain('Give the address');
    type(dialog, 'Name', 'x');
    type(dialog, 'URL', 'nas.lan:8080/health');
    type(dialog, 'Accepted status codes', '200-299, abc');
    type(dialog, 'Headers (optional)', 'no colon here');
    type(dialog, 'Authentication', 'basic');
    type(dialog, 'Interval (seconds)', '5');
    type(dialog, 'Timeout (seconds)', '500');
    submit(dialog);
    await waitFor(() => expect(errorAt(dialog, 'URL')).toContain('http://nas.lan:8080/health'));
    expect(errorAt(dialog, 'Accepted status codes')).toContain('"abc"');
    expect(errorAt(dialog, 'Headers (optional)')).toContain('Line 1');
    expect(errorAt(dialog, 'User')).toContain('user name');
    expect(errorAt(dialog, 'Interval (seconds)')).toContain('at least 20 seconds');
    expect(errorAt(dialog, 'Timeout (seconds)')).toContain('from 1 to');
    expect(bridge.callsOf('monitors.add')).toEqual([]);
  });

  it('checks TCP, ping and DNS fields', async () => {
    const { dialog, bridge } = await openAdd();
    type(dialog, 'Type', 'tcp');
    type(dialog, 'Name', 'db');
    type(dialog, 'Host', 'tcp://db.lan');
    type(dialog, 'Port', '70000');
    submit(dialog);
    await waitFor(() => expect(errorAt(dialog, 'Host')).toContain('host only'));
    expect(errorAt(dialog, 'Port')).toContain('1 to 65535');
    type(dialog, 'Type', 'ping');
    type(dialog, 'Host', '');
    submit(dialog);
    await waitFor(() => expect(errorAt(dialog, 'Host')).toContain('Give a host name'));
    type(dialog, 'Type', 'dns');
    submit(dialog);
    await waitFor(() => expect(errorAt(dialog, 'Host name')).toContain('name to look up'));
    type(dialog, 'Host name', 'nas.lan');
    type(dialog, 'Record type', 'AAAA');
    type(dialog, 'Resolver (optional)', '192.168.1.1');
    submit(dialog);
    await waitFor(() => expect(bridge.callsOf('monitors.add')).toHaveLength(1));
    expect(bridge.callsOf('monitors.add')[0]).toMatchObject({ type: 'dns', name: 'db', hostname: 'nas.lan', recordType: 'AAAA', resolver: '192.168.1.1', expected: null });
  });

  it('picks the host and a container from the store for a container monitor', async () => {
    const { dialog, bridge } = await openAdd();
    type(dialog, 'Type', 'container');
    type(dialog, 'Name', 'cloud');
    submit(dialog);
    await waitFor(() => expect(errorAt(dialog, 'Host')).toContain('Choose the host'));
    // Before a host is chosen, the container is typed; after, it is picked from the host's containers.
    type(dialog, 'Host', 'h_nas');
    const picker = dialog.getByLabelText('Container') as HTMLSelectElement;
    expect([...picker.options].map((o) => o.value)).toEqual(['', 'db', 'nextcloud']);
    submit(dialog);
    await waitFor(() => expect(errorAt(dialog, 'Container')).toContain('Choose the container'));
    type(dialog, 'Container', 'nextcloud');
    submit(dialog);
    await waitFor(() => expect(bridge.callsOf('monitors.add')).toHaveLength(1));
    expect(bridge.callsOf('monitors.add')[0]).toEqual({ type: 'container', name: 'cloud', hostId: HostId('h_nas'), container: 'nextcloud', intervalSec: 60, retries: 1, upsideDown: false });
  });

  it('checks an SSH command monitor: host, command, exit status and the output pattern', async () => {
    const { dialog, bridge } = await openAdd();
    type(dialog, 'Type', 'ssh-command');
    type(dialog, 'Name', 'nginx');
    type(dialog, 'Expected exit status', '300');
    type(dialog, /Output must match/, '([a-z]+');
    submit(dialog);
    await waitFor(() => expect(errorAt(dialog, 'Host')).toContain('SSH host'));
    expect(errorAt(dialog, 'Command')).toContain('Give the command');
    expect(errorAt(dialog, 'Expected exit status')).toContain('0 to 255');
    expect(errorAt(dialog, /Output must match/)).toContain('regular expression');
    type(dialog, 'Host', 'h_nas');
    type(dialog, 'Command', "systemctl is-active 'nginx'");
    type(dialog, 'Expected exit status', '0');
    type(dialog, /Output must match/, '^active$');
    submit(dialog);
    await waitFor(() => expect(bridge.callsOf('monitors.add')).toHaveLength(1));
    expect(bridge.callsOf('monitors.add')[0]).toMatchObject({ type: 'ssh-command', hostId: HostId('h_nas'), command: "systemctl is-active 'nginx'", expectExit: 0, outputMatch: '^active$' });
  });

  it('adds a push monitor without a token (the services make one) and checks the grace period', async () => {
    const { dialog, bridge } = await openAdd();
    type(dialog, 'Type', 'push');
    expect(dialog.getByTestId('push-note').textContent).toContain('headless mode');
    type(dialog, 'Name', 'backup job');
    type(dialog, 'Grace period (seconds)', '-1');
    submit(dialog);
    await waitFor(() => expect(errorAt(dialog, 'Grace period (seconds)')).toContain('whole number'));
    type(dialog, 'Grace period (seconds)', '120');
    type(dialog, 'Expected every (seconds)', '3600');
    submit(dialog);
    await waitFor(() => expect(bridge.callsOf('monitors.add')).toHaveLength(1));
    expect(bridge.callsOf('monitors.add')[0]).toEqual({ type: 'push', name: 'backup job', graceSec: 120, intervalSec: 3600, retries: 1, upsideDown: false });
  });

  it('shows a service error at the field it names and keeps the dialog open', async () => {
    const { dialog } = await openAdd({
      add: () => {
        throw new EnvelopeError({ code: 'VALIDATION', message: 'basic-auth password contains a control character', fix: 'Retype the password', details: { field: 'auth.password' } });
      },
    });
    type(dialog, 'Name', 'bad');
    type(dialog, 'URL', 'http://nas.lan/');
    type(dialog, 'Authentication', 'basic');
    type(dialog, 'User', 'admin');
    type(dialog, 'Password', 'x');
    submit(dialog);
    await waitFor(() => expect(errorAt(dialog, 'Password')).toContain('control character'));
    expect(screen.getByTestId('add-monitor-dialog')).toBeTruthy();
  });

  it('takes a refused field’s error away once that field changes, and a general error once anything changes', async () => {
    let calls = 0;
    const { dialog } = await openAdd({
      add: () => {
        calls++;
        if (calls === 1) throw new EnvelopeError({ code: 'VALIDATION', message: 'Could not add the monitor: the URL is too long.', fix: 'Correct the URL and try again.', details: { field: 'url', reason: 'The URL is too long.' } });
        throw new EnvelopeError({ code: 'CONFLICT', message: 'A monitor named web exists.', fix: 'Choose another name.' });
      },
    });
    type(dialog, 'Name', 'web');
    type(dialog, 'URL', 'http://nas.lan/');
    submit(dialog);
    await waitFor(() => expect(errorAt(dialog, 'URL')).toBe('The URL is too long.'));
    type(dialog, 'URL', 'http://nas.lan/x');
    expect(dialog.getByLabelText('URL').getAttribute('aria-invalid')).toBe('false');
    submit(dialog);
    await waitFor(() => expect(dialog.getByRole('alert').textContent).toContain('A monitor named web exists.'));
    type(dialog, 'Name', 'web 2');
    expect(dialog.queryByRole('alert')).toBeNull();
  });

  it('edits a monitor: prefilled, secrets blank (blank keeps them), sent as an update', async () => {
    const stored: MonitorInfo = {
      ...web,
      config: {
        type: 'http',
        name: 'web',
        url: 'https://nas.lan/',
        method: 'GET',
        acceptedStatus: ['200-299'],
        keyword: { text: 'Welcome', mustBePresent: true, caseSensitive: false },
        jsonPath: null,
        headers: { 'X-Api-Key': '' },
        auth: { kind: 'basic', user: 'admin', password: '' },
        ignoreTls: false,
        followRedirects: true,
        certExpiryWarnDays: 14,
        intervalSec: 60,
        timeoutSec: 30,
        retries: 2,
        retryIntervalSec: 60,
        upsideDown: false,
        paused: false,
      },
      secretFields: ['auth.password', 'headers.X-Api-Key'],
    };
    const { bridge } = await openMonitors({ monitors: [stored], update: ({ config }) => ({ ...stored, name: config.name }) });
    fireEvent.click(screen.getByRole('button', { name: 'Edit web' }));
    const dialog = within(await screen.findByTestId('add-monitor-dialog'));
    expect((dialog.getByLabelText('Type') as HTMLSelectElement).disabled).toBe(true);
    expect((dialog.getByLabelText('URL') as HTMLInputElement).value).toBe('https://nas.lan/');
    expect((dialog.getByLabelText('Keyword (optional)') as HTMLInputElement).value).toBe('Welcome');
    expect((dialog.getByLabelText('Retries') as HTMLInputElement).value).toBe('2');
    const pw = dialog.getByLabelText('Password') as HTMLInputElement;
    expect(pw.value).toBe('');
    expect(pw.placeholder).toContain('leave blank to keep');
    type(dialog, 'Name', 'web (nas)');
    submit(dialog, 'Save');
    await waitFor(() => expect(bridge.callsOf('monitors.update')).toHaveLength(1));
    const call = bridge.callsOf('monitors.update')[0] as { id: string; config: Record<string, unknown> };
    expect(call.id).toBe(web.id);
    expect(call.config).toMatchObject({ name: 'web (nas)', auth: { kind: 'basic', user: 'admin', password: '' }, headers: { 'X-Api-Key': '' }, retries: 2, timeoutSec: 30 });
  });

  it('asks for the secrets again when an edit points the monitor at another server', async () => {
    const stored: MonitorInfo = {
      ...web,
      config: { ...web.config, type: 'http', name: 'web', url: 'https://nas.lan/', method: 'GET', acceptedStatus: ['200-299'], keyword: null, jsonPath: null, headers: { 'X-Api-Key': '' }, auth: { kind: 'basic', user: 'admin', password: '' }, intervalSec: 60, retries: 1 },
      secretFields: ['auth.password', 'headers.X-Api-Key'],
    };
    const { bridge } = await openMonitors({ monitors: [stored], update: ({ config }) => ({ ...stored, name: config.name }) });
    fireEvent.click(screen.getByRole('button', { name: 'Edit web' }));
    const dialog = within(await screen.findByTestId('add-monitor-dialog'));
    type(dialog, 'URL', 'https://other.lan/');
    expect((dialog.getByLabelText('Password') as HTMLInputElement).placeholder).toMatch(/enter again.*another server/i);
    submit(dialog, 'Save');
    await waitFor(() => expect(errorAt(dialog, 'Password')).toMatch(/another server.*enter it again/i));
    expect(bridge.callsOf('monitors.update')).toHaveLength(0);
    type(dialog, 'Password', 'for-other');
    submit(dialog, 'Save');
    await waitFor(() => expect(errorAt(dialog, 'Headers (optional)')).toMatch(/X-Api-Key.*another server/));
    type(dialog, 'Headers (optional)', 'X-Api-Key: key-for-other');
    submit(dialog, 'Save');
    await waitFor(() => expect(bridge.callsOf('monitors.update')).toHaveLength(1));
    expect((bridge.callsOf('monitors.update')[0] as { config: unknown }).config).toMatchObject({ url: 'https://other.lan/', auth: { password: 'for-other' }, headers: { 'X-Api-Key': 'key-for-other' } });
  });

  it('offers no edit for a label monitor (its labels say what it is; it can be removed), and says where it comes from', async () => {
    const labelled: MonitorInfo = { ...web, name: 'labelled', source: { kind: 'label', hostId: HostId('h_nas'), container: 'nextcloud' } };
    await openMonitors({ monitors: [labelled] });
    expect(screen.getByTestId('label-badge')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Edit labelled' })).toBeNull();
    expect(within(screen.getByTestId('monitor-row')).getByRole('button', { name: 'Remove' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'labelled' }));
    expect((await screen.findByTestId('label-source')).textContent).toContain('nextcloud');
  });

  it('adds a suggested monitor with one click', async () => {
    const suggestion: MonitorSuggestionInfo = {
      key: 'h_nas/nextcloud/container',
      kind: 'container',
      hostId: HostId('h_nas'),
      hostName: 'nas',
      container: 'nextcloud',
      reason: 'nextcloud is running on nas without a monitor',
      input: { type: 'container', name: 'nextcloud (nas)', hostId: HostId('h_nas'), container: 'nextcloud' },
    };
    const { bridge } = await openMonitors({ suggestions: [suggestion] });
    const item = await screen.findByTestId('suggestion');
    expect(item.textContent).toContain('nextcloud is running on nas');
    fireEvent.click(within(item).getByRole('button', { name: 'Add monitor: nextcloud (nas)' }));
    await waitFor(() => expect(bridge.callsOf('monitors.add')).toEqual([suggestion.input]));
  });

  it('adds a label declaration only when the user approves it, and shows why a refused one cannot be added', async () => {
    const declared: MonitorSuggestionInfo = {
      key: 'h_nas/nextcloud/label',
      kind: 'label',
      hostId: HostId('h_nas'),
      hostName: 'nas',
      container: 'nextcloud',
      reason: 'nextcloud on nas declares a monitor with its homeport.monitor.* labels',
      input: { type: 'http', name: 'Nextcloud', url: 'http://nas.lan:8080/' },
    };
    const refused: MonitorSuggestionInfo = {
      ...declared,
      key: 'h_nas/db/label',
      container: 'db',
      reason: 'db on nas declares a monitor with its homeport.monitor.* labels',
      input: { type: 'http', name: 'db', url: 'http://192.168.1.1/admin' },
      problem: "homeport.monitor.url points at 192.168.1.1, not at the container's host (nas.lan); a label may only point at its own container",
    };
    const approved: MonitorInfo = { ...web, id: MonitorId('m_lbl1'), name: 'Nextcloud', source: { kind: 'label', hostId: HostId('h_nas'), container: 'nextcloud' } };
    const { bridge } = await openMonitors({ suggestions: [declared, refused], addSuggested: () => approved });
    const items = await screen.findAllByTestId('suggestion');
    const [mine, theirs] = [items.find((i) => i.dataset.key === declared.key)!, items.find((i) => i.dataset.key === refused.key)!];
    expect(mine.textContent).toContain('Label');
    expect(mine.textContent).toContain('http://nas.lan:8080/');
    expect(within(theirs).queryByRole('button', { name: /Add/ })).toBeNull();
    expect(within(theirs).getByTestId('suggestion-problem').textContent).toBe(`Refused: ${refused.problem}`);
    expect(bridge.callsOf('monitors.add')).toEqual([]);
    expect(bridge.callsOf('monitors.addSuggested')).toEqual([]);
    fireEvent.click(within(mine).getByRole('button', { name: 'Add monitor: Nextcloud' }));
    await waitFor(() => expect(bridge.callsOf('monitors.addSuggested')).toEqual([{ key: declared.key }]));
    expect(bridge.callsOf('monitors.add')).toEqual([]);
    expect(await screen.findByTestId('label-badge')).toBeTruthy();
  });

  it('shows a push monitor’s URL on request, with the page’s own origin', async () => {
    const push: MonitorInfo = { ...web, name: 'job', type: 'push', target: 'push' };
    await openMonitors({ monitors: [push] });
    fireEvent.click(screen.getByRole('button', { name: 'job' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Show push URL' }));
    const url = (await screen.findByTestId('push-url-value')) as HTMLInputElement;
    expect(url.value).toBe(`${window.location.origin}/push/abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG?status=up&msg=OK&ping=`);
  });
});
