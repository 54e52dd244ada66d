import { useRef, useState } from 'react';
import type { KeyInfo } from '../../../../shared/contract';
import { copyText } from '../../components/clipboard';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Dialog } from '../../components/Dialog';
import { EmptyState } from '../../components/EmptyState';
import { CopyIcon } from '../../components/icons';
import { LoadingNote } from '../../components/Spinner';
import { TableHead } from '../../components/TableHead';
import { ViewHeader } from '../../components/ViewHeader';
import { appStore, useApp } from '../../store';
import { asHomeportError } from '../../lib/errors';
import { keyLabel } from '../hosts';
import { GenerateKeyDialog } from './GenerateKeyDialog';
import { ImportKeyDialog } from './ImportKeyDialog';
import './keys.css';

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function KeysView() {
  const { keys, hosts, keysLoaded } = useApp((s) => ({ keys: s.keys, hosts: s.hosts, keysLoaded: s.keysLoaded }));
  const [dialog, setDialog] = useState<'import' | 'generate' | null>(null);
  const [removing, setRemoving] = useState<KeyInfo | null>(null);
  const [showing, setShowing] = useState<KeyInfo | null>(null);
  const sorted = [...keys].sort((a, b) => b.createdAt - a.createdAt);

  const copy = async (k: KeyInfo) => {
    if (await copyText(k.publicLine)) appStore.getState().pushToast({ tone: 'success', title: `Copied the public key of ${keyLabel(k)}` });
    else setShowing(k); // no clipboard here (plain http): show it selected instead
  };
  const usedBy = removing ? hosts.filter((h) => h.keyId === removing.id) : [];

  return (
    <div className="view">
      <ViewHeader
        title="Keys"
        summary={keys.length > 0 && `${keys.length} stored`}
        toolbar={
          <>
            <button type="button" className="button" onClick={() => setDialog('import')}>
              Import key
            </button>
            <button type="button" className="button button-primary" onClick={() => setDialog('generate')}>
              Generate ed25519 key
            </button>
          </>
        }
      />
      <div className="view-body">
        {!keysLoaded ? (
          <LoadingNote />
        ) : keys.length === 0 ? (
          <EmptyState title="No stored keys" testId="empty-no-keys">
            Hosts can use your ssh-agent or key files directly. Store a key here to use it without an agent: import one
            you have, or generate a new ed25519 key and add its public line to the server.
          </EmptyState>
        ) : (
          <table className="data-table keys-table" aria-label="Keys">
            <TableHead columns={['Name', 'Type', 'Fingerprint', 'Created', { label: 'Actions', className: 'col-actions-head' }]} />
            <tbody>
              {sorted.map((k) => (
                <tr key={k.id} data-testid="key-row" data-fingerprint={k.fingerprint}>
                  <td className="cell-key-name" title={keyLabel(k)}>
                    <strong>{keyLabel(k)}</strong>
                    {k.hasPassphrase && <span className="tag">has passphrase</span>}
                  </td>
                  <td className="mono">{k.type}</td>
                  <td className="mono fingerprint-cell" title={k.fingerprint}>
                    {k.fingerprint}
                  </td>
                  <td className="muted nowrap">{dateFormat.format(new Date(k.createdAt))}</td>
                  <td className="cell-actions">
                    <button type="button" className="button button-small" aria-label={`Copy public key of ${keyLabel(k)}`} onClick={() => void copy(k)}>
                      <CopyIcon />
                      Copy public key
                    </button>
                    <button type="button" className="button button-small button-danger-quiet" aria-label={`Remove key ${keyLabel(k)}`} onClick={() => setRemoving(k)}>
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      {dialog === 'import' && <ImportKeyDialog onClose={() => setDialog(null)} />}
      {dialog === 'generate' && <GenerateKeyDialog onClose={() => setDialog(null)} />}
      {showing && <PublicKeyDialog keyInfo={showing} onClose={() => setShowing(null)} />}
      {removing && (
        <ConfirmDialog
          title={`Remove key ${keyLabel(removing)}?`}
          confirmLabel="Remove"
          danger
          onCancel={() => setRemoving(null)}
          onConfirm={async () => {
            try {
              await appStore.getState().removeKey(removing.id);
            } catch (e) {
              const err = asHomeportError(e);
              appStore.getState().pushToast({ tone: 'error', title: 'Could not remove the key', message: err.message, fix: err.fix });
            }
            setRemoving(null);
          }}
        >
          <p>
            The private key is deleted from Homeport&apos;s vault; this cannot be undone. Copies elsewhere, and its line in
            servers&apos; authorized_keys, stay.
          </p>
          {usedBy.length > 0 ? (
            <p className="note-warn">
              {usedBy.length === 1 ? 'Host' : 'Hosts'} {usedBy.map((h) => h.name).join(', ')} {usedBy.length === 1 ? 'uses' : 'use'} it and
              will lose it: they keep only their other credentials (ssh-agent, identity file, password).
            </p>
          ) : (
            <p className="muted">No host uses it.</p>
          )}
        </ConfirmDialog>
      )}
    </div>
  );
}

function PublicKeyDialog({ keyInfo, onClose }: { keyInfo: KeyInfo; onClose(): void }) {
  const ref = useRef<HTMLTextAreaElement>(null);
  return (
    <Dialog
      title={`Public key of ${keyLabel(keyInfo)}`}
      onClose={onClose}
      footer={
        <button type="button" className="button button-primary" onClick={onClose}>
          Done
        </button>
      }
    >
      <p className="muted">This window cannot reach the clipboard; the line is selected, press Ctrl+C to copy it.</p>
      <textarea ref={ref} className="mono key-text" rows={3} readOnly value={keyInfo.publicLine} aria-label="Public key" data-autofocus onFocus={(e) => e.currentTarget.select()} />
      <p className="field-hint">Add this line to ~/.ssh/authorized_keys on the server.</p>
    </Dialog>
  );
}
