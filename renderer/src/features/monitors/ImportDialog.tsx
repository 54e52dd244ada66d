import { useState } from 'react';
import type { MonitorImportResultInfo } from '../../../../shared/contract';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field } from '../../components/Field';
import { FormDialog } from '../../components/FormDialog';
import { useSubmit } from '../../components/use-submit';
import { appStore } from '../../store';
import { toErrorInfo } from '../../lib/errors';
import { exportMonitorsYaml, importMonitorsYaml } from './api';

const ACTION_LABEL = { add: 'add', update: 'update', unchanged: 'unchanged', error: 'skip' } as const;
const ACTION_TONE = { add: 'ok', update: 'busy', unchanged: 'idle', error: 'error' } as const;

/** Downloads every monitor as `homeport-monitors.yaml` (secrets are placeholders). */
export async function exportMonitors(): Promise<void> {
  try {
    const { yaml } = await exportMonitorsYaml();
    const url = URL.createObjectURL(new Blob([yaml], { type: 'application/yaml' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = 'homeport-monitors.yaml';
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  } catch (e) {
    const info = toErrorInfo(e);
    appStore.getState().pushToast({ tone: 'error', title: 'Could not export the monitors', message: info.message, ...(info.fix ? { fix: info.fix } : {}) });
  }
}

/** Paste or choose a YAML export, see what each entry would do, then import. */
export function ImportDialog({ onClose, onImported }: { onClose(): void; onImported(): void }) {
  const [text, setText] = useState('');
  const [preview, setPreview] = useState<MonitorImportResultInfo | null>(null);
  const changes = preview ? preview.added + preview.updated : 0;

  const submit = useSubmit(async (dryRun: boolean) => {
    try {
      const r = await importMonitorsYaml({ yaml: text, dryRun });
      if (dryRun) return setPreview(r);
      appStore.getState().pushToast({
        tone: r.errors ? 'warning' : 'success',
        title: `Imported: ${r.added} added, ${r.updated} updated`,
        ...(r.errors ? { message: `${r.errors} ${r.errors === 1 ? 'entry was' : 'entries were'} skipped.` } : {}),
      });
      onImported();
      onClose();
    } catch (e) {
      setPreview(null);
      throw e;
    }
  });
  const { setError } = submit;

  return (
    <FormDialog
      title="Import monitors"
      size="large"
      testId="import-dialog"
      form={submit}
      onSubmit={() => void submit.run(preview === null)}
      onClose={onClose}
      submitLabel={preview === null ? 'Preview' : changes === 0 ? 'Nothing to import' : `Import ${changes} ${changes === 1 ? 'monitor' : 'monitors'}`}
      submitDisabled={preview === null ? !text.trim() : changes === 0}
      // Between the text and the preview, where the line it names is.
      errorAt="none"
    >
      <p className="muted">A file exported from Homeport (Export), or written by hand: a “monitors:” list. Entries with an id (or the name of an existing monitor) update it; the others are added. Secrets left as the export placeholder keep their stored values.</p>
      <Field label="YAML file">
        {({ id }) => (
          <input
            id={id}
            type="file"
            accept=".yaml,.yml,application/yaml,text/yaml,text/plain"
            onChange={(e) => {
              const f = e.target.files?.[0];
              if (!f) return;
              if (f.size > 1024 * 1024) {
                setError({ code: 'VALIDATION', message: `${f.name} is larger than 1 MiB.`, fix: 'Split it into smaller files.' });
                return;
              }
              void f.text().then((t) => {
                setText(t);
                setPreview(null);
                setError(null);
              });
            }}
          />
        )}
      </Field>
      <Field label="Or paste the YAML">
        {({ id }) => (
          <textarea
            id={id}
            className="mono import-text"
            rows={10}
            spellCheck={false}
            value={text}
            placeholder={'monitors:\n  - name: web\n    type: http\n    url: https://example.com/'}
            onChange={(e) => {
              setText(e.target.value);
              // (A "line 3" error stays while the text is being fixed; Preview checks it again.)
              setPreview(null);
            }}
          />
        )}
      </Field>
      {submit.error && <ErrorMessage error={submit.error} title="The file cannot be imported" />}
      {preview && (
        <div className="import-preview" data-testid="import-preview">
          <p role="status">
            {preview.added} to add, {preview.updated} to update, {preview.unchanged} unchanged
            {preview.errors ? `, ${preview.errors} with errors (skipped)` : ''}.
          </p>
          <ul>
            {preview.entries.map((e) => (
              <li key={e.index} data-testid="import-entry" data-action={e.action}>
                <span className={`badge tone-${ACTION_TONE[e.action]}`}>{ACTION_LABEL[e.action]}</span> <strong>{e.name || `entry ${e.index + 1}`}</strong>
                {e.line !== null && <span className="muted"> · line {e.line}</span>}
                {e.error && (
                  <div className="import-error">
                    <p className="field-error">{e.error.message}</p>
                    <p className="field-hint">{e.error.fix}</p>
                  </div>
                )}
              </li>
            ))}
          </ul>
        </div>
      )}
    </FormDialog>
  );
}
