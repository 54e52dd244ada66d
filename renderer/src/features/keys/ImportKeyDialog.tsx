import { useRef, useState } from 'react';
import { FormDialog } from '../../components/FormDialog';
import { PasswordField, TextAreaField, TextField } from '../../components/fields';
import { useSubmit } from '../../components/use-submit';
import { appStore } from '../../store';
import { asHomeportError } from '../../lib/errors';

/**
 * Import a private key from a file (on the computer running Homeport's services) or pasted text.
 * The key text and passphrase are cleared as soon as the call returns, success or not.
 */
export function ImportKeyDialog({ onClose }: { onClose(): void }) {
  const [name, setName] = useState('');
  const [source, setSource] = useState<'file' | 'text'>('file');
  const [path, setPath] = useState('');
  const [privateKey, setPrivateKey] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const passphraseRef = useRef<HTMLInputElement>(null);

  const submit = useSubmit(async () => {
    try {
      const key = await appStore.getState().importKey({
        name: name.trim(),
        path: source === 'file' ? path.trim() : null,
        privateKey: source === 'text' ? privateKey : null,
        passphrase: passphrase ? passphrase : null,
      });
      appStore.getState().pushToast({ tone: 'success', title: `Imported key ${key.comment || key.fingerprint}` });
      onClose();
    } catch (e) {
      if (asHomeportError(e).code === 'KEY_PASSPHRASE') setTimeout(() => passphraseRef.current?.focus());
      throw e;
    } finally {
      // Secrets do not outlive the call.
      setPrivateKey('');
      setPassphrase('');
    }
  });
  const onSubmit = () => {
    if (submit.busy) return;
    const missing =
      source === 'file' && !path.trim()
        ? 'Give the path of the private key file, e.g. ~/.ssh/id_ed25519.'
        : source === 'text' && !privateKey.trim()
          ? 'Paste the private key, from -----BEGIN to -----END.'
          : undefined;
    if (submit.check({ key: missing })) void submit.run();
  };
  const choose = (s: 'file' | 'text') => {
    setSource(s);
    submit.edited();
  };

  return (
    <FormDialog title="Import key" form={submit} onSubmit={onSubmit} onClose={onClose} submitLabel="Import" testId="import-key-dialog">
      <TextField label="Name" hint="Shown in lists; the key's own comment is used when empty." value={name} onChange={setName} autoComplete="off" maxLength={128} />
      <div className="segmented" role="radiogroup" aria-label="Key source">
        <label className={source === 'file' ? 'active' : ''}>
          <input type="radio" name="key-source" checked={source === 'file'} onChange={() => choose('file')} />
          From a file
        </label>
        <label className={source === 'text' ? 'active' : ''}>
          <input type="radio" name="key-source" checked={source === 'text'} onChange={() => choose('text')} />
          Paste the key
        </label>
      </div>
      {source === 'file' ? (
        <TextField
          name="key"
          label="Key file"
          hint="A path on the computer running Homeport."
          mono
          value={path}
          onChange={setPath}
          placeholder="~/.ssh/id_ed25519"
          autoComplete="off"
          spellCheck={false}
        />
      ) : (
        <TextAreaField
          name="key"
          label="Private key"
          hint="Sent once to Homeport's key vault; it is not kept in this window."
          mono
          inputClassName="key-text"
          rows={7}
          value={privateKey}
          onChange={setPrivateKey}
          placeholder="-----BEGIN OPENSSH PRIVATE KEY-----"
          autoComplete="off"
          spellCheck={false}
        />
      )}
      <PasswordField label="Passphrase" hint="Only if the key is encrypted." inputRef={passphraseRef} value={passphrase} onChange={setPassphrase} autoComplete="off" />
    </FormDialog>
  );
}
