import { useState } from 'react';
import type { HostInfo } from '../../../../shared/contract';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { EmptyState } from '../../components/EmptyState';
import { ErrorMessage } from '../../components/ErrorMessage';
import { HostStateBadge } from '../../components/HostStateBadge';
import { LoadingNote, Spinner } from '../../components/Spinner';
import { TableHead } from '../../components/TableHead';
import { ViewHeader } from '../../components/ViewHeader';
import { appStore, useApp } from '../../store';
import { authSummary, canConnect } from './host-model';
import { SshImportDialog } from './SshImportDialog';
import './hosts.css';

export function HostsView() {
  const { hosts, keys, hostsLoaded } = useApp((s) => ({ hosts: s.hosts, keys: s.keys, hostsLoaded: s.hostsLoaded }));
  const [importing, setImporting] = useState(false);
  const [removing, setRemoving] = useState<HostInfo | null>(null);
  const sorted = [...hosts].sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
  const openAdd = () => appStore.getState().openHostDialog({ open: true, mode: 'add' });

  return (
    <div className="view">
      <ViewHeader
        title="Hosts"
        summary={hosts.length > 0 && `${hosts.filter((h) => h.state.status === 'connected').length} of ${hosts.length} connected`}
        toolbar={
          <>
            <button type="button" className="button" onClick={() => setImporting(true)}>
              Import from ~/.ssh/config
            </button>
            <button type="button" className="button button-primary" onClick={openAdd}>
              Add host
            </button>
          </>
        }
      />
      <div className="view-body">
        {!hostsLoaded ? (
          <LoadingNote />
        ) : hosts.length === 0 ? (
          <EmptyState title="No hosts yet" testId="empty-no-hosts">
            Add a server by its SSH address, import the hosts from your ~/.ssh/config, or add this computer&apos;s own
            Docker engine.
          </EmptyState>
        ) : (
          <table className="data-table hosts-table" aria-label="Hosts">
            <TableHead
              columns={[
                { label: 'Name', className: 'col-name' },
                'Address',
                { label: 'Docker socket', className: 'col-socket' },
                { label: 'Authentication', className: 'col-auth' },
                'State',
                { label: 'Actions', className: 'col-actions-head' },
              ]}
            />
            <tbody>
              {sorted.map((h) => (
                <HostRow key={h.id} host={h} auth={authSummary(h, keys)} onRemove={() => setRemoving(h)} />
              ))}
            </tbody>
          </table>
        )}
      </div>
      {importing && <SshImportDialog onClose={() => setImporting(false)} />}
      {removing && (
        <ConfirmDialog
          title={`Remove host ${removing.name}?`}
          confirmLabel="Remove"
          danger
          onCancel={() => setRemoving(null)}
          onConfirm={async () => {
            await appStore.getState().removeHost(removing.id);
            setRemoving(null);
          }}
        >
          <p>
            Homeport disconnects and forgets this host and its stored password. Nothing changes on the server, and its
            containers keep running.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}

function HostRow({ host: h, auth, onRemove }: { host: HostInfo; auth: string[]; onRemove(): void }) {
  const busy = useApp((s) => s.hostBusy[h.id]);
  const s = h.state;
  const error = s.status === 'failed' || s.status === 'reconnecting' ? s.error : null;
  const connect = canConnect(s);
  const link = connect ? 'Connect' : 'Disconnect';
  return (
    <>
      <tr data-testid="host-row" data-host={h.name} data-status={s.status} aria-busy={busy ? true : undefined}>
        <td className="cell-host-name">
          <button type="button" className="link-button host-name-link" title={`${h.name}: open the host overview`} aria-label={`Overview of ${h.name}`} onClick={() => appStore.getState().openHostOverview(h.id)}>
            <strong>{h.name}</strong>
          </button>
        </td>
        <td className="mono">{h.kind === 'local' ? <span className="muted">this computer</span> : h.address}</td>
        <td className="mono cell-socket col-socket">
          {/* Long paths wrap after a slash, not in the middle of a name. */}
          {h.socketPath.split('/').map((part, i) => (
            <span key={i}>
              {i > 0 && '/'}
              {i > 0 && <wbr />}
              {part}
            </span>
          ))}
        </td>
        <td className="col-auth">
          <span className="auth-parts">
            {auth.map((a) => (
              <span key={a} className="tag" title={a}>
                {a}
              </span>
            ))}
          </span>
        </td>
        <td>
          <HostStateBadge state={s} />
        </td>
        <td className="cell-actions">
          {busy && <Spinner />}
          {s.status === 'needs-hostkey' && (
            <button type="button" className="button button-small" onClick={() => appStore.getState().reviewHostKey(h.id)}>
              Verify host key…
            </button>
          )}
          <button
            type="button"
            className="button button-small"
            aria-label={`${link} ${h.name}`}
            disabled={!!busy}
            onClick={() => void (connect ? appStore.getState().connectHost(h.id) : appStore.getState().disconnectHost(h.id))}
          >
            {link}
          </button>
          {s.status === 'connected' && h.kind === 'ssh' && (
            <button
              type="button"
              className="button button-small"
              aria-label={`Open shell on ${h.name}`}
              title="A terminal on the host, over its SSH connection"
              onClick={() => appStore.getState().openHostShell(h.id)}
            >
              Open shell
            </button>
          )}
          <button
            type="button"
            className="button button-small"
            aria-label={`Edit ${h.name}`}
            disabled={!!busy}
            onClick={() => appStore.getState().openHostDialog({ open: true, mode: 'edit', hostId: h.id })}
          >
            Edit
          </button>
          <button type="button" className="button button-small button-danger-quiet" aria-label={`Remove ${h.name}`} disabled={!!busy} onClick={onRemove}>
            Remove
          </button>
        </td>
      </tr>
      {error && (
        <tr className="host-error-row">
          <td colSpan={6}>
            <ErrorMessage error={error} compact={s.status === 'reconnecting'} />
          </td>
        </tr>
      )}
    </>
  );
}
