import { useEffect, useState } from 'react';
import type { ErrorInfo, StackFileInfo, StackInfo } from '../../../../shared/contract';
import { client } from '../../api/client';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Spinner } from '../../components/Spinner';
import { toErrorInfo } from '../resources/resource-common';
import { useStackRuns } from './stack-runs';

type Load = { kind: 'loading' } | { kind: 'failed'; error: ErrorInfo } | { kind: 'ready'; file: StackFileInfo };

/**
 * The stack's compose file, read from the host: edit, then "Save & redeploy" — compose validates
 * it first and an invalid file changes nothing (the error shows here, the text stays). "Roll back
 * file" restores the version before Homeport's last change.
 */
export function ComposeFileDialog({ stack, onClose }: { stack: StackInfo; onClose(): void }) {
  const [load, setLoad] = useState<Load>({ kind: 'loading' });
  const [path, setPath] = useState(stack.configFiles[0] ?? '');
  const [text, setText] = useState('');
  const [busy, setBusy] = useState<null | 'save' | 'check'>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [checked, setChecked] = useState(false);
  const [confirmRollback, setConfirmRollback] = useState(false);

  useEffect(() => {
    let live = true;
    setLoad({ kind: 'loading' });
    client()
      .stacks.file({ hostId: stack.hostId, project: stack.project, path })
      .then(
        (file) => {
          if (!live) return;
          setLoad({ kind: 'ready', file });
          setText(file.content);
        },
        (e: unknown) => live && setLoad({ kind: 'failed', error: toErrorInfo(e) }),
      );
    return () => {
      live = false;
    };
  }, [stack.hostId, stack.project, path]);

  const file = load.kind === 'ready' ? load.file : null;
  const dirty = file !== null && text !== file.content;

  const save = async () => {
    if (!file || busy) return;
    setBusy('save');
    setError(null);
    setChecked(false);
    try {
      const saved = await client().stacks.saveFile({ hostId: stack.hostId, project: stack.project, path: file.path, content: text });
      onClose();
      void useStackRuns.getState().start(stack.hostId, stack.project, 'up', { title: 'Save & redeploy', file: saved.path });
    } catch (e) {
      setError(toErrorInfo(e));
    } finally {
      setBusy(null);
    }
  };

  const check = async () => {
    if (!file || busy) return;
    setBusy('check');
    setError(null);
    setChecked(false);
    try {
      await client().stacks.validateFile({ hostId: stack.hostId, project: stack.project, path: file.path, content: text });
      setChecked(true);
    } catch (e) {
      setError(toErrorInfo(e));
    } finally {
      setBusy(null);
    }
  };

  return (
    <Dialog
      title={`Compose file — ${stack.project}`}
      size="large"
      testId="compose-file-dialog"
      onClose={() => !busy && onClose()}
      onSubmit={() => void save()}
      footer={
        <>
          {file?.previousPath && (
            <button type="button" className="button" disabled={!!busy} onClick={() => setConfirmRollback(true)}>
              Roll back file
            </button>
          )}
          <span className="spacer" />
          <button type="button" className="button" onClick={onClose} disabled={!!busy}>
            Cancel
          </button>
          <button type="button" className="button" onClick={() => void check()} disabled={!file || !!busy}>
            {busy === 'check' && <Spinner />}
            Validate
          </button>
          <button type="submit" className="button button-primary" disabled={!file || !dirty || !!busy}>
            {busy === 'save' && <Spinner />}
            Save &amp; redeploy
          </button>
        </>
      }
    >
      <div className="compose-file-meta">
        {stack.configFiles.length > 1 ? (
          <label className="inline-field">
            <span>File</span>
            <select value={path} disabled={!!busy} onChange={(e) => setPath(e.target.value)}>
              {stack.configFiles.map((f) => (
                <option key={f} value={f}>
                  {f}
                </option>
              ))}
            </select>
          </label>
        ) : (
          <span className="mono muted" data-testid="compose-file-path">
            {path}
          </span>
        )}
        {dirty && <span className="badge tone-warn">Unsaved changes</span>}
      </div>
      {load.kind === 'loading' && (
        <div className="center-note">
          <Spinner size="medium" /> Reading the file from the host…
        </div>
      )}
      {load.kind === 'failed' && <ErrorMessage error={load.error} title="Could not read the compose file" />}
      {file && (
        <textarea
          className="compose-editor mono"
          aria-label="Compose file"
          value={text}
          spellCheck={false}
          autoCapitalize="off"
          autoCorrect="off"
          wrap="off"
          disabled={busy === 'save'}
          onChange={(e) => {
            setText(e.target.value);
            setChecked(false);
          }}
          onKeyDown={(e) => {
            if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
              e.preventDefault();
              void save();
            }
          }}
        />
      )}
      {error && <ErrorMessage error={error} title={error.code === 'VALIDATION' ? 'The file is not valid — nothing was changed' : 'Could not save the file'} />}
      {checked && !error && (
        <p className="run-ok" role="status">
          Compose accepts this file.
        </p>
      )}
      <p className="muted dialog-hint">
        Saving checks the file with compose on the host first, keeps the current file as <span className="mono">{path.split('/').pop()}.homeport-prev</span>, then runs{' '}
        <span className="mono">up -d</span>; if that fails, the current file is put back and redeployed. Ctrl+S saves.
      </p>
      {confirmRollback && file && (
        <ConfirmDialog
          title="Roll back the compose file?"
          confirmLabel="Roll back & redeploy"
          onCancel={() => setConfirmRollback(false)}
          onConfirm={async () => {
            try {
              const back = await client().stacks.rollbackFile({ hostId: stack.hostId, project: stack.project, path: file.path });
              setConfirmRollback(false);
              onClose();
              void useStackRuns.getState().start(stack.hostId, stack.project, 'up', { title: 'Roll back & redeploy', file: back.path });
            } catch (e) {
              setConfirmRollback(false);
              setError(toErrorInfo(e));
            }
          }}
        >
          <p>
            {file.path} goes back to the version kept before Homeport&apos;s last change, and the stack is redeployed. The current file is kept
            as the previous one.
          </p>
        </ConfirmDialog>
      )}
    </Dialog>
  );
}
