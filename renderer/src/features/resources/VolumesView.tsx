import { useCallback, useEffect, useState } from 'react';
import type { HostId, HostVolumesInfo, VolumeInfo } from '../../../../shared/contract';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { TrashIcon } from '../../components/icons';
import { appStore, useApp, useHostList } from '../../store';
import { removeVolume } from './api';
import { formatBytes } from '../../lib/format';
import { HostListsView } from '../../components/HostListsView';
import { VolumeBrowser } from './VolumeBrowser';
import { BackupVolumeDialog, PruneVolumesDialog, RestoreVolumeDialog } from './VolumeDialogs';

// Narrow enough for the smallest window (960 px) with the actions in view.
const COLS = 'minmax(120px, 2fr) 64px 72px minmax(90px, 1.2fr) 280px';

type Open =
  | { kind: 'browse'; volume: VolumeInfo }
  | { kind: 'backup'; volume: VolumeInfo }
  | { kind: 'restore'; hostId: HostId; volume: VolumeInfo | null }
  | { kind: 'prune'; hostId: HostId };

const volumesOf = (l: HostVolumesInfo) => l.volumes;
const volumeFields = (v: VolumeInfo) => [v.name, v.driver, v.project, ...v.containers.map((c) => c.name)];

/** Every volume on every host: driver, size, the containers mounting it; remove. */
export function VolumesView() {
  const hosts = useApp((s) => s.hosts);
  const list = useHostList('volumes');
  const lists = list.byHost;
  const reload = useCallback(() => appStore.getState().loadList('volumes'), []);
  const [removing, setRemoving] = useState<VolumeInfo | null>(null);
  const [open, setOpen] = useState<Open | null>(null);
  const close = useCallback(() => setOpen(null), []);
  const onRestored = useCallback(() => void reload(), [reload]);

  // An action asked for from the palette: opened once the host's volumes are listed.
  const request = useApp((s) => s.volumeRequest);
  useEffect(() => {
    if (!request || !lists) return;
    const r = appStore.getState().takeVolumeRequest();
    const v = r && lists[r.hostId]?.volumes.find((x) => x.name === r.name);
    if (!r) return;
    if (!v) {
      appStore.getState().pushToast({ tone: 'error', title: `There is no volume ${r.name} any more`, fix: 'It may have been removed meanwhile; the list shows what is there now.' });
      return;
    }
    if (r.action === 'remove') setRemoving(v);
    else if (r.action === 'restore') setOpen({ kind: 'restore', hostId: v.hostId, volume: v });
    else setOpen({ kind: r.action, volume: v });
  }, [request, lists]);

  return (
    <HostListsView
      kind="volumes"
      title="Volumes"
      one="volume"
      list={list}
      itemsOf={volumesOf}
      fieldsOf={volumeFields}
      cols={COLS}
      columns={['Name', 'Driver', 'Size', 'Used by', 'Actions']}
      actions={(host) => (
        <>
          <button type="button" className="button button-small" onClick={() => setOpen({ kind: 'restore', hostId: host.id, volume: null })}>
            Restore…
          </button>
          <button type="button" className="button button-small" onClick={() => setOpen({ kind: 'prune', hostId: host.id })}>
            Prune unused…
          </button>
        </>
      )}
      dialogs={
        <>
          {open?.kind === 'browse' && <VolumeBrowser volume={open.volume} onClose={close} />}
          {open?.kind === 'backup' && <BackupVolumeDialog volume={open.volume} onClose={close} />}
          {open?.kind === 'restore' && (
            <RestoreVolumeDialog hostId={open.hostId} volumes={lists?.[open.hostId]?.volumes ?? []} initial={open.volume} onClose={close} onRestored={onRestored} />
          )}
          {open?.kind === 'prune' && (
            <PruneVolumesDialog
              hostId={open.hostId}
              hostName={hosts.find((h) => h.id === open.hostId)?.name ?? 'the host'}
              volumes={lists?.[open.hostId]?.volumes ?? []}
              onCancel={close}
              onDone={() => {
                close();
                void reload();
              }}
            />
          )}
          {removing && (
            <RemoveVolumeDialog
              volume={removing}
              onCancel={() => setRemoving(null)}
              onDone={() => {
                setRemoving(null);
                void reload();
              }}
            />
          )}
        </>
      }
    >
      {(v) => (
        <tr role="row" key={v.name} className="container-row" data-testid="volume-row" data-name={v.name}>
          <td role="cell" className="cell-name" title={v.name}>
            <span className={v.anonymous ? 'name mono muted' : 'name'}>{v.name}</span>
          </td>
          <td role="cell" className="cell-status">{v.driver}</td>
          <td role="cell">{formatBytes(v.sizeBytes)}</td>
          <td role="cell" className="cell-image" title={v.containers.map((c) => `${c.name} (${c.state})`).join('\n')}>
            {v.containers.length === 0 ? <span className="muted">—</span> : v.containers.map((c) => c.name).join(', ')}
          </td>
          <td role="cell" className="cell-actions volume-actions">
            <button type="button" className="button button-small" aria-label={`Browse ${v.name}`} onClick={() => setOpen({ kind: 'browse', volume: v })}>
              Browse
            </button>
            <button type="button" className="button button-small" aria-label={`Back up ${v.name}`} onClick={() => setOpen({ kind: 'backup', volume: v })}>
              Back up
            </button>
            <button type="button" className="button button-small" aria-label={`Restore into ${v.name}`} onClick={() => setOpen({ kind: 'restore', hostId: v.hostId, volume: v })}>
              Restore…
            </button>
            <button type="button" className="icon-button icon-danger" aria-label={`Remove ${v.name}`} title="Remove" onClick={() => setRemoving(v)}>
              <TrashIcon />
            </button>
          </td>
        </tr>
      )}
    </HostListsView>
  );
}

function RemoveVolumeDialog({ volume: v, onDone, onCancel }: { volume: VolumeInfo; onDone(): void; onCancel(): void }) {
  const hostName = useApp((s) => s.hosts.find((h) => h.id === v.hostId)?.name ?? 'its host');
  return (
    <ConfirmDialog
      title={`Remove volume ${v.name}?`}
      confirmLabel="Remove"
      danger
      onCancel={onCancel}
      onConfirm={async () => {
        await removeVolume(v.hostId, v.name);
        onDone();
      }}
      errorTitle="The engine refused"
    >
      <p>
        <span className="mono">{v.name}</span> and every file in it will be deleted from {hostName}. This cannot be undone.
      </p>
      {v.containers.length > 0 && <p className="note-warn">Used by {v.containers.map((c) => c.name).join(', ')}: the engine refuses while a container mounts it.</p>}
    </ConfirmDialog>
  );
}
