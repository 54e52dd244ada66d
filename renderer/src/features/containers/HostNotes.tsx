import type { HostContainersInfo, HostInfo } from '../../../../shared/contract';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Spinner } from '../../components/Spinner';

/** What the host says before its containers: errors, loading, emptiness. */
export function HostNotes({ host, info }: { host: HostInfo; info: HostContainersInfo | undefined }) {
  const s = host.state;
  if (s.status === 'failed') return <div className="host-note"><ErrorMessage error={s.error} /></div>;
  if (s.status === 'needs-hostkey')
    return (
      <p className="host-note muted">
        {s.knownKeys?.length
          ? `This server no longer offers the host key type Homeport knows it by: verify its new key (${s.keyType}) before you connect.`
          : `Homeport has not seen this server before. Verify its host key (${s.keyType}) to connect.`}
      </p>
    );
  if (s.status === 'disconnected' && !info?.containers.length)
    return <p className="host-note muted">Disconnected. Connect to see its containers.</p>;
  const notes = [];
  if (s.status === 'reconnecting')
    notes.push(
      <ErrorMessage
        key="r"
        compact
        error={s.error}
        title={info?.containers.length ? 'Connection lost; the list below may be out of date.' : 'Cannot connect yet; retrying.'}
      />,
    );
  if (info?.error) notes.push(<ErrorMessage key="e" error={info.error} title="Could not list containers" />);
  if (notes.length === 0) {
    if (!info || info.loading)
      return s.status === 'connecting' || s.status === 'connected' || info?.loading ? (
        <p className="host-note muted">
          <Spinner /> Loading containers…
        </p>
      ) : null;
    if (info.containers.length === 0) return <p className="host-note muted">No containers on this host.</p>;
    return null;
  }
  return <div className="host-note">{notes}</div>;
}
