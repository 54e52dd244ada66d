import { useEffect, useState } from 'react';
import type { ErrorInfo, StackFileInfo, StackInfo } from '../../../../shared/contract';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { FormDialog } from '../../components/FormDialog';
import { Spinner } from '../../components/Spinner';
import { useSubmit } from '../../components/use-submit';
import { toErrorInfo } from '../../lib/errors';
import { appStore } from '../../store';
import { readComposeFile, validateComposeFile } from './api';

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
  const [checked, setChecked] = useState(false);
  const [confirmRollback, setConfirmRollback] = useState(false);

  useEffect(() => {
    let live = true;
    setLoad({ kind: 'loading' });
    readComposeFile({ hostId: stack.hostId, project: stack.project, path }).then(
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

  const save = useSubmit(async () => {
    setChecked(false);
    await appStore.getState().saveComposeFile({ hostId: stack.hostId, project: stack.project, path: file!.path, content: text });
    onClose();
  });
  const check = useSubmit(async () => {
    setChecked(false);
    await validateComposeFile({ hostId: stack.hostId, project: stack.project, path: file!.path, content: text });
    setChecked(true);
  });
  const busy = save.busy || check.busy;
  // One outcome at a time: a save's or a check's. The text keeps a line-numbered error while it is
  // fixed; the next save or check says whether it still holds.
  const error = save.error ?? check.error;
  const form = { busy, error, fieldErrors: {}, edited: () => {} };
  const onSave = () => {
    if (!file || busy) return;
    check.setError(null);
    void save.run();
  };
  const onCheck = () => {
    if (!file || busy) return;
    save.setError(null);
    void check.run();
  };

  return (
    <FormDialog
      title={`Compose file — ${stack.project}`}
      size="large"
      testId="compose-file-dialog"
      form={form}
      onSubmit={onSave}
      onClose={onClose}
      submitLabel="Save & redeploy"
      submitDisabled={!file || !dirty}
      submitBusy={save.busy}
      errorAt="none"
      actions={
        file?.previousPath && (
          <button type="button" className="button" disabled={busy} onClick={() => setConfirmRollback(true)}>
            Roll back file
          </button>
        )
      }
      moreActions={
        <button type="button" className="button" onClick={onCheck} disabled={!file || busy}>
          {check.busy && <Spinner />}
          Validate
        </button>
      }
    >
      <div className="compose-file-meta">
        {stack.configFiles.length > 1 ? (
          <label className="inline-field">
            <span>File</span>
            <select value={path} disabled={busy} onChange={(e) => setPath(e.target.value)}>
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
          disabled={save.busy}
          onChange={(e) => {
            setText(e.target.value);
            setChecked(false);
          }}
          onKeyDown={(e) => {
            if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
              e.preventDefault();
              onSave();
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
              await appStore.getState().rollBackComposeFile({ hostId: stack.hostId, project: stack.project, path: file.path });
              setConfirmRollback(false);
              onClose();
            } catch (e) {
              setConfirmRollback(false);
              check.setError(null);
              save.setError(toErrorInfo(e));
            }
          }}
        >
          <p>
            {file.path} goes back to the version kept before Homeport&apos;s last change, and the stack is redeployed. The current file is kept
            as the previous one.
          </p>
        </ConfirmDialog>
      )}
    </FormDialog>
  );
}
