import { useEffect, useRef, useState } from 'react';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Spinner } from '../../components/Spinner';
import { toErrorInfo } from '../../lib/errors';
import { appStore, type StackRun } from '../../store';

/**
 * The output of the stack's last compose command, as it arrives: monospace, following the end
 * unless the user scrolled up to read, then the outcome with the exit status.
 */
export function StackOutput({ run }: { run: StackRun }) {
  const pre = useRef<HTMLPreElement>(null);
  const follow = useRef(true);
  const [rollingBack, setRollingBack] = useState(false);

  useEffect(() => {
    const el = pre.current;
    if (el && follow.current) el.scrollTop = el.scrollHeight;
  }, [run.lines.length]);

  // The service already put the previous file back after a failed deploy: rolling back now would
  // re-apply the file that failed.
  const reverted = run.error?.details?.reverted === true;
  const status =
    run.state === 'running' ? (
      <span className="run-status" role="status">
        <Spinner /> Running…
      </span>
    ) : run.stopped ? (
      <span className="run-status muted" role="status">Stopped</span>
    ) : run.state === 'done' ? (
      <span className="run-status run-ok" role="status" data-testid="run-ok">Finished (exit status 0)</span>
    ) : reverted ? (
      <span className="run-status run-failed" role="status">
        Failed — the previous file is deployed again
      </span>
    ) : (
      <span className="run-status run-failed" role="status">
        {run.error?.details?.exitStatus !== undefined ? `Failed (exit status ${String(run.error.details.exitStatus)})` : 'Failed'}
      </span>
    );

  return (
    <section className="stack-output" aria-label={`Output of ${run.title}`} data-testid="stack-output" data-state={run.stopped ? 'stopped' : run.state}>
      <header className="stack-output-header">
        <strong>{run.title}</strong>
        {status}
        <span className="spacer" />
        {run.state === 'running' ? (
          <button type="button" className="button button-small" onClick={() => appStore.getState().stopStackRun(run.key)}>
            Stop
          </button>
        ) : (
          <>
            {run.file !== null && !reverted && (
              <button type="button" className="button button-small" onClick={() => setRollingBack(true)}>
                Roll back file
              </button>
            )}
            <button type="button" className="button button-small" onClick={() => appStore.getState().dismissStackRun(run.key)}>
              Close output
            </button>
          </>
        )}
      </header>
      <pre
        ref={pre}
        className="stack-output-text mono"
        tabIndex={0}
        aria-label="Command output"
        aria-live="off"
        onScroll={(e) => {
          const el = e.currentTarget;
          follow.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
        }}
      >
        {run.dropped > 0 && <span className="muted">… {run.dropped} earlier lines not shown{'\n'}</span>}
        {run.lines.map((l, i) => (
          <span key={i + run.dropped} className={`out-${l.stream}`}>
            {l.line}
            {'\n'}
          </span>
        ))}
        {run.lines.length === 0 && run.state === 'running' && <span className="muted">Starting…</span>}
      </pre>
      {run.error && !run.stopped && <ErrorMessage error={run.error} compact />}
      {rollingBack && (
        <ConfirmDialog
          title="Roll back the compose file?"
          confirmLabel="Roll back & redeploy"
          onCancel={() => setRollingBack(false)}
          onConfirm={async () => {
            try {
              await appStore.getState().rollBackComposeFile({ hostId: run.hostId, project: run.project, ...(run.file !== null ? { path: run.file } : {}) });
              setRollingBack(false);
            } catch (e) {
              setRollingBack(false);
              const err = toErrorInfo(e);
              appStore.getState().pushToast({ tone: 'error', title: 'Could not roll back', message: err.message, ...(err.fix ? { fix: err.fix } : {}) });
            }
          }}
        >
          <p>
            The compose file of <strong>{run.project}</strong> goes back to the version before Homeport&apos;s last change, and the stack is
            redeployed with it. The current file is kept as the previous one.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
