import { useState } from 'react';
import type { ContainerInfo, UpgradeOptionsInfo } from '../../../../shared/contract';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { appStore } from '../../store';
import { formatAge } from '../../lib/format';
import { toErrorInfo } from '../../lib/errors';
import { UpgradeDialog } from './UpgradeDialog';
import { discardPrevious, rollBack } from './api';
import { shortImageId, useUpgradeOptions } from './upgrade-model';
import './upgrade.css';

/** "Upgrade…" in the container detail header. */
export function UpgradeButton({ container }: { container: ContainerInfo }) {
  const entry = useUpgradeOptions(container);
  // The dialog keeps the options it opened with: after an upgrade the page follows the new
  // container, whose options load afresh, and the dialog stays to show the outcome.
  const [openWith, setOpenWith] = useState<UpgradeOptionsInfo | null>(null);
  const options = entry?.options ?? null;
  return (
    <>
      <button
        type="button"
        className="button button-small"
        data-testid="upgrade-button"
        disabled={!options}
        title={entry?.error ? entry.error.message : options?.compose ? 'A compose service: upgrade it from the Stacks view' : 'Recreate on another image tag, keeping the old container'}
        onClick={() => setOpenWith(options)}
      >
        Upgrade…
      </button>
      {openWith && <UpgradeDialog container={container} options={openWith} onClose={() => setOpenWith(null)} />}
    </>
  );
}

/** Shown while an upgrade's old container is kept: "Upgraded from X — Roll back". */
export function UpgradeBanner({ container }: { container: ContainerInfo }) {
  const entry = useUpgradeOptions(container);
  const [confirm, setConfirm] = useState<'rollback' | 'discard' | null>(null);
  const prev = entry?.options?.previous;
  if (!prev || !entry?.options) return null;
  const ref = { hostId: container.hostId, containerId: container.id };

  const rollback = async () => {
    try {
      const r = await rollBack(ref);
      setConfirm(null);
      appStore.getState().openDetail({ hostId: container.hostId, containerId: r.containerId }, appStore.getState().detail?.tab ?? 'logs');
      appStore.getState().pushToast({ tone: 'success', title: `Rolled back ${r.name}`, message: `Back on ${r.image}.` });
    } catch (e) {
      const err = toErrorInfo(e);
      setConfirm(null);
      appStore.getState().pushToast({ tone: 'error', title: 'The rollback failed', message: err.message, ...(err.fix ? { fix: err.fix } : {}) });
      void appStore.getState().loadUpgradeOptions(container, true);
    }
  };
  const discard = async () => {
    try {
      await discardPrevious(ref);
      setConfirm(null);
      appStore.getState().pushToast({ tone: 'success', title: 'Removed the kept container', message: `${container.name} stays on ${container.image}.` });
    } catch (e) {
      const err = toErrorInfo(e);
      setConfirm(null);
      appStore.getState().pushToast({ tone: 'error', title: 'Could not remove the kept container', message: err.message, ...(err.fix ? { fix: err.fix } : {}) });
    }
    void appStore.getState().loadUpgradeOptions(container, true);
  };

  return (
    <div className="upgrade-banner" role="status" data-testid="upgrade-banner">
      <span>
        Upgraded from <span className="mono">{prev.image}</span> <span className="muted">({shortImageId(prev.imageId)}{prev.upgradedAt ? `, ${formatAge(prev.upgradedAt)}` : ''})</span>. The old
        container is kept, stopped, as <span className="mono">{prev.name}</span>.
      </span>
      <span className="upgrade-banner-actions">
        <button type="button" className="button button-small button-primary" onClick={() => setConfirm('rollback')}>
          Roll back
        </button>
        <button type="button" className="button button-small" onClick={() => setConfirm('discard')}>
          Keep this version
        </button>
      </span>
      {confirm === 'rollback' && (
        <ConfirmDialog title={`Roll back ${container.name}?`} confirmLabel="Roll back" onConfirm={rollback} onCancel={() => setConfirm(null)}>
          <p>
            {container.name} goes back to <span className="mono">{prev.image}</span>: the kept container takes its place and starts, then the upgraded one (
            <span className="mono">{container.image}</span>) is removed. Named and anonymous volumes stay.
          </p>
        </ConfirmDialog>
      )}
      {confirm === 'discard' && (
        <ConfirmDialog title="Remove the kept container?" confirmLabel="Remove it" danger onConfirm={discard} onCancel={() => setConfirm(null)}>
          <p>
            <span className="mono">{prev.name}</span> ({prev.image}) is removed; {container.name} stays on {container.image} and can no longer be rolled back. Volumes stay.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
