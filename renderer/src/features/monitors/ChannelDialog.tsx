import { useState } from 'react';
import type { ChannelInfo, ChannelType, ErrorInfo } from '../../../../shared/contract';
import { client } from '../../api/client';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field } from '../../components/Field';
import { appStore } from '../../store';
import { toErrorInfo } from '../resources/resource-common';
import { CHANNEL_FIELDS, CHANNEL_LABELS, formProblems, formToConfig, initialForm, type ChannelForm } from './channel-forms';

const TYPES = Object.keys(CHANNEL_LABELS) as ChannelType[];

/** Add a channel (any type), or edit one (`channel` given; its type is fixed, secrets stay blank and are kept unless retyped). */
export function ChannelDialog({ channel, onClose, onSaved }: { channel?: ChannelInfo; onClose(): void; onSaved(): void }) {
  const [type, setType] = useState<ChannelType>(channel?.type ?? 'webhook');
  const [name, setName] = useState(channel?.name ?? '');
  const [form, setForm] = useState<ChannelForm>(() => initialForm(channel?.type ?? 'webhook', channel));
  const [tried, setTried] = useState(false);
  const [serverError, setServerError] = useState<ErrorInfo | null>(null);
  const [saving, setSaving] = useState(false);
  const problems = formProblems(type, name, form, channel);
  // A field the services refused is shown at the field (details.field), the rest below the form.
  // (The contract's own checks name it under `config.`; the channel validators name it directly.)
  const serverField = typeof serverError?.details?.field === 'string' ? serverError.details.field.replace(/^config\./, '').split('.')[0]! : null;
  const serverReason = typeof serverError?.details?.reason === 'string' ? serverError.details.reason : null;
  const shown = (key: string) => (tried ? problems[key] : undefined) ?? (serverField === key ? (serverReason ?? serverError!.message.replace(/^[\w.]+: /, '')) : undefined);

  const submit = async () => {
    setTried(true);
    setServerError(null);
    if (Object.keys(problems).length) return;
    setSaving(true);
    try {
      const config = formToConfig(type, name, form, channel?.enabled ?? true);
      if (channel) {
        const saved = await client().monitors.updateChannel({ id: channel.id, config });
        // Moved to another server, an optional secret left blank is not kept (it was not sent there): say so.
        const dropped = CHANNEL_FIELDS[type].filter((f) => f.kind === 'secret' && channel.hasSecret[f.key] && !saved.hasSecret[f.key]);
        if (dropped.length) {
          appStore.getState().pushToast({
            tone: 'warning',
            title: `${saved.name}: ${dropped.map((f) => f.label.toLowerCase()).join(', ')} not kept`,
            message: 'The channel now delivers to another server, and a secret stored for one server is never sent to another.',
            fix: 'Edit the channel and enter it again if the new server needs one.',
          });
        }
      } else await client().monitors.addChannel(config);
      onSaved();
      onClose();
    } catch (e) {
      setServerError(toErrorInfo(e));
    } finally {
      setSaving(false);
    }
  };

  const title = channel ? `Edit channel ${channel.name}` : 'Add channel';
  return (
    <Dialog
      title={title}
      label={channel ? 'Edit channel' : 'Add channel'}
      size="medium"
      testId="channel-dialog"
      onClose={onClose}
      onSubmit={() => void submit()}
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={saving}>
            {channel ? 'Save' : 'Add channel'}
          </button>
        </>
      }
    >
      <Field label="Channel type">
        {({ id }) => (
          <select
            id={id}
            value={type}
            disabled={!!channel}
            onChange={(e) => {
              const t = e.target.value as ChannelType;
              setType(t);
              setForm(initialForm(t));
              setTried(false);
              setServerError(null);
            }}
          >
            {TYPES.map((t) => (
              <option key={t} value={t}>
                {CHANNEL_LABELS[t]}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Channel name" error={shown('name')}>
        {({ id, describedBy, invalid }) => (
          <input
            id={id}
            value={name}
            aria-describedby={describedBy}
            aria-invalid={invalid}
            onChange={(e) => {
              setName(e.target.value);
              setServerError(null);
            }}
          />
        )}
      </Field>
      {CHANNEL_FIELDS[type].map((f) => {
        const stored = f.kind === 'secret' && channel?.hasSecret[f.key];
        const hint = stored ? 'Stored. Leave blank to keep it; type to replace it.' : f.hint;
        if (f.kind === 'checkbox') {
          return (
            <label key={f.key} className="checkbox-field">
              <input
                type="checkbox"
                checked={form[f.key] === true}
                onChange={(e) => {
                  setForm({ ...form, [f.key]: e.target.checked });
                  setServerError(null);
                }}
              />{' '}
              {f.label}
            </label>
          );
        }
        return (
          <Field key={`${type}-${f.key}`} label={f.label} error={shown(f.key)} hint={hint}>
            {({ id, describedBy, invalid }) => (
              <input
                id={id}
                className={f.kind === 'url' || f.kind === 'secret' ? 'mono' : undefined}
                type={f.kind === 'url' || f.address ? 'url' : f.kind === 'secret' ? 'password' : f.kind === 'number' ? 'number' : 'text'}
                autoComplete={f.kind === 'secret' && !f.address ? 'new-password' : 'off'}
                spellCheck={false}
                placeholder={stored ? '•••••••• (stored)' : f.placeholder}
                value={String(form[f.key] ?? '')}
                aria-describedby={describedBy}
                aria-invalid={invalid}
                aria-required={f.required && !stored}
                onChange={(e) => {
                  setForm({ ...form, [f.key]: e.target.value });
                  // The services' refusal was about what was typed before.
                  setServerError(null);
                }}
              />
            )}
          </Field>
        );
      })}
      {serverError && !serverField && <ErrorMessage error={serverError} title={channel ? 'The channel was not saved' : 'The channel was not added'} />}
      {serverError && serverField && !CHANNEL_FIELDS[type].some((f) => f.key === serverField) && serverField !== 'name' && (
        <ErrorMessage error={serverError} title={channel ? 'The channel was not saved' : 'The channel was not added'} />
      )}
    </Dialog>
  );
}
