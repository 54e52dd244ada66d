// @vitest-environment happy-dom
import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LogLineInfo, StreamId } from '../../../../shared/contract';
import { EnvelopeError, type MemoryBridge } from '../../test-support/memory-bridge';
import { container, host, hostContainers } from '../../test-support/fixtures';
import { renderApp, teardownApp } from '../../test-support/render-app';
import { client } from '../../api/client';
import { endStreamsOfLostConnection } from '../../api/open-stream';
import { appStore } from '../../store';

const lab = host({ name: 'lab', address: 'root@127.0.0.1:2222' });
const web = container(lab, { name: 'labweb_web_1', project: 'labweb', image: 'busybox:latest' });
const stopped = container(lab, { name: 'hp-stopped', image: 'busybox:latest', state: 'exited' });
const SID = 's_logs0001' as StreamId;

const LINES: LogLineInfo[] = [
  { stream: 'stdout', text: 'GET /health 200', time: '2026-11-25T07:00:00.000000001Z' },
  { stream: 'stderr', text: '\x1b[1;31mERROR\x1b[0m upstream timed out', time: '2026-11-25T07:00:01Z' },
  { stream: 'stdout', text: 'GET /api/items 200', time: '2026-11-25T07:00:02Z' },
  { stream: 'stdout', text: '\x1b[38;5;208mWARN\x1b[0m slow GET /api/items', time: '2026-11-25T07:00:03Z' },
];

async function openLogs(handlers: Record<string, unknown> = {}, name = 'labweb_web_1'): Promise<MemoryBridge> {
  const { bridge } = await renderApp({
    'hosts.list': () => [lab],
    'containers.list': () => [hostContainers(lab, [web, stopped])],
    'streams.open': () => ({ streamId: SID }),
    'streams.close': () => undefined,
    ...handlers,
  });
  fireEvent.click(screen.getByRole('button', { name: `Open ${name}` }));
  await screen.findByTestId('logs-tab');
  await waitFor(() => expect(bridge.callsOf('streams.open')).toHaveLength(1));
  return bridge;
}

async function send(bridge: MemoryBridge, lines: LogLineInfo[]) {
  act(() => bridge.emit('stream.data', { streamId: SID, data: { lines } }));
  await waitFor(() => expect(Number(screen.getByTestId('logs-tab').dataset.receivedLines)).toBeGreaterThanOrEqual(lines.length));
}

const search = (value: string) => fireEvent.change(screen.getByRole('searchbox', { name: 'Search the log' }), { target: { value } });
const current = () => screen.getByTestId('log-match-current');
const lineOf = (el: Element) => el.closest('[data-testid="log-line"]')!.textContent;

afterEach(teardownApp);

// happy-dom lays nothing out: give the log's scroller the size a window would, so the virtualised
// list has rows to show (a layout stand-in; everything else is the real component).
const sized = ['offsetHeight', 'offsetWidth', 'clientHeight', 'clientWidth'] as const;
const saved = sized.map((p) => Object.getOwnPropertyDescriptor(HTMLElement.prototype, p));
beforeAll(() => {
  for (const p of sized) {
    const orig = Object.getOwnPropertyDescriptor(HTMLElement.prototype, p);
    Object.defineProperty(HTMLElement.prototype, p, {
      configurable: true,
      get(this: HTMLElement) {
        if (this.dataset?.testid === 'logs-scroll') return p.endsWith('Height') ? 400 : 800;
        return orig?.get ? (orig.get.call(this) as number) : 0;
      },
    });
  }
});
afterAll(() => sized.forEach((p, i) => saved[i] && Object.defineProperty(HTMLElement.prototype, p, saved[i])));

describe('LogsTab', () => {
  it('opens a following container.logs stream and shows lines with ANSI colours; stderr is marked', async () => {
    const bridge = await openLogs();
    expect(bridge.callsOf('streams.open')[0]).toEqual({ kind: 'container.logs', hostId: lab.id, containerId: web.id, tail: 1000, since: null, timestamps: true, follow: true });
    await send(bridge, LINES);
    const rows = screen.getAllByTestId('log-line');
    expect(rows.map((r) => r.textContent)).toEqual(['GET /health 200', 'stderr: ERROR upstream timed out', 'GET /api/items 200', 'WARN slow GET /api/items']);
    expect(rows[1]!.dataset.stream).toBe('stderr');
    expect(rows[1]!.className).toContain('log-stderr');
    const error = [...rows[1]!.querySelectorAll('span')].find((s) => s.textContent === 'ERROR')!;
    expect(error.style.color).toBe('#ee5d52');
    expect(error.style.fontWeight).toBe('700');
    const warn = [...rows[3]!.querySelectorAll('span')].find((s) => s.textContent === 'WARN')!;
    expect(warn.style.color).toBe('#ff8700');
    // no escape characters reach the page
    expect(screen.getByTestId('logs-scroll').textContent).not.toContain('\x1b');
  });

  it('searches with a regex, highlights every match, counts them, and Enter / Shift+Enter / the buttons move the current one', async () => {
    const bridge = await openLogs();
    await send(bridge, LINES);
    fireEvent.click(screen.getByRole('button', { name: 'Regular expression' }));
    search('GET /\\w+');
    await waitFor(() => expect(screen.getByTestId('logs-match-count').textContent).toBe('3 of 3'));
    expect(screen.getAllByTestId('log-match').map((m) => m.textContent)).toEqual(['GET /health', 'GET /api']);
    expect(current().textContent).toBe('GET /api');
    expect(lineOf(current())).toBe('WARN slow GET /api/items');

    const box = screen.getByRole('searchbox', { name: 'Search the log' });
    fireEvent.keyDown(box, { key: 'Enter' });
    await waitFor(() => expect(screen.getByTestId('logs-match-count').textContent).toBe('1 of 3'));
    expect(lineOf(current())).toBe('GET /health 200');
    fireEvent.keyDown(box, { key: 'Enter', shiftKey: true });
    await waitFor(() => expect(screen.getByTestId('logs-match-count').textContent).toBe('3 of 3'));
    fireEvent.click(screen.getByRole('button', { name: 'Previous match' }));
    await waitFor(() => expect(screen.getByTestId('logs-match-count').textContent).toBe('2 of 3'));
    expect(lineOf(current())).toBe('GET /api/items 200');
    fireEvent.click(screen.getByRole('button', { name: 'Next match' }));
    await waitFor(() => expect(screen.getByTestId('logs-match-count').textContent).toBe('3 of 3'));

    // new lines are searched as they come
    await send(bridge, [{ stream: 'stdout', text: 'GET /metrics 200' }]);
    await waitFor(() => expect(screen.getByTestId('logs-match-count').textContent).toBe('3 of 4'));
  });

  it('shows an invalid regex as an inline message, not a crash; fixing it searches again', async () => {
    const bridge = await openLogs();
    await send(bridge, LINES);
    fireEvent.click(screen.getByRole('button', { name: 'Regular expression' }));
    search('GET (');
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(/Not a valid regular expression/);
    expect(screen.getByRole('searchbox', { name: 'Search the log' }).getAttribute('aria-invalid')).toBe('true');
    expect(screen.getAllByTestId('log-line')).toHaveLength(4);
    search('GET \\(|timed');
    await waitFor(() => expect(screen.getByTestId('logs-match-count').textContent).toBe('1 of 1'));
    expect(screen.queryByText(/Not a valid regular expression/)).toBeNull();
  });

  it('filters stderr, shows timestamps when asked, and searches plain text literally', async () => {
    const bridge = await openLogs();
    await send(bridge, LINES);
    fireEvent.change(screen.getByRole('combobox', { name: 'Streams' }), { target: { value: 'stderr' } });
    await waitFor(() => expect(screen.getAllByTestId('log-line')).toHaveLength(1));
    fireEvent.change(screen.getByRole('combobox', { name: 'Streams' }), { target: { value: 'all' } });
    fireEvent.click(screen.getByRole('button', { name: 'Timestamps' }));
    await waitFor(() => expect(screen.getAllByTestId('log-line')[2]!.textContent).toMatch(/^2026-11-25 \d\d:00:02\.000GET \/api\/items 200$/));
    search('/api/items');
    await waitFor(() => expect(screen.getByTestId('logs-match-count').textContent).toBe('2 of 2'));
  });

  it('reopens the stream when tail changes, and says when the container stopped, with a way to resume', async () => {
    const bridge = await openLogs({}, 'hp-stopped');
    fireEvent.change(screen.getByRole('combobox', { name: 'Lines to load' }), { target: { value: '100' } });
    await waitFor(() => expect(bridge.callsOf('streams.open')).toHaveLength(2));
    expect(bridge.callsOf('streams.open')[1]).toMatchObject({ tail: 100 });
    await waitFor(() => expect(bridge.callsOf('streams.close')).toHaveLength(1));
    await send(bridge, LINES);
    act(() => bridge.emit('stream.end', { streamId: SID, error: null }));
    expect((await screen.findByRole('status')).textContent).toBe('The container is stopped: this is its log up to then. Resume following');
    fireEvent.click(screen.getByRole('button', { name: 'Resume following' }));
    await waitFor(() => expect(bridge.callsOf('streams.open')).toHaveLength(3));
    // carries on after the last line held
    expect(bridge.callsOf('streams.open')[2]).toMatchObject({ since: Math.floor(Date.parse('2026-11-25T07:00:03Z') / 1000) });
    expect(screen.getAllByTestId('log-line')).toHaveLength(4);
  });

  it('follows again by itself when the stream of a running container ended', async () => {
    const bridge = await openLogs();
    await send(bridge, LINES);
    act(() => bridge.emit('stream.end', { streamId: SID, error: null }));
    await waitFor(() => expect(bridge.callsOf('streams.open')).toHaveLength(2));
    expect(screen.getAllByTestId('log-line')).toHaveLength(4);
  });

  it('says the log stopped when the connection to Homeport drops, and follows on from the last line once it is back', async () => {
    const bridge = await openLogs();
    await send(bridge, LINES);
    act(() => {
      appStore.setState({ transport: 'reconnecting' });
      endStreamsOfLostConnection(client());
    });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The log stopped');
    expect(alert.textContent).toContain('The connection to Homeport was lost');
    expect(alert.textContent).toContain('follows on by itself');
    expect(bridge.callsOf('streams.open')).toHaveLength(1); // nothing to follow on with while it is down
    act(() => appStore.setState({ transport: 'open' }));
    await waitFor(() => expect(bridge.callsOf('streams.open')).toHaveLength(2));
    expect(bridge.callsOf('streams.open')[1]).toMatchObject({ since: Math.floor(Date.parse('2026-11-25T07:00:03Z') / 1000) });
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
    expect(screen.getAllByTestId('log-line')).toHaveLength(4);
  });

  it('shows why the log cannot be opened', async () => {
    await openLogs({
      'streams.open': () => {
        throw new EnvelopeError({ code: 'NOT_FOUND', message: 'There is no container "x" on this host: it was removed.', fix: 'Go back to the container list and pick one that exists.' });
      },
    });
    expect((await screen.findByRole('alert')).textContent).toContain('it was removed');
    expect(screen.getByRole('button', { name: 'Retry' })).toBeTruthy();
  });
});
