import { useRef, useState } from 'react';
import type { HomeportError } from '../../../../shared/contract';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field } from '../../components/Field';
import { Spinner } from '../../components/Spinner';
import { appStore } from '../../store';
import { asHomeportError } from '../../store/errors';

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
  const [error, setError] = useState<HomeportError | null>(null);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const passphraseRef = useRef<HTMLInputElement>(null);

  const submit = async () => {
    if (busy) return;
    setError(null);
    setFieldError(null);
    if (source === 'file' && !path.trim()) return setFieldError('Give the path of the private key file, e.g. ~/.ssh/id_ed25519.');
    if (source === 'text' && !privateKey.trim()) return setFieldError('Paste the private key, from -----BEGIN to -----END.');
    setBusy(true);
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
      const err = asHomeportError(e);
      setError(err);
      if (err.code === 'KEY_PASSPHRASE') setTimeout(() => passphraseRef.current?.focus());
    } finally {
      // Secrets do not outlive the call.
      setPrivateKey('');
      setPassphrase('');
      setBusy(false);
    }
  };

  return (
    <Dialog
      title="Import key"
      onClose={() => !busy && onClose()}
      onSubmit={() => void submit()}
      testId="import-key-dialog"
      footer={
        <>
          <button type="button" className="button" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy && <Spinner />}
            Import
          </button>
        </>
      }
    >
      <Field label="Name" hint="Shown in lists; the key's own comment is used when empty.">
        {({ id, describedBy }) => (
          <input id={id} value={name} onChange={(e) => {
              setName(e.target.value);
              setError(null);
            }} aria-describedby={describedBy} autoComplete="off" maxLength={128} />
        )}
      </Field>
      <div className="segmented" role="radiogroup" aria-label="Key source">
        <label className={source === 'file' ? 'active' : ''}>
          <input type="radio" name="key-source" checked={source === 'file'} onChange={() => {
              setSource('file');
              setError(null);
            }} />
          From a file
        </label>
        <label className={source === 'text' ? 'active' : ''}>
          <input type="radio" name="key-source" checked={source === 'text'} onChange={() => {
              setSource('text');
              setError(null);
            }} />
          Paste the key
        </label>
      </div>
      {source === 'file' ? (
        <Field label="Key file" error={fieldError} hint="A path on the computer running Homeport.">
          {({ id, describedBy, invalid }) => (
            <input
              id={id}
              className="mono"
              value={path}
              onChange={(e) => {
              setPath(e.target.value);
              setError(null);
            }}
              aria-invalid={invalid || undefined}
              aria-describedby={describedBy}
              placeholder="~/.ssh/id_ed25519"
              autoComplete="off"
              spellCheck={false}
            />
          )}
        </Field>
      ) : (
        <Field label="Private key" error={fieldError} hint="Sent once to Homeport's key vault; it is not kept in this window.">
          {({ id, describedBy, invalid }) => (
            <textarea
              id={id}
              className="mono key-text"
              rows={7}
              value={privateKey}
              onChange={(e) => {
              setPrivateKey(e.target.value);
              setError(null);
            }}
              aria-invalid={invalid || undefined}
              aria-describedby={describedBy}
              placeholder="-----BEGIN OPENSSH PRIVATE KEY-----"
              autoComplete="off"
              spellCheck={false}
            />
          )}
        </Field>
      )}
      <Field label="Passphrase" hint="Only if the key is encrypted.">
        {({ id, describedBy }) => (
          <input
            id={id}
            ref={passphraseRef}
            type="password"
            value={passphrase}
            onChange={(e) => {
              setPassphrase(e.target.value);
              setError(null);
            }}
            aria-describedby={describedBy}
            autoComplete="off"
          />
        )}
      </Field>
      {error && <ErrorMessage error={error} />}
    </Dialog>
  );
}
