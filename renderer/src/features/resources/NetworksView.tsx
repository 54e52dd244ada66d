import { useState } from 'react';
import type { HostId, HostNetworksInfo, NetworkInfo } from '../../../../shared/contract';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { appStore, useApp, useHostList } from '../../store';
import { removeUnusedNetworks } from './api';
import { NetworkInspectDialog } from './NetworkInspectDialog';
import { HostListsView } from '../../components/HostListsView';
import { toErrorInfo } from '../../lib/errors';

// Narrow enough for the smallest window (960 px) with the actions in view.
const COLS = 'minmax(140px, 1.6fr) 80px minmax(110px, 1fr) minmax(120px, 1.4fr) 90px';

const networksOf = (l: HostNetworksInfo) => l.networks;
const networkFields = (n: NetworkInfo) => [n.name, n.driver, n.project, ...n.subnets, ...n.containers.map((c) => c.name)];

/** Every network on every host: driver, subnets, attached containers; remove the unused ones. */
export function NetworksView() {
  const hosts = useApp((s) => s.hosts);
  const list = useHostList('networks');
  const reload = () => appStore.getState().loadList('networks');
  const [pruning, setPruning] = useState<HostId | null>(null);
  const [inspecting, setInspecting] = useState<NetworkInfo | null>(null);

  return (
    <HostListsView
      kind="networks"
      title="Networks"
      one="network"
      list={list}
      itemsOf={networksOf}
      fieldsOf={networkFields}
      cols={COLS}
      columns={['Name', 'Driver', 'Subnets', 'Containers', 'Actions']}
      actions={(host) => (
        <button type="button" className="button button-small" onClick={() => setPruning(host.id)}>
          Remove unused
        </button>
      )}
      dialogs={
        <>
          {inspecting && <NetworkInspectDialog network={inspecting} onClose={() => setInspecting(null)} />}
          {pruning && (
            <ConfirmDialog
              title="Remove unused networks?"
              confirmLabel="Remove unused"
              danger
              onCancel={() => setPruning(null)}
              onConfirm={async () => {
                try {
                  const r = await removeUnusedNetworks(pruning);
                  appStore.getState().pushToast({
                    tone: r.failed.length ? 'error' : 'success',
                    title: `Removed ${r.deleted.length} network${r.deleted.length === 1 ? '' : 's'}`,
                    ...(r.failed.length ? { message: r.failed.map((f) => `${f.name}: ${f.message}`).join('\n') } : {}),
                  });
                } catch (e) {
                  const err = toErrorInfo(e);
                  appStore.getState().pushToast({ tone: 'error', title: 'Could not remove networks', message: err.message, ...(err.fix ? { fix: err.fix } : {}) });
                }
                setPruning(null);
                void reload();
              }}
            >
              <p>
                Networks on {hosts.find((h) => h.id === pruning)?.name ?? 'the host'} with no container attached will be deleted. Built-in networks (bridge, host, none) stay.
              </p>
            </ConfirmDialog>
          )}
        </>
      }
    >
      {(n) => (
        <tr role="row" key={n.id} className="container-row" data-testid="network-row" data-name={n.name} data-builtin={n.builtIn || undefined}>
          <td role="cell" className="cell-name" title={n.name}>
            <span className="name">{n.name}</span>
            {n.builtIn && <span className="muted">built-in</span>}
          </td>
          <td role="cell" className="cell-status">{n.driver}</td>
          <td role="cell" className="mono" title={n.subnets.join('\n')}>
            {n.subnets.length === 0 ? <span className="muted">—</span> : n.subnets.join(', ')}
          </td>
          <td role="cell" className="cell-image" title={n.containers.map((c) => `${c.name} (${c.state})`).join('\n')}>
            {n.containers.length === 0 ? <span className="muted">—</span> : n.containers.map((c) => c.name).join(', ')}
          </td>
          <td role="cell" className="cell-actions">
            <button type="button" className="button button-small" aria-label={`Inspect ${n.name}`} onClick={() => setInspecting(n)}>
              Inspect
            </button>
          </td>
        </tr>
      )}
    </HostListsView>
  );
}
