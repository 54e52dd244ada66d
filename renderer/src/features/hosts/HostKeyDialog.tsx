import { Fragment } from 'react';
import type { KnownHostKeyInfo } from '../../../../shared/contract';
import { FormDialog } from '../../components/FormDialog';
import { useSubmit } from '../../components/use-submit';
import { acceptHostKey } from './api';

export interface HostKeyFacts {
  hostname: string;
  port: number;
  keyType: string;
  fingerprint: string;
  /** Keys of other types Homeport already trusts for this host: not empty means the key type changed. */
  knownKeys?: KnownHostKeyInfo[];
}

/** How OpenSSH names a key type in its messages: ED25519, RSA, ECDSA… */
export function keyTypeName(keyType: string): string {
  const t = keyType.toLowerCase();
  if (t.includes('ed25519')) return 'ED25519';
  if (t.includes('ecdsa')) return 'ECDSA';
  if (t.includes('rsa')) return 'RSA';
  if (t.includes('dss')) return 'DSA';
  return keyType.toUpperCase();
}

/** The host key file that matches a key type, for the `ssh-keygen -lf` hint. */
export function hostKeyFile(keyType: string): string {
  const t = keyType.toLowerCase();
  const name = t.includes('ed25519') ? 'ed25519' : t.includes('ecdsa') ? 'ecdsa' : t.includes('rsa') ? 'rsa' : 'ed25519';
  return `/etc/ssh/ssh_host_${name}_key.pub`;
}

/**
 * First contact with a server (OpenSSH's "authenticity of host can't be established"): show the
 * fingerprint and how to check it on the server; trust only on an explicit click. When keys of
 * other types are already trusted for the server, it no longer offers the type it was known by:
 * that is a warning (changed sshd settings, or someone in the middle), said as such.
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
  const where = `${facts.hostname.includes(':') ? `[${facts.hostname}]` : facts.hostname}:${facts.port}`;
  const known = facts.knownKeys ?? [];
  const typeChanged = known.length > 0;
  const newType = keyTypeName(facts.keyType);
  const knownTypes = [...new Set(known.map((k) => keyTypeName(k.keyType)))].join(' and ');
  const trust = useSubmit(async () => {
    await acceptHostKey({ hostname: facts.hostname, port: facts.port, fingerprint: facts.fingerprint });
    onTrusted();
  });
  return (
    <FormDialog
      title={typeChanged ? `The host key type of ${where} changed` : `Verify the host key of ${where}`}
      label="Verify host key"
      testId="hostkey-dialog"
      form={trust}
      onSubmit={() => void trust.run()}
      onClose={onCancel}
      submitLabel={typeChanged ? `Trust the ${newType} key and connect` : 'Trust and connect'}
    >
      {typeChanged ? (
        <div className="error-message error-loud" role="alert" data-testid="hostkey-type-changed">
          <strong className="error-title">Warning: the host key type changed</strong>
          <p className="error-text">
            Homeport knows {hostLabel ? <strong>{hostLabel}</strong> : 'this server'} ({where}) by its {knownTypes} key, but
            it now offers only an {newType} key. Its administrator may have changed the server&apos;s keys or sshd
            settings — or someone in the middle of the connection is presenting their own key.
          </p>
          <dl className="hostkey-facts">
            {known.map((k) => (
              <Fragment key={k.fingerprint}>
                <dt>Known {keyTypeName(k.keyType)} key</dt>
                <dd>
                  <code className="fingerprint" data-testid="hostkey-known-fingerprint">
                    {k.fingerprint}
                  </code>
                </dd>
              </Fragment>
            ))}
          </dl>
        </div>
      ) : (
        <p>
          Homeport has not connected to {hostLabel ? <strong>{hostLabel}</strong> : 'this server'} ({where}) before. Check
          that the key below is the server&apos;s own before you trust it: anyone in the middle of the connection could
          present a different one.
        </p>
      )}
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
      {typeChanged && (
        <p className="muted">
          Also find out why the server no longer offers its {knownTypes} key (the HostKey lines of /etc/ssh/sshd_config).
          Trust the {newType} key only if both check out.
        </p>
      )}
    </FormDialog>
  );
}
