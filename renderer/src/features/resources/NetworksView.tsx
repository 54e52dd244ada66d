import { useMemo, useState } from 'react';
import type { HostId, NetworkInfo } from '../../../../shared/contract';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { appStore, useApp, useHostList } from '../../store';
import { removeUnusedNetworks } from './api';
import { NetworkInspectDialog } from './NetworkInspectDialog';
import { listPlaceholder, ListView } from '../../components/ListView';
import { matchesFilter } from '../../lib/filter';
import { HostListSection } from '../../components/HostListSection';
import { toErrorInfo } from '../../lib/errors';

// Narrow enough for the smallest window (960 px) with the actions in view.
const COLS = 'minmax(140px, 1.6fr) 80px minmax(110px, 1fr) minmax(120px, 1.4fr) 90px';

/** Every network on every host: driver, subnets, attached containers; remove the unused ones. */
export function NetworksView() {
  const hosts = useApp((s) => s.hosts);
  const { byHost: lists, error } = useHostList('networks');
  const reload = () => appStore.getState().loadList('networks');
  const [filter, setFilter] = useState('');
  const [pruning, setPruning] = useState<HostId | null>(null);
  const [inspecting, setInspecting] = useState<NetworkInfo | null>(null);

  const shown = useMemo(
    () =>
      hosts.map((h) => ({
        host: h,
        info: lists?.[h.id],
        networks: (lists?.[h.id]?.networks ?? []).filter((n) => matchesFilter(filter, h.name, n.name, n.driver, n.project, ...n.subnets, ...n.containers.map((c) => c.name))),
      })),
    [hosts, lists, filter],
  );
  const total = shown.reduce((n, g) => n + g.networks.length, 0);
  const state = listPlaceholder({ loaded: lists !== null, hostCount: hosts.length, matchCount: total, filter, setFilter, what: 'networks' });

  return (
    <ListView
      title="Networks"
      summary={lists ? `${total} ${total === 1 ? 'network' : 'networks'}` : null}
      filter={filter}
      setFilter={setFilter}
      what="networks"
      loadError={error}
      onRetry={() => void reload()}
    >
      {state ??
        shown
          .filter((g) => !filter.trim() || g.networks.length > 0)
          .map((g) => (
            <HostListSection
              key={g.host.id}
              host={g.host}
              error={g.info?.error}
              count={g.networks.length}
              what="networks"
              cols={COLS}
              columns={['Name', 'Driver', 'Subnets', 'Containers', 'Actions']}
              actions={
                <button type="button" className="button button-small" onClick={() => setPruning(g.host.id)}>
                  Remove unused
                </button>
              }
            >
              {g.networks.map((n) => (
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
              ))}
            </HostListSection>
          ))}
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
    </ListView>
  );
}
