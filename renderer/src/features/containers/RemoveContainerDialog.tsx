import { useState } from 'react';
import type { ContainerInfo } from '../../../../shared/contract';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { appStore, useApp } from '../../store';
import { containerStateLabel, removeNeedsForce } from './container-model';

/** Asks before removing a container; force and anonymous volumes follow what the user sees. */
export function RemoveContainerDialog({ container: c, onDone }: { container: ContainerInfo; onDone(): void }) {
  const hostName = useApp((s) => s.hosts.find((h) => h.id === c.hostId)?.name ?? 'its host');
  // The dialog reads the live state: a container that starts meanwhile needs force.
  const live = useApp((s) => s.containers[c.hostId]?.containers.find((x) => x.id === c.id)) ?? c;
  const [removeVolumes, setRemoveVolumes] = useState(false);
  const force = removeNeedsForce(live.state);
  return (
    <ConfirmDialog
      title={`Remove container ${c.name}?`}
      confirmLabel="Remove"
      danger
      onCancel={onDone}
      onConfirm={async () => {
        await appStore.getState().removeContainer({ hostId: c.hostId, containerId: c.id, name: c.name }, { removeVolumes, force });
        onDone();
      }}
    >
      <p>
        <span className="mono">{c.name}</span> on {hostName} will be deleted. Its image and named volumes stay.
      </p>
      {force && (
        <p className="note-warn" data-testid="force-note">
          It is {containerStateLabel(live.state).toLowerCase()}: it will be force-removed (killed, then deleted).
        </p>
      )}
      <label className="checkbox">
        <input type="checkbox" checked={removeVolumes} onChange={(e) => setRemoveVolumes(e.target.checked)} />
        Also remove its anonymous volumes
      </label>
    </ConfirmDialog>
  );
}
