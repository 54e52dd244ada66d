import { useRef, useState } from 'react';
import type { HomeportError, KeyInfo } from '../../../../shared/contract';
import { copyText } from '../../components/clipboard';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field } from '../../components/Field';
import { Spinner } from '../../components/Spinner';
import { appStore } from '../../store';
import { asHomeportError } from '../../store/errors';

/** `homeport@<this machine>`, as far as the page can tell. */
export function defaultKeyComment(hostname: string): string {
  const h = hostname.trim().toLowerCase();
  const usable = h && h !== 'localhost' && !/^[\d.]+$/.test(h) && !h.includes(':') ? h.split('.')[0] : 'desktop';
  return `homeport@${usable}`;
}

export function GenerateKeyDialog({ onClose }: { onClose(): void }) {
  const [comment, setComment] = useState(() => defaultKeyComment(location.hostname));
  const [passphrase, setPassphrase] = useState('');
  const [repeat, setRepeat] = useState('');
  const [mismatch, setMismatch] = useState<string | null>(null);
  const [error, setError] = useState<HomeportError | null>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<KeyInfo | null>(null);
  const [copied, setCopied] = useState<boolean | null>(null);
  const publicRef = useRef<HTMLTextAreaElement>(null);

  const submit = async () => {
    if (busy) return;
    if (created) return onClose();
    setError(null);
    if (passphrase && passphrase !== repeat) return setMismatch('The two passphrases differ.');
    setMismatch(null);
    setBusy(true);
    try {
      setCreated(await appStore.getState().generateKey({ comment: comment.trim(), passphrase: passphrase ? passphrase : null }));
    } catch (e) {
      setError(asHomeportError(e));
    } finally {
      setPassphrase('');
      setRepeat('');
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={created ? 'Key generated' : 'Generate ed25519 key'}
      onClose={() => !busy && onClose()}
      onSubmit={() => void submit()}
      testId="generate-key-dialog"
      footer={
        created ? (
          <button type="submit" className="button button-primary" data-autofocus>
            Done
          </button>
        ) : (
          <>
            <button type="button" className="button" onClick={onClose} disabled={busy}>
              Cancel
            </button>
            <button type="submit" className="button button-primary" disabled={busy}>
              {busy && <Spinner />}
              Generate
            </button>
          </>
        )
      }
    >
      {created ? (
        <>
          <p>
            <span className="mono">{created.fingerprint}</span>
          </p>
          <Field label="Public key" hint="Add this line to ~/.ssh/authorized_keys on the server.">
            {({ id, describedBy }) => (
              <textarea
                id={id}
                ref={publicRef}
                className="mono key-text"
                rows={3}
                readOnly
                value={created.publicLine}
                aria-describedby={describedBy}
                data-testid="public-key"
                onFocus={(e) => e.currentTarget.select()}
              />
            )}
          </Field>
          <div className="inline-row">
            <button
              type="button"
              className="button"
              onClick={async () => setCopied(await copyText(created.publicLine, publicRef.current))}
            >
              Copy
            </button>
            {copied === true && <span className="muted small" role="status">Copied.</span>}
            {copied === false && <span className="muted small" role="status">Selected: press Ctrl+C to copy.</span>}
          </div>
        </>
      ) : (
        <>
          <Field label="Comment" hint="Ends the public line; helps you recognise the key in authorized_keys.">
            {({ id, describedBy }) => (
              <input id={id} value={comment} onChange={(e) => {
              setComment(e.target.value);
              setError(null);
            }} aria-describedby={describedBy} autoComplete="off" spellCheck={false} maxLength={128} />
            )}
          </Field>
          <Field label="Passphrase" hint="Optional: encrypts the private key.">
            {({ id, describedBy }) => (
              <input id={id} type="password" value={passphrase} onChange={(e) => {
              setPassphrase(e.target.value);
              setError(null);
            }} aria-describedby={describedBy} autoComplete="new-password" />
            )}
          </Field>
          {passphrase && (
            <Field label="Repeat passphrase" error={mismatch}>
              {({ id, describedBy, invalid }) => (
                <input
                  id={id}
                  type="password"
                  value={repeat}
                  onChange={(e) => {
              setRepeat(e.target.value);
              setError(null);
            }}
                  aria-describedby={describedBy}
                  aria-invalid={invalid || undefined}
                  autoComplete="new-password"
                />
              )}
            </Field>
          )}
          {error && <ErrorMessage error={error} />}
        </>
      )}
    </Dialog>
  );
}
