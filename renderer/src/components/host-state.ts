import type { ConnectionState, Transport } from '../../../shared/contract';
import type { Tone } from './StateBadge';

export function transportLabel(t: Transport): string {
  return t === 'streamlocal' ? 'streamlocal' : t === 'dial-stdio' ? 'dial-stdio' : 'local socket';
}

/** The connection state in a few words; `now` makes the reconnect countdown testable. */
export function connectionLabel(state: ConnectionState, now: number): string {
  switch (state.status) {
    case 'disconnected':
      return 'Disconnected';
    case 'connecting':
      return state.attempt > 1 ? `Connecting… (attempt ${state.attempt})` : 'Connecting…';
    case 'connected':
      return `Connected (${transportLabel(state.transport)})`;
    case 'reconnecting': {
      const s = Math.max(0, Math.ceil((state.retryAt - now) / 1000));
      return s > 0 ? `Reconnecting in ${s}s (attempt ${state.attempt})` : `Reconnecting… (attempt ${state.attempt})`;
    }
    case 'needs-hostkey':
      return state.knownKeys?.length ? 'Host key type changed' : 'Needs host key';
    case 'failed':
      return 'Failed';
  }
}

export function connectionTone(state: ConnectionState): Tone {
  switch (state.status) {
    case 'connected':
      return 'ok';
    case 'connecting':
    case 'reconnecting':
      return 'busy';
    case 'needs-hostkey':
      return 'warn';
    case 'failed':
      return 'error';
    default:
      return 'idle';
  }
}
