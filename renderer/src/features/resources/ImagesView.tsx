import { useState } from 'react';
import type { HostId, HostImagesInfo, ImageInfo } from '../../../../shared/contract';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { HostListsView } from '../../components/HostListsView';
import { TrashIcon } from '../../components/icons';
import { useSubmit } from '../../components/use-submit';
import { toErrorInfo } from '../../lib/errors';
import { formatAge, formatBytes } from '../../lib/format';
import { appStore, useApp, useHostList } from '../../store';
import { splitImage } from '../containers';
import { pruneImages, removeImage } from './api';
import { PullImageDialog } from './PullImageDialog';
import './resources.css';

const COLS = 'minmax(220px, 2fr) 90px 110px minmax(140px, 1.2fr) 60px';
const shortId = (id: string) => id.replace(/^sha256:/, '').slice(0, 12);

const imagesOf = (l: HostImagesInfo) => l.images;
const imageFields = (i: ImageInfo) => [i.id, ...i.repoTags, ...i.containers];

/** Every image on every host: tags, size, age, the containers created from it; pull, remove, prune. */
export function ImagesView() {
  const hosts = useApp((s) => s.hosts);
  const list = useHostList('images');
  const reload = () => appStore.getState().loadList('images');
  const [pulling, setPulling] = useState(false);
  const [removing, setRemoving] = useState<ImageInfo | null>(null);
  const [pruning, setPruning] = useState<HostId | null>(null);

  return (
    <HostListsView
      kind="images"
      title="Images"
      one="image"
      toolbar={
        <button type="button" className="button button-primary" onClick={() => setPulling(true)}>
          Pull image
        </button>
      }
      list={list}
      itemsOf={imagesOf}
      fieldsOf={imageFields}
      cols={COLS}
      columns={['Tags', 'Size', 'Created', 'Used by', 'Actions']}
      actions={(host) => (
        <button type="button" className="button button-small" onClick={() => setPruning(host.id)}>
          Prune dangling
        </button>
      )}
      dialogs={
        <>
          {pulling && <PullImageDialog onClose={() => setPulling(false)} onPulled={() => void reload()} />}
          {removing && (
            <RemoveImageDialog
              image={removing}
              onDone={() => {
                setRemoving(null);
                void reload();
              }}
              onCancel={() => setRemoving(null)}
            />
          )}
          {pruning && (
            <ConfirmDialog
              title="Prune dangling images?"
              confirmLabel="Prune"
              danger
              onCancel={() => setPruning(null)}
              onConfirm={async () => {
                try {
                  const r = await pruneImages(pruning);
                  appStore.getState().pushToast({ tone: 'success', title: `Pruned ${r.deleted.length} image${r.deleted.length === 1 ? '' : 's'}`, message: `${formatBytes(r.spaceReclaimedBytes)} reclaimed.` });
                } catch (e) {
                  const err = toErrorInfo(e);
                  appStore.getState().pushToast({ tone: 'error', title: 'Could not prune images', message: err.message, ...(err.fix ? { fix: err.fix } : {}) });
                }
                setPruning(null);
                void reload();
              }}
            >
              <p>Untagged images that no container uses will be deleted from {hosts.find((h) => h.id === pruning)?.name ?? 'the host'}.</p>
            </ConfirmDialog>
          )}
        </>
      }
    >
      {(i) => (
        <tr role="row" key={i.id} className="container-row" data-testid="image-row" data-tags={i.repoTags.join(' ')} data-id={i.id}>
          <td role="cell" className="cell-name cell-tags" title={i.repoTags.join('\n') || i.id}>
            {i.repoTags.length === 0 ? (
              <span className="muted mono">&lt;none&gt; {shortId(i.id)}</span>
            ) : (
              // Every tag: two tags of one image are two names people pull and run it by.
              i.repoTags.map((t, n) => {
                const { repo, tag } = splitImage(t);
                return (
                  <span key={t} className={n === 0 ? 'name image-tag-chip image-ref' : 'image-tag-chip image-ref'} data-testid="image-tag" title={t}>
                    <span className="image-repo">{repo}</span>
                    <span className="image-tag">{tag}</span>
                  </span>
                );
              })
            )}
          </td>
          <td role="cell">{formatBytes(i.sizeBytes)}</td>
          <td role="cell" className="cell-status">{formatAge(i.createdAt)}</td>
          <td role="cell" className="cell-image" title={i.containers.join('\n')}>
            {i.containers.length === 0 ? <span className="muted">—</span> : i.containers.join(', ')}
          </td>
          <td role="cell" className="cell-actions">
            <button
              type="button"
              className="icon-button icon-danger"
              aria-label={`Remove ${i.repoTags[0] ?? shortId(i.id)}`}
              title="Remove"
              onClick={() => setRemoving(i)}
            >
              <TrashIcon />
            </button>
          </td>
        </tr>
      )}
    </HostListsView>
  );
}

function RemoveImageDialog({ image, onDone, onCancel }: { image: ImageInfo; onDone(): void; onCancel(): void }) {
  const hostName = useApp((s) => s.hosts.find((h) => h.id === image.hostId)?.name ?? 'its host');
  // "Force" is offered only when no container using it runs (no engine removes those anyway).
  const running = useApp((s) => (s.containers[image.hostId]?.containers ?? []).filter((c) => c.state === 'running' && image.containers.includes(c.name)).map((c) => c.name));
  const multi = image.repoTags.length > 1;
  // With several tags, removing one only untags it; "all" removes the image itself.
  const [target, setTarget] = useState<string>(image.repoTags[0] ?? image.id);
  const [force, setForce] = useState(false);
  const label = image.repoTags[0] ?? shortId(image.id);
  const remove = useSubmit(async () => {
    await removeImage(image, target, force);
    onDone();
  });
  return (
    <ConfirmDialog
      title={`Remove image ${label}?`}
      confirmLabel={force ? 'Force remove' : 'Remove'}
      danger
      onCancel={onCancel}
      form={remove}
      // The refusal shows where it belongs: before what it offers (force, or the containers to stop).
      errorAt="none"
    >
      <p>
        {multi && target !== image.id ? (
          <>
            The tag <span className="mono">{target}</span> will be removed from {hostName}; the image stays under its other tags.
          </>
        ) : (
          <>
            <span className="mono">{label}</span> will be deleted from {hostName}.
          </>
        )}
      </p>
      {multi && (
        <label className="field">
          What to remove
          <select
            data-testid="remove-image-target"
            value={target}
            onChange={(e) => {
              setTarget(e.target.value);
              // The engine's refusal was about the other choice.
              remove.edited();
              setForce(false);
            }}
          >
            {image.repoTags.map((t) => (
              <option key={t} value={t}>
                The tag {t}
              </option>
            ))}
            <option value={image.id}>The whole image (every tag)</option>
          </select>
        </label>
      )}
      {remove.error && <ErrorMessage error={remove.error} title="The engine refused" />}
      {remove.error?.code === 'CONFLICT' && running.length === 0 && (
        <label className="checkbox">
          <input type="checkbox" data-testid="force-remove" checked={force} onChange={(e) => setForce(e.target.checked)} />
          Force: remove it even though stopped containers use it
        </label>
      )}
      {remove.error?.code === 'CONFLICT' && running.length > 0 && (
        <p className="note-warn">Running containers use it ({running.join(', ')}): stop and remove them first.</p>
      )}
    </ConfirmDialog>
  );
}
