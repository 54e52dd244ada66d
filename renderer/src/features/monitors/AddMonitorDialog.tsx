import { useMemo, useState, type ReactNode } from 'react';
import type { ErrorInfo, MonitorInfo, MonitorType } from '../../../../shared/contract';
import { client } from '../../api/client';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field } from '../../components/Field';
import { Spinner } from '../../components/Spinner';
import { useApp } from '../../store';
import { toErrorInfo } from '../resources/resource-common';
import {
  buildInput,
  movedToAnotherServer,
  DNS_TYPES,
  emptyForm,
  formFieldOf,
  formFromMonitor,
  HTTP_METHODS,
  MIN_INTERVAL_SEC,
  TYPE_LABELS,
  type FieldErrors,
  type FormField,
  type FormState,
} from './monitor-form';

export { MIN_INTERVAL_SEC, formFieldOf };

const STORED = 'Stored — leave blank to keep';
const AGAIN = 'Enter again — the address moved to another server';

/**
 * Add a monitor of any type, or edit one (`monitor` given: the same form, prefilled; secrets are
 * blank and blank keeps the stored values). The form checks what it can; the services validate
 * again and their errors show at the field they name.
 */
export function AddMonitorDialog({ onClose, onAdded, monitor }: { onClose(): void; onAdded(m: MonitorInfo): void; monitor?: MonitorInfo }) {
  const editing = monitor ?? null;
  const [form, setForm] = useState<FormState>(() => (editing ? formFromMonitor(editing) : emptyForm()));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const hosts = useApp((s) => s.hosts);
  const containers = useApp((s) => s.containers);
  // Pointed at another server, the stored secrets are not kept: the fields say so.
  const moved = movedToAnotherServer(form, editing);
  const stored = new Set(moved ? [] : (editing?.secretFields ?? []));
  const storedHint = (field: string) => (stored.has(field) ? STORED : moved && editing?.secretFields.includes(field) ? AGAIN : '');

  // A change takes away what was said about the last attempt: the field's own error, and any general one.
  const set = <K extends keyof FormState>(k: K, v: FormState[K]) => {
    setForm((f) => ({ ...f, [k]: v }));
    setError(null);
    setErrors((e) => {
      if (!(k in e)) return e;
      const rest = { ...e };
      delete rest[k as keyof FieldErrors];
      return rest;
    });
  };
  const hostChoices = useMemo(() => (form.type === 'ssh-command' ? hosts.filter((h) => h.kind !== 'local') : hosts), [hosts, form.type]);
  const containerChoices = useMemo(() => {
    const list = form.hostId ? (containers[form.hostId as keyof typeof containers]?.containers ?? []) : [];
    return [...list].sort((a, b) => a.name.localeCompare(b.name));
  }, [containers, form.hostId]);

  const submit = async () => {
    if (busy) return;
    const built = buildInput(form, editing);
    if ('errors' in built) {
      setErrors(built.errors);
      return;
    }
    setBusy(true);
    setError(null);
    setErrors({});
    try {
      const m = editing ? await client().monitors.update({ id: editing.id, config: built.input }) : await client().monitors.add(built.input);
      onAdded(m);
      onClose();
    } catch (e) {
      const info = toErrorInfo(e);
      const field = formFieldOf(info);
      // At the field: the contract's reason alone (the label says where), else the service's words and fix.
      const reason = typeof info.details?.reason === 'string' ? info.details.reason : null;
      if (field) setErrors({ [field]: reason ?? (info.fix ? `${info.message}. ${info.fix}.`.replace(/\.\./g, '.') : info.message) });
      else setError(info);
    } finally {
      setBusy(false);
    }
  };

  const text = (label: string, field: FormField & keyof FormState, opts: { hint?: ReactNode; placeholder?: string; mono?: boolean; type?: string; span?: boolean; autoFocus?: boolean } = {}) => (
    <Field label={label} error={errors[field]} hint={opts.hint} className={opts.span ? 'span-2' : undefined}>
      {({ id, describedBy, invalid }) => (
        <input
          id={id}
          type={opts.type ?? 'text'}
          className={opts.mono ? 'mono' : undefined}
          aria-describedby={describedBy}
          aria-invalid={invalid}
          value={form[field] as string}
          spellCheck={false}
          autoComplete="off"
          placeholder={opts.placeholder}
          onChange={(e) => set(field, e.target.value as never)}
        />
      )}
    </Field>
  );
  const check = (label: string, field: 'upsideDown' | 'ignoreTls' | 'followRedirects', hint?: string) => (
    <label className="checkbox" title={hint}>
      <input type="checkbox" checked={form[field]} onChange={(e) => set(field, e.target.checked)} />
      {label}
    </label>
  );

  return (
    <Dialog
      title={editing ? `Edit ${editing.name}` : 'Add monitor'}
      size="large"
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
            {editing ? 'Save' : 'Add'}
          </button>
        </>
      }
    >
      <div className="form-grid">
        <Field label="Type" hint={editing ? 'The type of a monitor cannot change; add a new one instead.' : undefined}>
          {({ id, describedBy }) => (
            <select id={id} aria-describedby={describedBy} value={form.type} disabled={!!editing} onChange={(e) => set('type', e.target.value as MonitorType)}>
              {(Object.keys(TYPE_LABELS) as MonitorType[]).map((t) => (
                <option key={t} value={t}>
                  {TYPE_LABELS[t]}
                </option>
              ))}
            </select>
          )}
        </Field>
        {text('Name', 'name', { placeholder: 'e.g. Nextcloud' })}

        {form.type === 'http' && (
          <>
            {text('URL', 'url', { mono: true, span: true, placeholder: 'https://nas.lan:8443/health' })}
            <Field label="Method">
              {({ id }) => (
                <select id={id} value={form.method} onChange={(e) => set('method', e.target.value as FormState['method'])}>
                  {HTTP_METHODS.map((m) => (
                    <option key={m}>{m}</option>
                  ))}
                </select>
              )}
            </Field>
            {text('Accepted status codes', 'acceptedStatus', { mono: true, hint: 'Codes, ranges or classes, comma-separated: 200-299, 301, 4xx.' })}
            {text('Keyword (optional)', 'keyword', { hint: 'Text to look for in the response body.' })}
            <Field label="The keyword must be">
              {({ id }) => (
                <select id={id} value={form.keywordMode} onChange={(e) => set('keywordMode', e.target.value as 'present' | 'absent')}>
                  <option value="present">present (up when found)</option>
                  <option value="absent">absent (down when found)</option>
                </select>
              )}
            </Field>
            {text('JSON path (optional)', 'jsonPath', { mono: true, placeholder: '$.status' })}
            {text('JSON value equals', 'jsonEquals', { mono: true, placeholder: 'ok' })}
            <Field
              label="Headers (optional)"
              error={errors.headers}
              className="span-2"
              hint={
                moved && editing?.secretFields.some((f) => f.startsWith('headers.'))
                  ? 'One "Name: value" per line. The address moved to another server: write the values again (stored ones are not sent elsewhere).'
                  : stored.size && editing?.secretFields.some((f) => f.startsWith('headers.'))
                    ? `One "Name: value" per line. Values are kept secret; a blank value keeps the stored one.`
                    : 'One "Name: value" per line. Values are kept secret.'
              }
            >
              {({ id, describedBy, invalid }) => (
                <textarea id={id} className="mono" rows={2} aria-describedby={describedBy} aria-invalid={invalid} value={form.headers} spellCheck={false} placeholder="X-Api-Key: …" onChange={(e) => set('headers', e.target.value)} />
              )}
            </Field>
            <Field label="Authentication">
              {({ id }) => (
                <select id={id} value={form.authKind} onChange={(e) => set('authKind', e.target.value as FormState['authKind'])}>
                  <option value="none">None</option>
                  <option value="basic">Basic (user and password)</option>
                  <option value="bearer">Bearer token</option>
                </select>
              )}
            </Field>
            {form.authKind === 'basic' ? (
              <>
                {text('User', 'authUser')}
                {text('Password', 'authPassword', { type: 'password', placeholder: storedHint('auth.password') })}
              </>
            ) : form.authKind === 'bearer' ? (
              text('Token', 'authToken', { type: 'password', mono: true, placeholder: storedHint('auth.token') })
            ) : (
              <div />
            )}
            {text('Warn when the TLS certificate expires within (days)', 'certDays', { hint: 'Blank: never warn.' })}
            <div className="span-2 inline-row" style={{ flexWrap: 'wrap', gap: 16 }}>
              {check('Follow redirects', 'followRedirects')}
              {check('Ignore TLS errors', 'ignoreTls', 'Accept self-signed or expired certificates')}
            </div>
          </>
        )}

        {(form.type === 'tcp' || form.type === 'ping') && (
          <>
            {text('Host', 'host', { mono: true, placeholder: 'nas.lan' })}
            {form.type === 'tcp' ? text('Port', 'port', { placeholder: '5432' }) : <div />}
          </>
        )}

        {form.type === 'dns' && (
          <>
            {text('Host name', 'hostname', { mono: true, placeholder: 'nas.lan' })}
            <Field label="Record type">
              {({ id }) => (
                <select id={id} value={form.recordType} onChange={(e) => set('recordType', e.target.value as FormState['recordType'])}>
                  {DNS_TYPES.map((t) => (
                    <option key={t}>{t}</option>
                  ))}
                </select>
              )}
            </Field>
            {text('Resolver (optional)', 'resolver', { mono: true, placeholder: '192.168.1.1', hint: 'Blank: the system’s DNS servers.' })}
            {text('Expected value (optional)', 'expected', { mono: true, hint: 'Blank: any answer is up.' })}
          </>
        )}

        {(form.type === 'container' || form.type === 'ssh-command') && (
          <Field label="Host" error={errors.hostId} hint={hostChoices.length === 0 ? (form.type === 'ssh-command' ? 'Add an SSH host first (Hosts).' : 'Add a host first (Hosts).') : undefined}>
            {({ id, describedBy, invalid }) => (
              <select id={id} aria-describedby={describedBy} aria-invalid={invalid} value={form.hostId} onChange={(e) => {
                set('hostId', e.target.value);
                if (form.type === 'container') set('container', '');
              }}>
                <option value="">Choose a host…</option>
                {hostChoices.map((h) => (
                  <option key={h.id} value={h.id}>
                    {h.name} ({h.address})
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        {form.type === 'container' && (
          <Field label="Container" error={errors.container} hint="Followed by name: a re-created container (compose up) keeps its monitor. Up while running, and healthy when it has a health check.">
            {({ id, describedBy, invalid }) =>
              containerChoices.length > 0 ? (
                <select id={id} aria-describedby={describedBy} aria-invalid={invalid} value={form.container} onChange={(e) => set('container', e.target.value)}>
                  <option value="">Choose a container…</option>
                  {form.container && !containerChoices.some((c) => c.name === form.container) && <option value={form.container}>{form.container} (not found now)</option>}
                  {containerChoices.map((c) => (
                    <option key={c.id} value={c.name}>
                      {c.name} — {c.state}
                    </option>
                  ))}
                </select>
              ) : (
                <input id={id} className="mono" aria-describedby={describedBy} aria-invalid={invalid} value={form.container} spellCheck={false} placeholder={form.hostId ? 'container name' : 'choose a host first'} onChange={(e) => set('container', e.target.value)} />
              )
            }
          </Field>
        )}
        {form.type === 'ssh-command' && (
          <>
            <Field label="Command" error={errors.command} className="span-2" hint="Run by sh on the host over its SSH connection, e.g. systemctl is-active nginx.">
              {({ id, describedBy, invalid }) => (
                <textarea id={id} className="mono" rows={2} aria-describedby={describedBy} aria-invalid={invalid} value={form.command} spellCheck={false} onChange={(e) => set('command', e.target.value)} />
              )}
            </Field>
            {text('Expected exit status', 'expectExit')}
            {text('Output must match (optional)', 'outputMatch', { mono: true, placeholder: '^active$', hint: 'A regular expression tested against the output.' })}
          </>
        )}
        {form.type === 'push' && (
          <>
            {text('Grace period (seconds)', 'graceSec', { hint: 'Down when no push arrived within the interval plus this.' })}
            <p className="muted small span-2" data-testid="push-note">
              The service calls the push URL (shown with the monitor once it is added) every interval: <code>/push/&lt;token&gt;?status=up&amp;msg=OK&amp;ping=12</code>. Push
              monitors need headless mode (<code>npm run serve</code>), where Homeport listens for HTTP.
            </p>
          </>
        )}

        <fieldset className="auth-fieldset span-2">
          <legend>Checking</legend>
          <div className="form-grid">
            {text(form.type === 'push' ? 'Expected every (seconds)' : 'Interval (seconds)', 'intervalSec', { hint: `At least ${MIN_INTERVAL_SEC} seconds.` })}
            {text('Timeout (seconds)', 'timeoutSec', { placeholder: 'default', hint: 'Blank: 80 % of the interval, at most 30 s.' })}
            {text('Retries', 'retries', { hint: 'Failed checks in a row before the monitor is down.' })}
            {text('Retry every (seconds)', 'retryIntervalSec', { placeholder: 'the interval', hint: 'How often to check while a failure is not yet confirmed.' })}
            <div className="span-2">{check('Upside down (up when the check fails)', 'upsideDown')}</div>
          </div>
        </fieldset>
      </div>
      {error && <ErrorMessage error={error} title={editing ? 'The monitor was not saved' : 'The monitor was not added'} />}
    </Dialog>
  );
}
