import { useMemo, type KeyboardEvent, type ReactNode } from 'react';
import { useAnyDialogOpen } from './components/dialog-stack';
import { ContainersIcon, HostsIcon, ImagesIcon, KeyIcon, MonitorsIcon, NetworksIcon, StacksIcon, VolumesIcon } from './components/icons';
import { Spinner } from './components/Spinner';
import { onListArrowKeys } from './components/list-keys';
import { Toasts } from './components/Toasts';
import { ContainerDetail } from './features/container-detail/ContainerDetail';
import { ContainersView } from './features/containers/ContainersView';
import { CommandPalette } from './features/palette/CommandPalette';
import { HostDialogHost } from './features/hosts/HostDialog';
import { HostKeyPrompt } from './features/hosts/HostKeyPrompt';
import { HostShellPage } from './features/hosts/HostShellPage';
import { HostOverview } from './features/hosts/HostOverview';
import { HostsView } from './features/hosts/HostsView';
import { KeysView } from './features/keys/KeysView';
import { MonitorsView } from './features/monitors/MonitorsView';
import { ImagesView } from './features/resources/ImagesView';
import { NetworksView } from './features/resources/NetworksView';
import { VolumesView } from './features/resources/VolumesView';
import { SettingsProblems } from './features/settings/SettingsProblems';
import { StacksView } from './features/stacks/StacksView';
import { kumaStatusItems, summarizeMonitors } from '../../shared/model/monitor-status';
import { appStore, useApp, type View } from './store';

const NAV: { view: View; label: string; icon: ReactNode }[] = [
  { view: 'containers', label: 'Containers', icon: <ContainersIcon /> },
  { view: 'stacks', label: 'Stacks', icon: <StacksIcon /> },
  { view: 'images', label: 'Images', icon: <ImagesIcon /> },
  { view: 'volumes', label: 'Volumes', icon: <VolumesIcon /> },
  { view: 'networks', label: 'Networks', icon: <NetworksIcon /> },
  { view: 'monitors', label: 'Monitors', icon: <MonitorsIcon /> },
  { view: 'hosts', label: 'Hosts', icon: <HostsIcon /> },
  { view: 'keys', label: 'Keys', icon: <KeyIcon /> },
];

export function App() {
  const { view, transport, detail, hostShell, hostOverview } = useApp((s) => ({ view: s.view, transport: s.transport, detail: s.detail, hostShell: s.hostShell, hostOverview: s.hostOverview }));
  const attention = useApp((s) => s.hosts.filter((h) => h.state.status === 'failed' || h.state.status === 'needs-hostkey').length);
  const anyDialog = useAnyDialogOpen();
  const { monitors, kuma } = useApp((s) => ({ monitors: s.monitors, kuma: s.kuma }));
  const items = useMemo(() => [...monitors, ...kumaStatusItems(kuma)], [monitors, kuma]);
  const health = items.length > 0 ? summarizeMonitors(items) : null;

  if (transport === 'unauthorized') return <SessionExpired />;

  // Up/Down move along the nav like a list of tabs; Tab leaves it.
  const onNavKey = (e: KeyboardEvent<HTMLElement>) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    const buttons = [...e.currentTarget.querySelectorAll<HTMLButtonElement>('button')];
    const i = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (i < 0) return;
    e.preventDefault();
    buttons[(i + (e.key === 'ArrowDown' ? 1 : buttons.length - 1)) % buttons.length]?.focus();
  };

  return (
    <>
      <div className="shell" inert={anyDialog}>
        {transport === 'reconnecting' && (
          <div className="reconnect-bar" role="status" data-testid="reconnect-bar">
            <Spinner /> Reconnecting to Homeport…
          </div>
        )}
        <div className="app">
          <nav className="sidebar" aria-label="Main">
            <div className="brand" aria-hidden="true">
              <span className="brand-mark" />
              Homeport
            </div>
            <ul onKeyDown={onNavKey}>
              {NAV.map((n) => (
                <li key={n.view}>
                  <button
                    type="button"
                    className={`nav-item${view === n.view ? ' active' : ''}`}
                    aria-label={n.label}
                    aria-current={view === n.view ? 'page' : undefined}
                    aria-describedby={n.view === 'monitors' && health ? 'nav-health-text' : undefined}
                    onClick={() => appStore.getState().setView(n.view)}
                  >
                    {n.icon}
                    {n.label}
                    {n.view === 'monitors' && health && (
                      // A description (aria-describedby), not part of the name: the button stays "Monitors".
                      <span className={`nav-health nav-health-${health.status}`} data-testid="nav-health" data-status={health.status} title={health.tooltip}>
                        <span className="sr-only" id="nav-health-text">
                          {health.label}
                        </span>
                      </span>
                    )}
                    {n.view === 'hosts' && attention > 0 && (
                      <span className="nav-alert" aria-hidden="true" title={`${attention} need attention`} />
                    )}
                  </button>
                </li>
              ))}
            </ul>
            <p className="sidebar-keys muted small" aria-label="Keyboard: Control or Command K for the command palette, question mark for all shortcuts">
              <kbd>Ctrl</kbd>+<kbd>K</kbd> commands · <kbd>?</kbd> shortcuts
            </p>
          </nav>
          <main className="main" onKeyDown={onListArrowKeys}>
            <SettingsProblems />
            {view === 'containers' && (detail ? <ContainerDetail detail={detail} /> : <ContainersView />)}
            {view === 'stacks' && <StacksView />}
            {view === 'images' && <ImagesView />}
            {view === 'volumes' && <VolumesView />}
            {view === 'networks' && <NetworksView />}
            {view === 'monitors' && <MonitorsView />}
            {view === 'hosts' && (hostShell ? <HostShellPage hostId={hostShell} /> : hostOverview ? <HostOverview hostId={hostOverview} /> : <HostsView />)}
            {view === 'keys' && <KeysView />}
          </main>
        </div>
      </div>
      <HostDialogHost />
      <HostKeyPrompt />
      <Toasts />
      <CommandPalette />
    </>
  );
}

function SessionExpired() {
  return (
    <main className="session-expired" data-testid="session-expired">
      <div className="session-card" role="alert">
        <h1>Session expired</h1>
        <p>
          Session expired: <a href="/login">log in again</a> with the token, or open the login URL printed by <code>npm run serve</code>.
        </p>
        <p className="muted">
          This browser is no longer signed in to Homeport&apos;s headless server. The login URL carries a one-time token;
          opening it signs this browser in again.
        </p>
      </div>
    </main>
  );
}
