import type { ErrorInfo } from '../../../shared/contract';

/**
 * An error as the services describe it: what went wrong, and what to do about it. A changed host
 * key is shown loud, with both fingerprints, and never with a way to accept it.
 */
export function ErrorMessage({ error, title, compact = false }: { error: ErrorInfo; title?: string; compact?: boolean }) {
  if (error.code === 'HOSTKEY_CHANGED') return <HostKeyChanged error={error} />;
  return (
    <div className={`error-message${compact ? ' error-compact' : ''}`} role="alert" data-code={error.code}>
      {title && <strong className="error-title">{title}</strong>}
      <p className="error-text">{error.message}</p>
      {error.fix && <p className="error-fix">{error.fix}</p>}
    </div>
  );
}

function HostKeyChanged({ error }: { error: ErrorInfo }) {
  const d = error.details ?? {};
  const where = d.hostname ? `${String(d.hostname)}${d.port && d.port !== 22 ? `:${String(d.port)}` : ''}` : 'this server';
  return (
    <div className="error-message error-loud" role="alert" data-code={error.code} data-testid="hostkey-changed">
      <strong className="error-title">Warning: the host key of {where} has changed</strong>
      <p className="error-text">{error.message}</p>
      <dl className="fingerprints">
        {d.fingerprint !== undefined && (
          <>
            <dt>Presented now{d.keyType ? ` (${String(d.keyType)})` : ''}</dt>
            <dd className="mono">{String(d.fingerprint)}</dd>
          </>
        )}
        {d.expected !== undefined && (
          <>
            <dt>Remembered</dt>
            <dd className="mono">{String(d.expected)}</dd>
          </>
        )}
      </dl>
      <p className="error-fix">
        {error.fix ??
          'Someone may be intercepting the connection, or the server was reinstalled. Check the key on the server before removing the old entry from known_hosts.'}
      </p>
    </div>
  );
}

/**
 * The words for a form field when the services refused it (`details.field`, e.g. `ref` or
 * `host.socketPath`, matched on its last part): the reason alone, since the field's own label says
 * where; null when the error is about something else.
 */
export function fieldReason(error: ErrorInfo | null | undefined, field: string): string | null {
  if (!error || error.code !== 'VALIDATION') return null;
  const at = error.details?.field;
  if (typeof at !== 'string' || at.split('.').pop() !== field) return null;
  const reason = error.details?.reason;
  return typeof reason === 'string' && reason ? reason : error.message;
}
