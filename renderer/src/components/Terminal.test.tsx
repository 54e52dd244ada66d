// @vitest-environment happy-dom
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { StreamId } from '../../../shared/contract';
import { container, host, hostContainers } from '../test-support/fixtures';
import { client } from '../api/client';
import { endStreamsOfLostConnection } from '../api/open-stream';
import { EnvelopeError } from '../test-support/memory-bridge';
import { renderApp, teardownApp } from '../test-support/render-app';
import { splitInput } from './Terminal';

/** Stream calls of the terminal (the detail page's Logs tab opens and closes its own log stream). */
const termCalls = (b: { callsOf(m: 'streams.open' | 'streams.close'): unknown[] }, m: 'streams.open' | 'streams.close') =>
  b.callsOf(m).filter((c) => (c as { kind?: string }).kind !== 'container.logs' && (c as { streamId?: string }).streamId !== 's_logs0001');

// The terminal's states and pages over the in-memory bridge (typing and output through a real
// shell are proven in e2e/terminal.e2e.ts, in Chromium against the lab).

const lab = host({ name: 'lab', address: 'root@127.0.0.1:2222' });
const web = container(lab, { name: 'web', image: 'nginx:1.27' });
const stopped = container(lab, { name: 'worker', state: 'exited', status: 'Exited (0) 2 minutes ago' });
const base = { 'hosts.list': () => [lab], 'containers.list': () => [hostContainers(lab, [web, stopped])] };

afterEach(teardownApp);

async function openTerminalTab(name: string) {
  fireEvent.click(screen.getByRole('button', { name: `Open ${name}` }));
  fireEvent.click(await screen.findByRole('tab', { name: 'Terminal' }));
}

describe('Terminal', () => {
  it('shows why a stopped container has no terminal, and offers to start it', async () => {
    const { bridge } = await renderApp({ ...base, 'containers.start': () => undefined });
    await openTerminalTab('worker');
    const empty = await screen.findByTestId('terminal-not-running');
    expect(empty.textContent).toMatch(/not running/);
    fireEvent.click(within(empty).getByRole('button', { name: 'Start worker' }));
    await waitFor(() => expect(bridge.callsOf('containers.start')).toEqual([{ hostId: lab.id, containerId: stopped.id }]));
    expect(termCalls(bridge, 'streams.open')).toEqual([]);
  });

  it('opens a container.exec stream, shows the error when it fails, and Reconnect tries again', async () => {
    let attempts = 0;
    const { bridge } = await renderApp({
      ...base,
      'streams.open': (i: { kind: string }) => {
        if (i.kind === 'container.logs') return { streamId: StreamId('s_logs0001') };
        attempts++;
        if (attempts === 1) {
          throw new EnvelopeError({ code: 'SHELL_FAILED', message: 'No shell could start in web: the image may have no /bin/sh.', fix: 'Use the Logs tab.' });
        }
        return { streamId: StreamId('s_term0001') };
      },
      'streams.close': () => undefined,
    });
    await openTerminalTab('web');
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('No shell could start in web');
    expect(screen.getByTestId('terminal').getAttribute('data-phase')).toBe('failed');
    const open = termCalls(bridge, 'streams.open')[0] as { kind: string; hostId: string; containerId: string; cols: number; rows: number };
    expect(open).toMatchObject({ kind: 'container.exec', hostId: lab.id, containerId: web.id });
    expect(open.cols).toBeGreaterThan(0);
    expect(open.rows).toBeGreaterThan(0);

    fireEvent.click(screen.getByRole('button', { name: 'Reconnect' }));
    await waitFor(() => expect(screen.getByTestId('terminal').getAttribute('data-phase')).toBe('open'));
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByText('Shell in web')).toBeTruthy();

    // An open session that is cut off (the connection to Homeport or the host dropped) says so.
    act(() => endStreamsOfLostConnection(client()));
    expect((await screen.findByRole('alert')).textContent).toMatch(/^The terminal was cut offThe connection to Homeport was lost/);
    fireEvent.click(screen.getByRole('button', { name: 'Reconnect' }));
    await waitFor(() => expect(screen.getByTestId('terminal').getAttribute('data-phase')).toBe('open'));

    // The session ends when the shell exits; leaving the tab afterwards closes nothing more.
    bridge.emit('stream.end', { streamId: StreamId('s_term0001'), error: null });
    await screen.findByText('Session ended');
    expect(screen.getByRole('button', { name: 'Reconnect' })).toBeTruthy();
    fireEvent.click(screen.getByRole('tab', { name: 'Logs' }));
    expect(termCalls(bridge, 'streams.close')).toEqual([]);
  });

  it('closes its stream when the user leaves the tab', async () => {
    const { bridge } = await renderApp({ ...base, 'streams.open': (i: { kind: string }) => ({ streamId: StreamId(i.kind === 'container.logs' ? 's_logs0001' : 's_term0002') }), 'streams.close': () => undefined });
    await openTerminalTab('web');
    await waitFor(() => expect(screen.getByTestId('terminal').getAttribute('data-phase')).toBe('open'));
    fireEvent.click(screen.getByRole('tab', { name: 'Stats' }));
    await waitFor(() => expect(termCalls(bridge, 'streams.close')).toEqual([{ streamId: 's_term0002' }]));
  });

  it('opens a host shell from Hosts as a page that Escape does not close; Back does', async () => {
    const { bridge } = await renderApp({ ...base, 'streams.open': (i: { kind: string }) => ({ streamId: StreamId(i.kind === 'container.logs' ? 's_logs0001' : 's_term0003') }), 'streams.close': () => undefined });
    fireEvent.click(screen.getByRole('button', { name: 'Hosts' }));
    fireEvent.click(screen.getByRole('button', { name: 'Open shell on lab' }));
    expect(await screen.findByRole('heading', { name: 'Shell on lab' })).toBeTruthy();
    await waitFor(() => expect(screen.getByTestId('terminal').getAttribute('data-phase')).toBe('open'));
    expect(termCalls(bridge, 'streams.open')[0]).toMatchObject({ kind: 'host.shell', hostId: lab.id });
    fireEvent.keyDown(window, { key: 'Escape' });
    expect(screen.getByTestId('host-shell')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Back to hosts' }));
    expect(screen.queryByTestId('host-shell')).toBeNull();
    expect(screen.getByRole('heading', { name: 'Hosts' })).toBeTruthy();
    await waitFor(() => expect(termCalls(bridge, 'streams.close')).toEqual([{ streamId: 's_term0003' }]));
  });

  it('offers no shell for hosts that are not connected', async () => {
    const down = host({ name: 'nas', state: { status: 'disconnected' } });
    await renderApp({ ...base, 'hosts.list': () => [lab, down] });
    fireEvent.click(screen.getByRole('button', { name: 'Hosts' }));
    expect(screen.getByRole('button', { name: 'Open shell on lab' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Open shell on nas' })).toBeNull();
  });
});

describe('splitInput', () => {
  it('keeps small input whole and splits a big paste without breaking a surrogate pair', () => {
    expect(splitInput('ls\r')).toEqual(['ls\r']);
    const pieces = splitInput('ab🐳cd', 3);
    expect(pieces.join('')).toBe('ab🐳cd');
    expect(pieces).toEqual(['ab', '🐳c', 'd']);
  });
});
