import { useRef, useState } from 'react';
import type { KeyInfo } from '../../../../shared/contract';
import { copyText } from '../../components/clipboard';
import { Field } from '../../components/Field';
import { FormDialog } from '../../components/FormDialog';
import { PasswordField, TextField } from '../../components/fields';
import { useSubmit } from '../../components/use-submit';
import { appStore } from '../../store';

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
  const [created, setCreated] = useState<KeyInfo | null>(null);
  const [copied, setCopied] = useState<boolean | null>(null);
  const publicRef = useRef<HTMLTextAreaElement>(null);

  const submit = useSubmit(async () => {
    try {
      setCreated(await appStore.getState().generateKey({ comment: comment.trim(), passphrase: passphrase ? passphrase : null }));
    } finally {
      setPassphrase('');
      setRepeat('');
    }
  });
  const onSubmit = () => {
    if (submit.busy) return;
    if (created) return onClose();
    if (submit.check({ repeat: passphrase && passphrase !== repeat ? 'The two passphrases differ.' : undefined })) void submit.run();
  };

  if (created) {
    return (
      <FormDialog title="Key generated" form={submit} onSubmit={onSubmit} onClose={onClose} submitLabel="Done" submitAutoFocus cancelLabel={null} testId="generate-key-dialog">
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
          <button type="button" className="button" onClick={async () => setCopied(await copyText(created.publicLine, publicRef.current))}>
            Copy
          </button>
          {copied === true && <span className="muted small" role="status">Copied.</span>}
          {copied === false && <span className="muted small" role="status">Selected: press Ctrl+C to copy.</span>}
        </div>
      </FormDialog>
    );
  }

  return (
    <FormDialog title="Generate ed25519 key" form={submit} onSubmit={onSubmit} onClose={onClose} submitLabel="Generate" testId="generate-key-dialog">
      <TextField
        label="Comment"
        hint="Ends the public line; helps you recognise the key in authorized_keys."
        value={comment}
        onChange={setComment}
        autoComplete="off"
        spellCheck={false}
        maxLength={128}
      />
      <PasswordField label="Passphrase" hint="Optional: encrypts the private key." value={passphrase} onChange={setPassphrase} autoComplete="new-password" />
      {passphrase && <PasswordField name="repeat" label="Repeat passphrase" value={repeat} onChange={setRepeat} autoComplete="new-password" />}
    </FormDialog>
  );
}
