import { useState } from 'react';
import type { ErrorInfo, MonitorConfigInput, MonitorInfo } from '../../../../shared/contract';
import { client } from '../../api/client';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field } from '../../components/Field';
import { Spinner } from '../../components/Spinner';
import { toErrorInfo } from '../resources/resource-common';

export const MIN_INTERVAL_SEC = 20;

type FormField = 'name' | 'url' | 'host' | 'port' | 'intervalSec' | 'retries' | 'keyword';

/** Which form field a service error names (details.field, e.g. `url`, `keyword.text`). */
export function formFieldOf(error: ErrorInfo): FormField | null {
  const f = error.details?.field;
  if (typeof f !== 'string') return null;
  const head = f.split('.')[0];
  return (['name', 'url', 'host', 'port', 'intervalSec', 'retries', 'keyword'] as const).find((x) => x === head) ?? null;
}

/** Add an HTTP or TCP monitor; the services validate, and their errors show at the field they name. */
export function AddMonitorDialog({ onClose, onAdded }: { onClose(): void; onAdded(m: MonitorInfo): void }) {
  const [type, setType] = useState<'http' | 'tcp'>('http');
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [host, setHost] = useState('');
  const [port, setPort] = useState('');
  const [interval, setInterval_] = useState('60');
  const [retries, setRetries] = useState('1');
  const [keyword, setKeyword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<FormField, string>>>({});

  const submit = async () => {
    if (busy) return;
    const local: Partial<Record<FormField, string>> = {};
    const intervalSec = Number(interval);
    if (!Number.isFinite(intervalSec) || intervalSec < MIN_INTERVAL_SEC) local.intervalSec = `The interval is at least ${MIN_INTERVAL_SEC} seconds.`;
    const retriesN = Number(retries);
    if (!Number.isInteger(retriesN) || retriesN < 0) local.retries = 'Retries is a whole number, 0 or more.';
    if (!name.trim()) local.name = 'Give the monitor a name.';
    if (Object.keys(local).length) {
      setFieldErrors(local);
      return;
    }
    const common = { name: name.trim(), intervalSec, retries: retriesN };
    const input: MonitorConfigInput =
      type === 'http'
        ? { ...common, type: 'http', url: url.trim(), keyword: keyword.trim() ? { text: keyword.trim() } : null }
        : { ...common, type: 'tcp', host: host.trim(), port: Number(port) };
    setBusy(true);
    setError(null);
    setFieldErrors({});
    try {
      const m = await client().monitors.add(input);
      onAdded(m);
      onClose();
    } catch (e) {
      const info = toErrorInfo(e);
      const field = formFieldOf(info);
      if (field) setFieldErrors({ [field]: info.message });
      else setError(info);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      title="Add monitor"
      size="medium"
      testId="add-monitor-dialog"
      onClose={onClose}
      onSubmit={() => void submit()}
      footer={
        <>
          <button type="button" className="button" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy && <Spinner />}
            Add
          </button>
        </>
      }
    >
      <Field label="Type">
        {({ id }) => (
          <select id={id} value={type} onChange={(e) => setType(e.target.value as 'http' | 'tcp')}>
            <option value="http">HTTP(S)</option>
            <option value="tcp">TCP port</option>
          </select>
        )}
      </Field>
      <Field label="Name" error={fieldErrors.name}>
        {({ id, describedBy, invalid }) => (
          <input id={id} aria-describedby={describedBy} aria-invalid={invalid} value={name} autoComplete="off" onChange={(e) => setName(e.target.value)} />
        )}
      </Field>
      {type === 'http' ? (
        <Field label="URL" error={fieldErrors.url}>
          {({ id, describedBy, invalid }) => (
            <input
              id={id}
              className="mono"
              aria-describedby={describedBy}
              aria-invalid={invalid}
              value={url}
              spellCheck={false}
              autoComplete="off"
              placeholder="https://example.com/health"
              onChange={(e) => setUrl(e.target.value)}
            />
          )}
        </Field>
      ) : (
        <>
          <Field label="Host" error={fieldErrors.host}>
            {({ id, describedBy, invalid }) => (
              <input id={id} className="mono" aria-describedby={describedBy} aria-invalid={invalid} value={host} spellCheck={false} onChange={(e) => setHost(e.target.value)} />
            )}
          </Field>
          <Field label="Port" error={fieldErrors.port}>
            {({ id, describedBy, invalid }) => (
              <input id={id} type="number" min={1} max={65535} aria-describedby={describedBy} aria-invalid={invalid} value={port} onChange={(e) => setPort(e.target.value)} />
            )}
          </Field>
        </>
      )}
      <Field label="Interval (seconds)" error={fieldErrors.intervalSec} hint={`At least ${MIN_INTERVAL_SEC} seconds.`}>
        {({ id, describedBy, invalid }) => (
          <input id={id} type="number" min={MIN_INTERVAL_SEC} aria-describedby={describedBy} aria-invalid={invalid} value={interval} onChange={(e) => setInterval_(e.target.value)} />
        )}
      </Field>
      <Field label="Retries" error={fieldErrors.retries} hint="Failed checks in a row before the monitor is down.">
        {({ id, describedBy, invalid }) => (
          <input id={id} type="number" min={0} aria-describedby={describedBy} aria-invalid={invalid} value={retries} onChange={(e) => setRetries(e.target.value)} />
        )}
      </Field>
      {type === 'http' && (
        <Field label="Keyword (optional)" error={fieldErrors.keyword} hint="Up only when the response contains this text.">
          {({ id, describedBy, invalid }) => (
            <input id={id} aria-describedby={describedBy} aria-invalid={invalid} value={keyword} onChange={(e) => setKeyword(e.target.value)} />
          )}
        </Field>
      )}
      {error && <ErrorMessage error={error} title="The monitor was not added" />}
    </Dialog>
  );
}
