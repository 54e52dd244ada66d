import type { ConnectionState } from '../../../shared/contract';
import { connectionLabel, connectionTone } from './host-state';
import { StateBadge } from './StateBadge';
import { useNow } from './use-now';

/** A host's connection state; the reconnect countdown ticks. */
export function HostStateBadge({ state }: { state: ConnectionState }) {
  const now = useNow(state.status === 'reconnecting');
  const title =
    state.status === 'connected'
      ? `Docker ${state.engine.version} (API ${state.engine.apiVersion}) on ${state.engine.os}`
      : state.status === 'reconnecting' || state.status === 'failed'
        ? state.error.message
        : undefined;
  return (
    <span data-testid="host-state" data-status={state.status}>
      <StateBadge tone={connectionTone(state)} title={title}>
        {connectionLabel(state, now)}
      </StateBadge>
    </span>
  );
}
