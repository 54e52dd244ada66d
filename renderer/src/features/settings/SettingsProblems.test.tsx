// @vitest-environment happy-dom
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { SettingsProblemInfo } from '../../../../shared/contract';
import { renderApp, teardownApp } from '../../test-support/render-app';

afterEach(teardownApp);

const keyMissing: SettingsProblemInfo = {
  id: 'secret-key',
  area: 'secret-key',
  entry: 'The key file /data/secret.key',
  reason: "Homeport's key file /data/secret.key is missing, and your settings hold 3 secrets sealed with it.",
  fix: 'Put the file back (from a backup) and choose "Check again".',
  actions: ['check-again', 'new-secret-key'],
};
const brokenMonitor: SettingsProblemInfo = {
  id: 'monitor:m_broken',
  area: 'monitors',
  entry: 'The monitor "database"',
  reason: 'port: the port must be a number.',
  fix: 'Correct this entry under "monitors" in /data/settings.json and restart Homeport, or remove it here.',
  actions: ['discard'],
};

describe('saved settings that cannot be read', () => {
  it('are shown above the views with the reason and the fix, and act only on the user’s word', async () => {
    let problems = [keyMissing, brokenMonitor];
    const { bridge } = await renderApp({
      'app.problems': () => problems,
      'app.resolveProblem': ({ id }) => {
        problems = problems.filter((p) => p.id !== id);
      },
    });
    const region = within(await screen.findByRole('region', { name: 'Saved settings that cannot be read' }));
    expect(region.getByText(/2 saved settings cannot be read/)).toBeTruthy();
    expect(region.getByText(keyMissing.reason)).toBeTruthy();
    expect(region.getByText(brokenMonitor.fix)).toBeTruthy();

    // Remove asks first; cancelling does nothing.
    fireEvent.click(region.getByRole('button', { name: 'Remove: The monitor "database"' }));
    const dialog = within(await screen.findByRole('dialog'));
    fireEvent.click(dialog.getByRole('button', { name: 'Cancel' }));
    expect(bridge.callsOf('app.resolveProblem')).toEqual([]);
    fireEvent.click(region.getByRole('button', { name: 'Remove: The monitor "database"' }));
    fireEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Remove' }));
    await waitFor(() => expect(bridge.callsOf('app.resolveProblem')).toEqual([{ id: brokenMonitor.id, action: 'discard' }]));
    await waitFor(() => expect(screen.getAllByTestId('settings-problem')).toHaveLength(1));

    // "Check again" needs no confirmation.
    fireEvent.click(region.getByRole('button', { name: 'Check again: The key file /data/secret.key' }));
    await waitFor(() => expect(bridge.callsOf('app.resolveProblem')).toContainEqual({ id: 'secret-key', action: 'check-again' }));
    await waitFor(() => expect(screen.queryByTestId('settings-problems')).toBeNull());

    // The services say so when new ones appear.
    act(() => bridge.emit('app.problems', [brokenMonitor]));
    expect(await screen.findByText(brokenMonitor.reason)).toBeTruthy();
  });
});
