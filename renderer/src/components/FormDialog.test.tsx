// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HomeportError, type ErrorInfo } from '../../../shared/contract';
import { CheckboxField, PasswordField, SelectField, TextAreaField, TextField } from './fields';
import { Form, FormDialog } from './FormDialog';
import { atFields, useSubmit } from './use-submit';

afterEach(cleanup);

/** A call the test answers by hand. */
function pending() {
  let settle!: (error?: ErrorInfo) => void;
  const promise = new Promise<void>((resolve, reject) => {
    settle = (error) => (error ? reject(new HomeportError(error)) : resolve());
  });
  return { promise, settle };
}

function AddThing({ save, onClose, closeWhileBusy = false }: { save(input: { name: string; kind: string; secret: string; notes: string; on: boolean }): Promise<void>; onClose(): void; closeWhileBusy?: boolean }) {
  const [name, setName] = useState('');
  const [kind, setKind] = useState<'a' | 'b'>('a');
  const [secret, setSecret] = useState('');
  const [notes, setNotes] = useState('');
  const [on, setOn] = useState(false);
  const submit = useSubmit(async () => {
    await save({ name, kind, secret, notes, on });
    onClose();
  }, { placeError: atFields(['name', 'secret']) });
  const onSubmit = () => {
    if (submit.check({ name: name.trim() ? undefined : 'Give it a name.' })) void submit.run();
  };
  return (
    <FormDialog title="Add thing" form={submit} onSubmit={onSubmit} onClose={onClose} submitLabel="Add" errorTitle="The thing was not added" closeWhileBusy={closeWhileBusy}>
      <TextField name="name" label="Name" hint="Shown in lists." value={name} onChange={setName} />
      <SelectField name="kind" label="Kind" value={kind} onChange={setKind}>
        <option value="a">A</option>
        <option value="b">B</option>
      </SelectField>
      <PasswordField name="secret" label="Secret" value={secret} onChange={setSecret} autoComplete="new-password" />
      <TextAreaField name="notes" label="Notes" value={notes} onChange={setNotes} mono rows={3} />
      <CheckboxField name="on" label="Enabled" checked={on} onChange={setOn} />
    </FormDialog>
  );
}

const dialog = () => within(screen.getByRole('dialog', { name: 'Add thing' }));

describe('FormDialog and useSubmit', () => {
  it('submits on Enter with what was typed; busy meanwhile (spinner, Add and Cancel disabled, Escape ignored); closes when done', async () => {
    const call = pending();
    const save = vi.fn(() => call.promise);
    const onClose = vi.fn();
    render(<AddThing save={save} onClose={onClose} />);
    const name = dialog().getByLabelText('Name');
    expect(document.activeElement).toBe(name);
    fireEvent.change(name, { target: { value: 'nas' } });
    fireEvent.change(dialog().getByLabelText('Kind'), { target: { value: 'b' } });
    fireEvent.change(dialog().getByLabelText('Secret'), { target: { value: 's3cret' } });
    fireEvent.change(dialog().getByLabelText('Notes'), { target: { value: 'in the garage' } });
    fireEvent.click(dialog().getByLabelText('Enabled'));
    fireEvent.submit(name);
    fireEvent.submit(name);
    await waitFor(() => expect(dialog().getByRole('button', { name: 'Add' }).hasAttribute('disabled')).toBe(true));
    expect(save).toHaveBeenCalledTimes(1);
    expect(save).toHaveBeenCalledWith({ name: 'nas', kind: 'b', secret: 's3cret', notes: 'in the garage', on: true });
    expect(dialog().getByRole('button', { name: 'Add' }).querySelector('.spinner')).not.toBeNull();
    expect(dialog().getByRole('button', { name: 'Cancel' }).hasAttribute('disabled')).toBe(true);
    fireEvent.keyDown(name, { key: 'Escape' });
    fireEvent.click(dialog().getByRole('button', { name: 'Close' }));
    expect(onClose).not.toHaveBeenCalled();
    await act(async () => call.settle());
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('shows a refusal with its fix below the form, and takes it away once something is typed', async () => {
    const save = vi.fn(() => Promise.reject(new HomeportError({ code: 'CONFLICT', message: 'A thing called nas exists.', fix: 'Choose another name.' })));
    render(<AddThing save={save} onClose={() => {}} />);
    fireEvent.change(dialog().getByLabelText('Name'), { target: { value: 'nas' } });
    fireEvent.click(dialog().getByRole('button', { name: 'Add' }));
    const alert = await dialog().findByRole('alert');
    expect(alert.textContent).toContain('The thing was not added');
    expect(alert.textContent).toContain('A thing called nas exists.');
    expect(alert.textContent).toContain('Choose another name.');
    expect(dialog().getByRole('button', { name: 'Add' }).hasAttribute('disabled')).toBe(false);
    expect(dialog().getByRole('button', { name: 'Cancel' }).hasAttribute('disabled')).toBe(false);
    fireEvent.change(dialog().getByLabelText('Notes'), { target: { value: 'x' } });
    expect(dialog().queryByRole('alert')).toBeNull();
  });

  it('shows a refusal that names a field at that field (highlighted, described by it), and its own checks the same way', async () => {
    const save = vi.fn(() =>
      Promise.reject(new HomeportError({ code: 'VALIDATION', message: 'Check the secret.', details: { field: 'config.secret', reason: 'At most 64 characters.' } })),
    );
    render(<AddThing save={save} onClose={() => {}} />);
    // The form's own check first: nothing is sent.
    fireEvent.click(dialog().getByRole('button', { name: 'Add' }));
    const name = dialog().getByLabelText('Name');
    expect(name.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(name.getAttribute('aria-describedby')!.split(' ')[0]!)?.textContent).toBe('Give it a name.');
    expect(save).not.toHaveBeenCalled();
    fireEvent.change(name, { target: { value: 'nas' } });
    expect(name.getAttribute('aria-invalid')).toBe('false');

    fireEvent.click(dialog().getByRole('button', { name: 'Add' }));
    const secret = dialog().getByLabelText('Secret');
    await waitFor(() => expect(secret.getAttribute('aria-invalid')).toBe('true'));
    expect(dialog().getByRole('alert').textContent).toBe('At most 64 characters.');
    // Only at the field: no second copy below the form.
    expect(dialog().getAllByRole('alert')).toHaveLength(1);
    // Another field changing leaves it; changing the secret takes it away.
    fireEvent.change(dialog().getByLabelText('Notes'), { target: { value: 'x' } });
    expect(secret.getAttribute('aria-invalid')).toBe('true');
    fireEvent.change(secret, { target: { value: 'shorter' } });
    expect(secret.getAttribute('aria-invalid')).toBe('false');
    expect(dialog().queryByRole('alert')).toBeNull();
  });

  it('shows a hint under its field, tied to it', () => {
    render(<AddThing save={() => Promise.resolve()} onClose={() => {}} />);
    const name = dialog().getByLabelText('Name');
    expect(document.getElementById(name.getAttribute('aria-describedby')!)?.textContent).toBe('Shown in lists.');
  });

  it('with closeWhileBusy, Cancel and Escape still close while it runs', async () => {
    const call = pending();
    const onClose = vi.fn();
    render(<AddThing save={() => call.promise} onClose={onClose} closeWhileBusy />);
    fireEvent.change(dialog().getByLabelText('Name'), { target: { value: 'nas' } });
    fireEvent.click(dialog().getByRole('button', { name: 'Add' }));
    await waitFor(() => expect(dialog().getByRole('button', { name: 'Add' }).hasAttribute('disabled')).toBe(true));
    expect(dialog().getByRole('button', { name: 'Cancel' }).hasAttribute('disabled')).toBe(false);
    fireEvent.keyDown(dialog().getByLabelText('Name'), { key: 'Escape' });
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('a form on a page: Enter submits, its fields read its errors', async () => {
    function Inline({ send }: { send(url: string): Promise<void> }) {
      const [url, setUrl] = useState('');
      const submit = useSubmit(() => send(url), { placeError: atFields(['url']) });
      return (
        <Form form={submit} onSubmit={() => void submit.run()}>
          <TextField name="url" label="Push URL" value={url} onChange={setUrl} />
        </Form>
      );
    }
    const send = vi.fn(() => Promise.reject(new HomeportError({ code: 'VALIDATION', message: 'Bad URL.', details: { field: 'url', reason: 'Use http:// or https://.' } })));
    render(<Inline send={send} />);
    const url = screen.getByLabelText('Push URL');
    fireEvent.change(url, { target: { value: 'ftp://x' } });
    fireEvent.submit(url);
    await waitFor(() => expect(url.getAttribute('aria-invalid')).toBe('true'));
    expect(send).toHaveBeenCalledWith('ftp://x');
    expect(screen.getByRole('alert').textContent).toBe('Use http:// or https://.');
  });

  it('a checkbox has its hint and error tied to it, and a change takes its error away', async () => {
    function Terms() {
      const [agreed, setAgreed] = useState(false);
      const submit = useSubmit(() => {});
      return (
        <FormDialog title="Terms" form={submit} onSubmit={() => submit.check({ agreed: agreed ? undefined : 'Tick it to go on.' })} onClose={() => {}} submitLabel="Go on">
          <CheckboxField name="agreed" label="I have read the terms" hint="They fit on one page." checked={agreed} onChange={setAgreed} />
        </FormDialog>
      );
    }
    render(<Terms />);
    const box = screen.getByLabelText('I have read the terms');
    const described = () => (box.getAttribute('aria-describedby') ?? '').split(' ').map((id) => document.getElementById(id)?.textContent);
    expect(described()).toEqual(['They fit on one page.']);
    fireEvent.click(screen.getByRole('button', { name: 'Go on' }));
    await waitFor(() => expect(box.getAttribute('aria-invalid')).toBe('true'));
    expect(described()).toEqual(['Tick it to go on.', 'They fit on one page.']);
    fireEvent.click(box);
    expect(box.hasAttribute('aria-invalid')).toBe(false);
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
