import { useState } from 'react';
import type { HomeportError } from '../../../../shared/contract';
import { client } from '../../api/client';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Spinner } from '../../components/Spinner';
import { asHomeportError } from '../../store/errors';

export interface HostKeyFacts {
  hostname: string;
  port: number;
  keyType: string;
  fingerprint: string;
}

/** The host key file that matches a key type, for the `ssh-keygen -lf` hint. */
export function hostKeyFile(keyType: string): string {
  const t = keyType.toLowerCase();
  const name = t.includes('ed25519') ? 'ed25519' : t.includes('ecdsa') ? 'ecdsa' : t.includes('rsa') ? 'rsa' : 'ed25519';
  return `/etc/ssh/ssh_host_${name}_key.pub`;
}

/**
 * First contact with a server (OpenSSH's "authenticity of host can't be established"): show the
 * fingerprint and how to check it on the server; trust only on an explicit click.
 */
export function HostKeyDialog({
  facts,
  hostLabel,
  onTrusted,
  onCancel,
}: {
  facts: HostKeyFacts;
  /** The saved host's name, when there is one. */
  hostLabel?: string;
  onTrusted(): void;
  onCancel(): void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<HomeportError | null>(null);
  const where = `${facts.hostname.includes(':') ? `[${facts.hostname}]` : facts.hostname}:${facts.port}`;
  const trust = async () => {
    setBusy(true);
    setError(null);
    try {
      await client().hosts.acceptHostKey({ hostname: facts.hostname, port: facts.port, fingerprint: facts.fingerprint });
      onTrusted();
    } catch (e) {
      setError(asHomeportError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog
      title={`Verify the host key of ${where}`}
      label="Verify host key"
      onClose={() => !busy && onCancel()}
      testId="hostkey-dialog"
      footer={
        <>
          <button type="button" className="button" onClick={onCancel} disabled={busy}>
            Cancel
          </button>
          <button type="button" className="button button-primary" onClick={() => void trust()} disabled={busy}>
            {busy && <Spinner />}
            Trust and connect
          </button>
        </>
      }
    >
      <p>
        Homeport has not connected to {hostLabel ? <strong>{hostLabel}</strong> : 'this server'} ({where}) before. Check
        that the key below is the server&apos;s own before you trust it: anyone in the middle of the connection could
        present a different one.
      </p>
      <dl className="hostkey-facts">
        <dt>Key type</dt>
        <dd className="mono" data-testid="hostkey-type">
          {facts.keyType}
        </dd>
        <dt>Fingerprint</dt>
        <dd>
          <code className="fingerprint" data-testid="hostkey-fingerprint">
            {facts.fingerprint}
          </code>
        </dd>
      </dl>
      <p className="muted">To compare, run this on the server (from its console, or a session you already trust):</p>
      <pre className="command">ssh-keygen -lf {hostKeyFile(facts.keyType)}</pre>
      <p className="muted">The SHA256 value it prints must match the fingerprint above exactly.</p>
      {error && <ErrorMessage error={error} />}
    </Dialog>
  );
}
