import type { HostId } from '../../../../shared/contract';
import { BackButton } from '../../components/BackButton';
import { EmptyState } from '../../components/EmptyState';
import { HostStateBadge } from '../../components/HostStateBadge';
import { Terminal } from '../../components/Terminal';
import { appStore, useApp } from '../../store';

/**
 * A full-page shell on a host, over the SSH connection Homeport already holds. Escape is not a
 * way back here — it belongs to the shell (vi, less, readline) — so the page has a Back button.
 */
export function HostShellPage({ hostId }: { hostId: HostId }) {
  const host = useApp((s) => s.hosts.find((h) => h.id === hostId) ?? null);
  const back = () => appStore.getState().closeHostShell();
  const connected = host?.state.status === 'connected';
  return (
    <section className="view host-shell" aria-labelledby="host-shell-title" data-testid="host-shell">
      <header className="view-header">
        <BackButton label="Back to hosts" title="Back to hosts" onClick={back} />
        <h1 className="view-title" id="host-shell-title">
          {host ? `Shell on ${host.name}` : 'Host shell'}
        </h1>
        {host && (
          <span className="view-summary">
            <span className="mono">{host.address}</span> <HostStateBadge state={host.state} />
          </span>
        )}
      </header>
      <div className="detail-panel">
        {!host ? (
          <EmptyState testId="host-shell-gone" title="This host is gone">
            It was removed from Homeport.
          </EmptyState>
        ) : host.kind !== 'ssh' ? (
          <EmptyState title="No shell for the local engine">Homeport reaches this computer&apos;s engine without SSH; use a terminal on this computer.</EmptyState>
        ) : !connected ? (
          <EmptyState testId="host-shell-disconnected" title="The host is not connected">
            The shell runs over the host&apos;s SSH connection. It opens again as soon as the host reconnects.
          </EmptyState>
        ) : (
          <Terminal target={{ kind: 'host.shell', hostId }} label={`${host.user}@${host.hostname}`} />
        )}
      </div>
    </section>
  );
}
