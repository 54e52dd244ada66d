import { appStore, useApp } from '../../store';
import { HostKeyDialog } from './HostKeyDialog';

/**
 * A saved host waiting for its host key to be trusted gets the prompt wherever the user is.
 * Cancelling remembers the declined fingerprint so the prompt does not come straight back; the
 * host's "Verify host key…" button brings it up again.
 */
export function HostKeyPrompt() {
  const host = useApp((s) =>
    s.hosts.find((h) => h.state.status === 'needs-hostkey' && s.dismissedHostKeys[h.id] !== h.state.fingerprint),
  );
  if (!host || host.state.status !== 'needs-hostkey') return null;
  const { hostname, port, keyType, fingerprint, knownKeys } = host.state;
  const dismiss = () => appStore.getState().dismissHostKey(host.id, fingerprint);
  return (
    <HostKeyDialog
      key={`${host.id}/${fingerprint}`}
      facts={{ hostname, port, keyType, fingerprint, knownKeys: knownKeys ?? [] }}
      hostLabel={host.name}
      onCancel={dismiss}
      // The services reconnect by themselves once the key is trusted.
      onTrusted={dismiss}
    />
  );
}
