import type { ReactNode } from 'react';
import type { HostInfo } from '../../../shared/contract';
import { HostStateBadge } from './HostStateBadge';

/**
 * A host's heading in the lists grouped by host: its name (the section's label, `headingId`),
 * address or socket, and state, then what the list adds on the right (counts, actions). Long
 * names and addresses are cut short with the full text as a tooltip.
 */
export function HostHeader({ host, headingId, children }: { host: HostInfo; headingId: string; children?: ReactNode }) {
  const where = host.kind === 'local' ? host.socketPath : host.address;
  return (
    <header className="host-header">
      <h2 id={headingId} title={host.name}>
        {host.name}
      </h2>
      <span className="host-address mono" title={where}>
        {where}
      </span>
      <HostStateBadge state={host.state} />
      <span className="spacer" />
      {children}
    </header>
  );
}
