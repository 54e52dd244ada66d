import { useState } from 'react';
import type { ChannelInfo, ChannelType } from '../../../../shared/contract';
import { CheckboxField, SelectField, TextField } from '../../components/fields';
import { FormDialog } from '../../components/FormDialog';
import { useSubmit } from '../../components/use-submit';
import { appStore } from '../../store';
import { CHANNEL_FIELDS, CHANNEL_LABELS, formProblems, formToConfig, initialForm, type ChannelForm } from './channel-forms';
import { addChannel, updateChannel } from './api';

const TYPES = Object.keys(CHANNEL_LABELS) as ChannelType[];

/** Add a channel (any type), or edit one (`channel` given; its type is fixed, secrets stay blank and are kept unless retyped). */
export function ChannelDialog({ channel, onClose, onSaved }: { channel?: ChannelInfo; onClose(): void; onSaved(): void }) {
  const [type, setType] = useState<ChannelType>(channel?.type ?? 'webhook');
  const [name, setName] = useState(channel?.name ?? '');
  const [form, setForm] = useState<ChannelForm>(() => initialForm(channel?.type ?? 'webhook', channel));
  const [tried, setTried] = useState(false);
  const problems = formProblems(type, name, form, channel);
  // The form's own problems show once the user tried to save; a field the services refused shows
  // at the field (their checks name it under `config.`, the channel validators directly).
  const shown = (key: string) => (tried ? problems[key] : undefined);

  const save = useSubmit(
    async () => {
      const config = formToConfig(type, name, form, channel?.enabled ?? true);
      if (channel) {
        const saved = await updateChannel({ id: channel.id, config });
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
      } else await addChannel(config);
      onSaved();
      onClose();
    },
    {
      placeError: (error) => {
        const at = typeof error.details?.field === 'string' ? error.details.field.replace(/^config\./, '').split('.')[0]! : null;
        if (at === null || (at !== 'name' && !CHANNEL_FIELDS[type].some((f) => f.key === at))) return null;
        const reason = typeof error.details?.reason === 'string' ? error.details.reason : null;
        return { field: at, message: reason ?? error.message.replace(/^[\w.]+: /, '') };
      },
    },
  );
  const submit = () => {
    setTried(true);
    if (Object.keys(problems).length) return void save.check({});
    void save.run();
  };

  const title = channel ? `Edit channel ${channel.name}` : 'Add channel';
  return (
    <FormDialog
      title={title}
      label={channel ? 'Edit channel' : 'Add channel'}
      testId="channel-dialog"
      form={save}
      onSubmit={submit}
      onClose={onClose}
      submitLabel={channel ? 'Save' : 'Add channel'}
      errorTitle={channel ? 'The channel was not saved' : 'The channel was not added'}
    >
      <SelectField
        label="Channel type"
        value={type}
        disabled={!!channel}
        onChange={(t) => {
          setType(t);
          setForm(initialForm(t));
          setTried(false);
          save.check({});
        }}
      >
        {TYPES.map((t) => (
          <option key={t} value={t}>
            {CHANNEL_LABELS[t]}
          </option>
        ))}
      </SelectField>
      <TextField name="name" label="Channel name" error={shown('name')} value={name} onChange={setName} />
      {CHANNEL_FIELDS[type].map((f) => {
        const stored = f.kind === 'secret' && channel?.hasSecret[f.key];
        const hint = stored ? 'Stored. Leave blank to keep it; type to replace it.' : f.hint;
        if (f.kind === 'checkbox') {
          return (
            <CheckboxField
              key={f.key}
              name={f.key}
              className="checkbox-field"
              label={<> {f.label}</>}
              checked={form[f.key] === true}
              onChange={(checked) => setForm({ ...form, [f.key]: checked })}
            />
          );
        }
        return (
          <TextField
            key={`${type}-${f.key}`}
            name={f.key}
            label={f.label}
            error={shown(f.key)}
            hint={hint}
            mono={f.kind === 'url' || f.kind === 'secret'}
            type={f.kind === 'url' || f.address ? 'url' : f.kind === 'secret' ? 'password' : f.kind === 'number' ? 'number' : 'text'}
            autoComplete={f.kind === 'secret' && !f.address ? 'new-password' : 'off'}
            spellCheck={false}
            placeholder={stored ? '•••••••• (stored)' : f.placeholder}
            value={String(form[f.key] ?? '')}
            aria-required={f.required && !stored}
            onChange={(value) => setForm({ ...form, [f.key]: value })}
          />
        );
      })}
    </FormDialog>
  );
}
