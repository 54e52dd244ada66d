import { useEffect, useRef, useState } from 'react';
import type { ErrorInfo, HostId, PullProgressInfo } from '../../../../shared/contract';
import { openStream, type StreamHandle } from '../../api/open-stream';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage, fieldReason } from '../../components/ErrorMessage';
import { Field } from '../../components/Field';
import { Spinner } from '../../components/Spinner';
import { useApp } from '../../store';
import { formatBytes } from './resource-common';

type Phase = { kind: 'idle' } | { kind: 'pulling' } | { kind: 'done' } | { kind: 'failed'; error: ErrorInfo };

const pct = (current: number, total: number) => (total > 0 ? Math.min(100, Math.round((current / total) * 100)) : null);

/**
 * Pull an image on a host through the `image.pull` stream: progress per layer and overall from
 * its data, the outcome from its end. Closing the dialog while pulling aborts the pull.
 */
export function PullImageDialog({ onClose, onPulled }: { onClose(): void; onPulled(hostId: HostId): void }) {
  const hosts = useApp((s) => s.hosts.filter((h) => h.state.status === 'connected'));
  const [hostId, setHostId] = useState<HostId | ''>(hosts[0]?.id ?? '');
  const [ref, setRef] = useState('');
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const [progress, setProgress] = useState<PullProgressInfo | null>(null);
  const streamRef = useRef<StreamHandle<'image.pull'> | null>(null);

  useEffect(() => {
    if (!hostId && hosts[0]) setHostId(hosts[0].id);
  }, [hostId, hosts]);

  // Leaving while a pull runs aborts it (the stream's close aborts the pull on the host).
  useEffect(() => () => streamRef.current?.close(), []);

  const pull = () => {
    if (!hostId || !ref.trim() || phase.kind === 'pulling') return;
    setProgress(null);
    setPhase({ kind: 'pulling' });
    streamRef.current?.close();
    streamRef.current = openStream(
      'image.pull',
      { hostId, ref: ref.trim() },
      {
        onData: setProgress,
        onEnd: (error) => {
          if (error) setPhase({ kind: 'failed', error });
          else {
            setPhase({ kind: 'done' });
            onPulled(hostId);
          }
        },
      },
    );
  };

  const pulling = phase.kind === 'pulling';
  const failed = phase.kind === 'failed' ? phase.error : null;
  // A refused reference is told at the Image field; anything else below the form.
  const refError = fieldReason(failed, 'ref');
  const overall = progress ? pct(progress.overall.current, progress.overall.total) : null;
  return (
    <Dialog
      title="Pull image"
      size="medium"
      testId="pull-dialog"
      onClose={onClose}
      onSubmit={pull}
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            {pulling ? 'Cancel pull' : 'Done'}
          </button>
          <button type="submit" className="button button-primary" disabled={pulling || !hostId || !ref.trim()}>
            {pulling && <Spinner />}
            Pull
          </button>
        </>
      }
    >
      <Field label="Host">
        {({ id }) => (
          <select
            id={id}
            value={hostId}
            disabled={pulling}
            onChange={(e) => {
              setHostId(e.target.value as HostId);
              if (phase.kind === 'failed') setPhase({ kind: 'idle' });
            }}
          >
            {hosts.length === 0 && <option value="">No connected host</option>}
            {hosts.map((h) => (
              <option key={h.id} value={h.id}>
                {h.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Image" error={refError} hint="As for docker pull: nginx:1.27, ghcr.io/owner/app:tag, registry:5000/team/app. Without a tag, :latest.">
        {({ id, describedBy, invalid }) => (
          <input
            id={id}
            aria-describedby={describedBy}
            aria-invalid={invalid}
            className="mono"
            value={ref}
            disabled={pulling}
            spellCheck={false}
            autoComplete="off"
            placeholder="nginx:latest"
            onChange={(e) => {
              setRef(e.target.value);
              // A new reference: the last pull's outcome no longer applies to it.
              if (phase.kind !== 'pulling') {
                setPhase({ kind: 'idle' });
                setProgress(null);
              }
            }}
          />
        )}
      </Field>
      {/* Bars while the pull runs; once it ended, only what came of it. */}
      {(pulling || phase.kind === 'done') && (
        <div className="pull-progress" data-testid="pull-progress" data-state={phase.kind}>
          {pulling && (
            <>
              <div className="pull-overall">
                <progress max={100} value={overall ?? undefined} aria-label="Overall progress" />
                <span className="muted">{progress && progress.overall.total > 0 ? `${formatBytes(progress.overall.current)} of ${formatBytes(progress.overall.total)}` : 'Starting…'}</span>
              </div>
              {progress && progress.layers.length > 0 && (
                <ul className="pull-layers">
                  {progress.layers.map((l) => {
                    const p = pct(l.current, l.total);
                    return (
                      <li key={l.id} data-testid="pull-layer" data-layer={l.id}>
                        <span className="mono">{l.id}</span>
                        <progress max={100} value={p ?? (/complete|exists/i.test(l.status) ? 100 : undefined)} aria-label={`Layer ${l.id}`} />
                        <span className="muted">{l.status}</span>
                      </li>
                    );
                  })}
                </ul>
              )}
              {progress?.message && <p className="muted pull-message">{progress.message}</p>}
            </>
          )}
          {phase.kind === 'done' && (
            <p className="pull-done" data-testid="pull-complete" role="status">
              Pulled {ref.trim()}.{progress?.message ? ` ${progress.message}` : ''}
            </p>
          )}
        </div>
      )}
      {failed && !refError && <ErrorMessage error={failed} title="The pull failed" />}
    </Dialog>
  );
}
