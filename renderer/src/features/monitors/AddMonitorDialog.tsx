import { useMemo, useState, type ReactNode } from 'react';
import type { MonitorConfigInput, MonitorInfo, MonitorType } from '../../../../shared/contract';
import { Field } from '../../components/Field';
import { CheckboxField, SelectField, TextAreaField, TextField } from '../../components/fields';
import { FormDialog } from '../../components/FormDialog';
import { useSubmit } from '../../components/use-submit';
import { useApp } from '../../store';
import { addMonitor, updateMonitor } from './api';
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
  const hosts = useApp((s) => s.hosts);
  const containers = useApp((s) => s.containers);
  // Pointed at another server, the stored secrets are not kept: the fields say so.
  const moved = movedToAnotherServer(form, editing);
  const stored = new Set(moved ? [] : (editing?.secretFields ?? []));
  const storedHint = (field: string) => (stored.has(field) ? STORED : moved && editing?.secretFields.includes(field) ? AGAIN : '');

  // (A field that changes takes away what was said about the last attempt: its own error, and any general one.)
  const set = <K extends keyof FormState>(k: K, v: FormState[K]) => setForm((f) => ({ ...f, [k]: v }));
  const hostChoices = useMemo(() => (form.type === 'ssh-command' ? hosts.filter((h) => h.kind !== 'local') : hosts), [hosts, form.type]);
  const containerChoices = useMemo(() => {
    const list = form.hostId ? (containers[form.hostId as keyof typeof containers]?.containers ?? []) : [];
    return [...list].sort((a, b) => a.name.localeCompare(b.name));
  }, [containers, form.hostId]);

  const save = useSubmit(
    async (input: MonitorConfigInput) => {
      const m = editing ? await updateMonitor({ id: editing.id, config: input }) : await addMonitor(input);
      onAdded(m);
      onClose();
    },
    {
      placeError: (info) => {
        const field = formFieldOf(info);
        // At the field: the contract's reason alone (the label says where), else the service's words and fix.
        const reason = typeof info.details?.reason === 'string' ? info.details.reason : null;
        return field ? { field, message: reason ?? (info.fix ? `${info.message}. ${info.fix}.`.replace(/\.\./g, '.') : info.message) } : null;
      },
    },
  );
  const submit = () => {
    if (save.busy) return;
    const built = buildInput(form, editing);
    if ('errors' in built) return void save.setFieldErrors(built.errors);
    void save.run(built.input);
  };

  const changeContainer = (v: string) => {
    set('container', v);
    save.edited('container');
  };

  const text = (label: string, field: FormField & keyof FormState, opts: { hint?: ReactNode; placeholder?: string; mono?: boolean; type?: string; span?: boolean } = {}) => (
    <TextField
      name={field}
      label={label}
      hint={opts.hint}
      className={opts.span ? 'span-2' : undefined}
      type={opts.type ?? 'text'}
      mono={opts.mono}
      value={form[field] as string}
      spellCheck={false}
      autoComplete="off"
      placeholder={opts.placeholder}
      onChange={(v) => set(field, v as never)}
    />
  );
  const check = (label: string, field: 'upsideDown' | 'ignoreTls' | 'followRedirects', hint?: string) => (
    <CheckboxField name={field} label={label} title={hint} checked={form[field]} onChange={(v) => set(field, v)} />
  );

  return (
    <FormDialog
      title={editing ? `Edit ${editing.name}` : 'Add monitor'}
      size="large"
      testId="add-monitor-dialog"
      form={save}
      onSubmit={submit}
      onClose={onClose}
      submitLabel={editing ? 'Save' : 'Add'}
      errorTitle={editing ? 'The monitor was not saved' : 'The monitor was not added'}
    >
      <div className="form-grid">
        <SelectField
          name="type"
          label="Type"
          hint={editing ? 'The type of a monitor cannot change; add a new one instead.' : undefined}
          value={form.type}
          disabled={!!editing}
          onChange={(v: MonitorType) => set('type', v)}
        >
          {(Object.keys(TYPE_LABELS) as MonitorType[]).map((t) => (
            <option key={t} value={t}>
              {TYPE_LABELS[t]}
            </option>
          ))}
        </SelectField>
        {text('Name', 'name', { placeholder: 'e.g. Nextcloud' })}

        {form.type === 'http' && (
          <>
            {text('URL', 'url', { mono: true, span: true, placeholder: 'https://nas.lan:8443/health' })}
            <SelectField name="method" label="Method" value={form.method} onChange={(v) => set('method', v)}>
              {HTTP_METHODS.map((m) => (
                <option key={m}>{m}</option>
              ))}
            </SelectField>
            {text('Accepted status codes', 'acceptedStatus', { mono: true, hint: 'Codes, ranges or classes, comma-separated: 200-299, 301, 4xx.' })}
            {text('Keyword (optional)', 'keyword', { hint: 'Text to look for in the response body.' })}
            <SelectField name="keywordMode" label="The keyword must be" value={form.keywordMode} onChange={(v) => set('keywordMode', v)}>
              <option value="present">present (up when found)</option>
              <option value="absent">absent (down when found)</option>
            </SelectField>
            {text('JSON path (optional)', 'jsonPath', { mono: true, placeholder: '$.status' })}
            {text('JSON value equals', 'jsonEquals', { mono: true, placeholder: 'ok' })}
            <TextAreaField
              name="headers"
              label="Headers (optional)"
              className="span-2"
              hint={
                moved && editing?.secretFields.some((f) => f.startsWith('headers.'))
                  ? 'One "Name: value" per line. The address moved to another server: write the values again (stored ones are not sent elsewhere).'
                  : stored.size && editing?.secretFields.some((f) => f.startsWith('headers.'))
                    ? `One "Name: value" per line. Values are kept secret; a blank value keeps the stored one.`
                    : 'One "Name: value" per line. Values are kept secret.'
              }
              mono
              rows={2}
              value={form.headers}
              spellCheck={false}
              placeholder="X-Api-Key: …"
              onChange={(v) => set('headers', v)}
            />
            <SelectField name="authKind" label="Authentication" value={form.authKind} onChange={(v) => set('authKind', v)}>
              <option value="none">None</option>
              <option value="basic">Basic (user and password)</option>
              <option value="bearer">Bearer token</option>
            </SelectField>
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
            <SelectField name="recordType" label="Record type" value={form.recordType} onChange={(v) => set('recordType', v)}>
              {DNS_TYPES.map((t) => (
                <option key={t}>{t}</option>
              ))}
            </SelectField>
            {text('Resolver (optional)', 'resolver', { mono: true, placeholder: '192.168.1.1', hint: 'Blank: the system’s DNS servers.' })}
            {text('Expected value (optional)', 'expected', { mono: true, hint: 'Blank: any answer is up.' })}
          </>
        )}

        {(form.type === 'container' || form.type === 'ssh-command') && (
          <SelectField
            name="hostId"
            label="Host"
            hint={hostChoices.length === 0 ? (form.type === 'ssh-command' ? 'Add an SSH host first (Hosts).' : 'Add a host first (Hosts).') : undefined}
            value={form.hostId}
            onChange={(v) => {
              set('hostId', v);
              if (form.type === 'container') {
                set('container', '');
                save.edited('container');
              }
            }}
          >
            <option value="">Choose a host…</option>
            {hostChoices.map((h) => (
              <option key={h.id} value={h.id}>
                {h.name} ({h.address})
              </option>
            ))}
          </SelectField>
        )}
        {form.type === 'container' && (
          <Field label="Container" error={save.fieldErrors.container} hint="Followed by name: a re-created container (compose up) keeps its monitor. Up while running, and healthy when it has a health check.">
            {({ id, describedBy, invalid }) =>
              containerChoices.length > 0 ? (
                <select id={id} aria-describedby={describedBy} aria-invalid={invalid} value={form.container} onChange={(e) => changeContainer(e.target.value)}>
                  <option value="">Choose a container…</option>
                  {form.container && !containerChoices.some((c) => c.name === form.container) && <option value={form.container}>{form.container} (not found now)</option>}
                  {containerChoices.map((c) => (
                    <option key={c.id} value={c.name}>
                      {c.name} — {c.state}
                    </option>
                  ))}
                </select>
              ) : (
                <input id={id} className="mono" aria-describedby={describedBy} aria-invalid={invalid} value={form.container} spellCheck={false} placeholder={form.hostId ? 'container name' : 'choose a host first'} onChange={(e) => changeContainer(e.target.value)} />
              )
            }
          </Field>
        )}
        {form.type === 'ssh-command' && (
          <>
            <TextAreaField
              name="command"
              label="Command"
              className="span-2"
              hint="Run by sh on the host over its SSH connection, e.g. systemctl is-active nginx."
              mono
              rows={2}
              value={form.command}
              spellCheck={false}
              onChange={(v) => set('command', v)}
            />
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
    </FormDialog>
  );
}
