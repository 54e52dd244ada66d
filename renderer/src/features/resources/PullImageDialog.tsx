import { useEffect, useRef, useState } from 'react';
import { HomeportError, type HostId, type PullProgressInfo } from '../../../../shared/contract';
import { openStream, type StreamHandle } from '../../api/open-stream';
import { SelectField, TextField } from '../../components/fields';
import { FormDialog } from '../../components/FormDialog';
import { atFields, useSubmit } from '../../components/use-submit';
import { useApp } from '../../store';
import { formatBytes } from '../../lib/format';

const pct = (current: number, total: number) => (total > 0 ? Math.min(100, Math.round((current / total) * 100)) : null);

/**
 * Pull an image on a host through the `image.pull` stream: progress per layer and overall from
 * its data, the outcome from its end. Closing the dialog while pulling aborts the pull.
 */
export function PullImageDialog({ onClose, onPulled }: { onClose(): void; onPulled(hostId: HostId): void }) {
  const hosts = useApp((s) => s.hosts.filter((h) => h.state.status === 'connected'));
  const [hostId, setHostId] = useState<HostId | ''>(hosts[0]?.id ?? '');
  const [ref, setRef] = useState('');
  const [done, setDone] = useState(false);
  const [progress, setProgress] = useState<PullProgressInfo | null>(null);
  const streamRef = useRef<StreamHandle<'image.pull'> | null>(null);

  useEffect(() => {
    if (!hostId && hosts[0]) setHostId(hosts[0].id);
  }, [hostId, hosts]);

  // Leaving while a pull runs aborts it (the stream's close aborts the pull on the host).
  useEffect(() => () => streamRef.current?.close(), []);

  // A refused reference is told at the Image field; anything else below the form.
  const pull = useSubmit(
    async (host: HostId, image: string) => {
      setProgress(null);
      setDone(false);
      await new Promise<void>((resolve, reject) => {
        streamRef.current?.close();
        streamRef.current = openStream('image.pull', { hostId: host, ref: image }, { onData: setProgress, onEnd: (error) => (error ? reject(new HomeportError(error)) : resolve()) });
      });
      setDone(true);
      onPulled(host);
    },
    { placeError: atFields(['ref']) },
  );
  const pulling = pull.busy;
  const overall = progress ? pct(progress.overall.current, progress.overall.total) : null;
  return (
    <FormDialog
      title="Pull image"
      testId="pull-dialog"
      form={pull}
      onSubmit={() => hostId && ref.trim() && void pull.run(hostId, ref.trim())}
      onClose={onClose}
      submitLabel="Pull"
      submitDisabled={!hostId || !ref.trim()}
      cancelLabel={pulling ? 'Cancel pull' : 'Done'}
      closeWhileBusy
      errorTitle="The pull failed"
    >
      <SelectField label="Host" value={hostId} disabled={pulling} onChange={setHostId}>
        {hosts.length === 0 && <option value="">No connected host</option>}
        {hosts.map((h) => (
          <option key={h.id} value={h.id}>
            {h.name}
          </option>
        ))}
      </SelectField>
      <TextField
        name="ref"
        label="Image"
        hint="As for docker pull: nginx:1.27, ghcr.io/owner/app:tag, registry:5000/team/app. Without a tag, :latest."
        mono
        value={ref}
        disabled={pulling}
        spellCheck={false}
        autoComplete="off"
        placeholder="nginx:latest"
        onChange={(value) => {
          setRef(value);
          // A new reference: the last pull's outcome no longer applies to it.
          if (!pulling) {
            setDone(false);
            setProgress(null);
          }
        }}
      />
      {/* Bars while the pull runs; once it ended, only what came of it. */}
      {(pulling || done) && (
        <div className="pull-progress" data-testid="pull-progress" data-state={pulling ? 'pulling' : 'done'}>
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
          {!pulling && done && (
            <p className="pull-done" data-testid="pull-complete" role="status">
              Pulled {ref.trim()}.{progress?.message ? ` ${progress.message}` : ''}
            </p>
          )}
        </div>
      )}
    </FormDialog>
  );
}
