import { useId, type ReactNode } from 'react';
import type { ErrorInfo, HostInfo } from '../../../shared/contract';
import { ErrorMessage } from './ErrorMessage';
import { HostHeader } from './HostHeader';

/** One host's block of a per-host list: header with state, the host's list error or emptiness, then the rows. */
export function HostListSection({
  host,
  error,
  count,
  what,
  columns,
  cols,
  actions,
  children,
}: {
  host: HostInfo;
  error: ErrorInfo | null | undefined;
  count: number;
  what: string;
  columns: string[];
  cols: string;
  actions?: ReactNode;
  children: ReactNode;
}) {
  const headingId = useId();
  const connected = host.state.status === 'connected';
  let note: ReactNode = null;
  if (!connected) note = <p className="host-note muted">Not connected. Connect it on the Hosts screen to see its {what}.</p>;
  else if (error) note = <div className="host-note"><ErrorMessage error={error} title={`Could not list ${what}`} /></div>;
  else if (count === 0) note = <p className="host-note muted">No {what} on this host.</p>;
  return (
    <section className="host-section" data-testid="host-section" data-host={host.name} aria-labelledby={headingId} style={{ ['--cols' as string]: cols }}>
      <HostHeader host={host} headingId={headingId}>
        {count > 0 && <span className="count-summary">{count}</span>}
        {connected && actions}
      </HostHeader>
      {note}
      {count > 0 && (
        <table role="table" className="container-table" aria-label={`${what} on ${host.name}`}>
          <thead className="sr-only" role="rowgroup">
            <tr role="row">
              {columns.map((c) => (
                <th key={c} role="columnheader" scope="col">
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody role="rowgroup">{children}</tbody>
        </table>
      )}
    </section>
  );
}
