import { useEffect, useRef, useState } from 'react';
import type { BackupResultInfo, ErrorInfo, HostId, RestoreResultInfo, VolumeInfo, VolumeTransferProgressInfo } from '../../../../shared/contract';
import { pruneVolumes } from './api';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { CloseButton, Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field } from '../../components/Field';
import { CheckboxField, SelectField, TextField } from '../../components/fields';
import { FormDialog } from '../../components/FormDialog';
import { appStore } from '../../store';
import { formatBytes } from '../../lib/format';
import { toErrorInfo } from '../../lib/errors';
import { backupVolume, filesModeOf, restoreVolume, type TransferHandle } from './volume-transfer';

const PHASE: Record<VolumeTransferProgressInfo['phase'], string> = { checking: 'Checking the archive', emptying: 'Emptying the volume', copying: 'Copying' };

function TransferProgress({ progress, label }: { progress: VolumeTransferProgressInfo | null; label: string }) {
  const pct = progress?.totalBytes ? Math.min(100, Math.round((progress.bytes / progress.totalBytes) * 100)) : null;
  return (
    <div className="transfer-progress" data-testid="transfer-progress">
      <progress max={100} value={pct ?? undefined} aria-label={label} />
      <span className="muted">
        {progress ? `${PHASE[progress.phase]}: ${formatBytes(progress.bytes)}${progress.totalBytes ? ` of ${formatBytes(progress.totalBytes)}` : ''}` : 'Starting…'}
      </span>
    </div>
  );
}

type Run<T> = { kind: 'running' } | { kind: 'done'; value: T } | { kind: 'failed'; error: ErrorInfo } | { kind: 'cancelled' };

/** Runs a transfer while mounted; leaving cancels it. */
function useTransfer<T>() {
  const [run, setRun] = useState<Run<T> | null>(null);
  const [progress, setProgress] = useState<VolumeTransferProgressInfo | null>(null);
  const handle = useRef<TransferHandle<T> | null>(null);
  // Leaving cancels; checked a tick later, so React's development double mount does not.
  const mounted = useRef(false);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
      setTimeout(() => {
        if (!mounted.current) handle.current?.cancel();
      }, 0);
    };
  }, []);
  const start = (begin: (onProgress: (p: VolumeTransferProgressInfo) => void) => TransferHandle<T>) => {
    setProgress(null);
    setRun({ kind: 'running' });
    const h = begin(setProgress);
    handle.current = h;
    h.done.then(
      (value) => {
        if (handle.current === h) setRun(value === null ? { kind: 'cancelled' } : { kind: 'done', value });
      },
      (e: unknown) => handle.current === h && setRun({ kind: 'failed', error: toErrorInfo(e) }),
    );
  };
  const cancel = () => {
    handle.current?.cancel();
    handle.current = null;
  };
  const clear = () => setRun(null);
  return { run, progress, start, cancel, clear };
}

/** Backs a volume up to a .tar.gz on the user's computer (a download in a browser; a save dialog in the app). */
export function BackupVolumeDialog({ volume: v, onClose }: { volume: VolumeInfo; onClose(): void }) {
  const t = useTransfer<{ result: BackupResultInfo; fileName: string }>();
  const { start } = t;
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    start((onProgress) => backupVolume(v.hostId, v.name, onProgress));
  }, [start, v.hostId, v.name]);
  const running = t.run?.kind === 'running';
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;
  const run = t.run;
  useEffect(() => {
    // The save dialog was cancelled: nothing to show.
    if (run?.kind === 'cancelled') onCloseRef.current();
  }, [run]);

  return (
    <Dialog
      title={`Back up ${v.name}`}
      size="medium"
      testId="backup-dialog"
      onClose={onClose}
      footer={<CloseButton onClose={onClose}>{running ? 'Cancel backup' : 'Done'}</CloseButton>}
    >
      {v.containers.some((c) => c.state === 'running') && running && (
        <p className="note-warn">
          {v.containers.filter((c) => c.state === 'running').map((c) => c.name).join(', ')} {v.containers.filter((c) => c.state === 'running').length === 1 ? 'is' : 'are'} running:
          the backup is the files as they are on disk right now. Stop them first for a consistent copy.
        </p>
      )}
      {running && <TransferProgress progress={t.progress} label="Backup progress" />}
      {t.run?.kind === 'done' && (
        <div className="transfer-done" role="status" data-testid="backup-done">
          <p>
            Backed up <strong>{v.name}</strong> to <span className="mono" data-testid="backup-file">{t.run.value.fileName}</span>
          </p>
          <p className="muted">
            {formatBytes(t.run.value.result.tarBytes)} of files, {formatBytes(t.run.value.result.gzipBytes)} compressed.
          </p>
        </div>
      )}
      {t.run?.kind === 'failed' && <ErrorMessage error={t.run.error} title="The backup failed" />}
    </Dialog>
  );
}

/** Restores a .tar.gz into a new volume, or over an existing one after a confirmation naming its containers. */
export function RestoreVolumeDialog({
  hostId,
  volumes,
  initial,
  onClose,
  onRestored,
}: {
  hostId: HostId;
  /** The host's volumes (for "overwrite" and for name clashes). */
  volumes: VolumeInfo[];
  /** The volume whose Restore… was chosen, if any. */
  initial: VolumeInfo | null;
  onClose(): void;
  onRestored(): void;
}) {
  const [mode, setMode] = useState<'new' | 'overwrite'>('new');
  const [newName, setNewName] = useState(initial ? `${initial.name}-restored` : '');
  const [target, setTarget] = useState(initial?.name ?? volumes.find((v) => !v.anonymous)?.name ?? '');
  const [file, setFile] = useState<File | null>(null);
  const [keepSetuid, setKeepSetuid] = useState(false);
  const [native, setNative] = useState<boolean | null>(null);
  const [confirming, setConfirming] = useState(false);
  const t = useTransfer<RestoreResultInfo>();
  useEffect(() => {
    let live = true;
    void filesModeOf().then((m) => live && setNative(m === 'native'));
    return () => {
      live = false;
    };
  }, []);
  const running = t.run?.kind === 'running';
  const done = t.run?.kind === 'done' ? t.run.value : null;
  const name = mode === 'new' ? newName.trim() : target;
  // Once the restore made the volume, the list has it: that is the outcome, not a clash.
  const nameError =
    done || mode !== 'new'
      ? null
      : newName.trim() && !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/.test(newName.trim())
        ? 'Use letters, digits, _ . and -, starting with a letter or digit.'
        : volumes.some((v) => v.name === newName.trim())
          ? 'A volume with this name exists: choose another name, or restore over it.'
          : null;
  const ready = native !== null && (native || file !== null) && !!name && !nameError && !running;
  const targetInfo = volumes.find((v) => v.name === target) ?? null;

  const begin = () => {
    setConfirming(false);
    t.start((onProgress) => restoreVolume({ hostId, name, mode, keepSetuid, file: native ? null : file }, onProgress));
  };
  const submit = () => {
    if (!ready) return;
    if (mode === 'overwrite') setConfirming(true);
    else begin();
  };
  const onRestoredRef = useRef(onRestored);
  onRestoredRef.current = onRestored;
  const run = t.run;
  useEffect(() => {
    if (run?.kind === 'done') onRestoredRef.current();
  }, [run]);

  // A failed restore's error is about the input it had: changing the input takes it away.
  const edited = () => {
    if (t.run?.kind === 'failed') t.clear();
  };
  // The transfer's state for the form around it: busy while it runs, its failure as the form's error.
  const form = { busy: running, error: t.run?.kind === 'failed' ? t.run.error : null, fieldErrors: {}, edited };
  return (
    <>
      <FormDialog
        title={initial ? `Restore from a backup of ${initial.name}` : 'Restore a volume'}
        testId="restore-dialog"
        form={form}
        onSubmit={submit}
        onClose={onClose}
        closeWhileBusy
        cancelLabel={running ? 'Cancel restore' : done ? 'Done' : 'Cancel'}
        submitLabel={done ? null : native ? 'Choose file and restore…' : mode === 'overwrite' ? 'Restore over it…' : 'Restore'}
        submitDisabled={!ready}
        danger={mode === 'overwrite'}
        errorTitle="The restore failed"
      >
        {!native && native !== null && (
          <Field label="Backup file" hint="A .tar.gz (or .tar) made by Back up, or by tar -czf of a volume's folder.">
            {({ id, describedBy }) => (
              <input
                id={id}
                type="file"
                accept=".gz,.tgz,.tar,application/gzip,application/x-tar"
                aria-describedby={describedBy}
                disabled={running}
                data-testid="restore-file"
                onChange={(e) => {
                  setFile(e.target.files?.[0] ?? null);
                  edited();
                }}
              />
            )}
          </Field>
        )}
        {file && (
          <p className="muted small">
            {file.name} · {formatBytes(file.size)}
          </p>
        )}
        <fieldset className="radio-group" disabled={running}>
          <legend>Restore into</legend>
          <label className="radio">
            <input type="radio" name="restore-mode" checked={mode === 'new'} onChange={() => {
                setMode('new');
                edited();
              }} />A new volume
          </label>
          <label className="radio">
            <input type="radio" name="restore-mode" checked={mode === 'overwrite'} onChange={() => {
                setMode('overwrite');
                edited();
              }} disabled={volumes.length === 0} />
            An existing volume (replaces all its files)
          </label>
        </fieldset>
        {mode === 'new' ? (
          <TextField
            label="New volume name"
            error={nameError}
            mono
            value={newName}
            disabled={running}
            spellCheck={false}
            autoComplete="off"
            placeholder="my-data-restored"
            onChange={setNewName}
          />
        ) : (
          <SelectField label="Volume to overwrite" value={target} disabled={running} onChange={setTarget}>
            {volumes.map((v) => (
              <option key={v.name} value={v.name}>
                {v.name}
              </option>
            ))}
          </SelectField>
        )}
        <CheckboxField
          label=" Keep setuid/setgid bits"
          note={
            <span className="muted small">
              {' '}
              — off: restored files lose them, so a setuid program in the archive cannot give root to whoever runs it in a container.
            </span>
          }
          checked={keepSetuid}
          disabled={running}
          onChange={setKeepSetuid}
        />
        {mode === 'overwrite' && targetInfo && targetInfo.containers.length > 0 && (
          <p className="note-warn">
            Used by {targetInfo.containers.map((c) => `${c.name} (${c.state})`).join(', ')}. A running container must be stopped first.
          </p>
        )}
        {running && <TransferProgress progress={t.progress} label="Restore progress" />}
        {done && (
          <p className="transfer-done" role="status" data-testid="restore-done">
            Restored {done.entries} {done.entries === 1 ? 'entry' : 'entries'} ({formatBytes(done.bytes)}) into <strong className="mono">{done.volume}</strong>.
            {done.setuidCleared > 0 && ` The setuid/setgid bits of ${done.setuidCleared} ${done.setuidCleared === 1 ? 'file were' : 'files were'} removed.`}
          </p>
        )}
      </FormDialog>
      {confirming && targetInfo && (
        <ConfirmDialog title={`Replace every file in ${targetInfo.name}?`} confirmLabel="Replace its files" danger onCancel={() => setConfirming(false)} onConfirm={begin}>
          <p>
            The volume is emptied and filled from the backup. Files that are not in the backup are lost. The archive is checked in full before anything is deleted.
          </p>
          {targetInfo.containers.length > 0 ? (
            <p className="note-warn" data-testid="overwrite-users">
              Containers using it: {targetInfo.containers.map((c) => `${c.name} (${c.state})`).join(', ')}.
            </p>
          ) : (
            <p className="muted">No container uses it.</p>
          )}
        </ConfirmDialog>
      )}
    </>
  );
}

/** Removes the host's unused volumes, listing exactly which ones go. */
export function PruneVolumesDialog({ hostId, hostName, volumes, onCancel, onDone }: { hostId: HostId; hostName: string; volumes: VolumeInfo[]; onCancel(): void; onDone(): void }) {
  const [all, setAll] = useState(false);
  const unused = volumes.filter((v) => v.containers.length === 0);
  const going = unused.filter((v) => all || v.anonymous);
  const bytes = going.reduce((n, v) => n + (v.sizeBytes ?? 0), 0);
  return (
    <ConfirmDialog
      title={`Remove unused volumes on ${hostName}?`}
      confirmLabel={going.length ? `Remove ${going.length} volume${going.length === 1 ? '' : 's'}` : 'Nothing to remove'}
      danger
      onCancel={onCancel}
      onConfirm={async () => {
        if (!going.length) return onCancel();
        const r = await pruneVolumes(hostId, all);
        appStore.getState().pushToast({
          tone: r.failed.length ? 'error' : 'success',
          title: `Removed ${r.deleted.length} volume${r.deleted.length === 1 ? '' : 's'} (${formatBytes(r.spaceReclaimedBytes)})`,
          ...(r.failed.length ? { message: r.failed.map((f) => `${f.name}: ${f.message}`).join('\n') } : {}),
        });
        onDone();
      }}
      errorTitle="The engine refused"
    >
      <label className="checkbox">
        <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} /> Also named volumes no container uses (they often hold data someone meant to keep)
      </label>
      {going.length === 0 ? (
        <p className="muted">No {all ? '' : 'anonymous '}volume is unused.</p>
      ) : (
        <>
          <p>
            These {going.length} volume{going.length === 1 ? '' : 's'} and their files ({formatBytes(bytes)}) will be deleted; this cannot be undone:
          </p>
          <ul className="prune-list" data-testid="prune-list">
            {going.map((v) => (
              <li key={v.name} className="mono">
                {v.name} <span className="muted">{formatBytes(v.sizeBytes)}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </ConfirmDialog>
  );
}
