import type { ContainerInfo } from '../../../../../shared/contract';
import { isConnectionLost } from '../../../api/open-stream';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { LOG_CAPACITY, type LogStatus } from './use-log-stream';

const fmt = new Intl.NumberFormat('en-US');

/** Where the log stands: connecting, live, ended (with Resume) or failed (with Retry); how many lines are shown, received and dropped. */
export function LogStatusBar({
  status,
  received,
  held,
  dropped,
  containerState,
  onResume,
}: {
  status: LogStatus;
  received: number;
  held: number;
  dropped: number;
  containerState: ContainerInfo['state'];
  onResume(): void;
}) {
  if (status.kind === 'failed') {
    const lost = isConnectionLost(status.error);
    return (
      <div className="logs-status logs-status-error">
        <ErrorMessage
          error={lost ? { ...status.error, fix: 'It follows on by itself, from the last line shown, once Homeport is connected again.' } : status.error}
          title={lost ? 'The log stopped' : 'The log could not be read'}
          compact
        />
        <button type="button" className="button button-small" onClick={onResume}>
          Retry
        </button>
      </div>
    );
  }
  return (
    <div className="logs-status" data-testid="logs-status">
      {status.kind === 'connecting' && <span>Connecting…</span>}
      {status.kind === 'live' && <span className="logs-live">● Live</span>}
      {status.kind === 'ended' && (
        <span className="logs-ended" role="status">
          {containerState === 'running' ? 'The log stream ended.' : `The container is ${containerState === 'exited' ? 'stopped' : containerState}: this is its log up to then.`}{' '}
          <button type="button" className="link-button" onClick={onResume}>
            Resume following
          </button>
        </span>
      )}
      <span className="muted">
        {fmt.format(held)} line{held === 1 ? '' : 's'} shown
        {received !== held ? ` of ${fmt.format(received)} received` : ''}
      </span>
      {dropped > 0 && (
        <span className="logs-dropped" data-testid="logs-dropped">
          {fmt.format(dropped)} older line{dropped === 1 ? ' was' : 's were'} dropped (only the newest {fmt.format(LOG_CAPACITY)} are kept)
        </span>
      )}
    </div>
  );
}
