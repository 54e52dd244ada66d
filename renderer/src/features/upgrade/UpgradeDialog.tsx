import { useEffect, useRef, useState } from 'react';
import type { ContainerInfo, ErrorInfo, PullProgressInfo, UpgradeOptionsInfo, UpgradeProgressInfo, UpgradeResultInfo, UpgradeStepName } from '../../../../shared/contract';
import { openStream, type StreamHandle } from '../../api/open-stream';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { CheckboxField, SelectField, TextField } from '../../components/fields';
import { FormDialog } from '../../components/FormDialog';
import { Spinner } from '../../components/Spinner';
import { appStore } from '../../store';
import { formatAge, formatBytes } from '../../lib/format';
import { resolveTarget, shortImageId } from './upgrade-model';

type Phase = { kind: 'idle' } | { kind: 'running' } | { kind: 'done'; result: UpgradeResultInfo } | { kind: 'failed'; error: ErrorInfo };
type StepState = Extract<UpgradeProgressInfo, { type: 'step' }>;

const STEP_LABEL: Record<UpgradeStepName, string> = {
  prepare: 'Prepare',
  pull: 'Pull',
  create: 'Create',
  stop: 'Stop old',
  swap: 'Keep old',
  start: 'Start',
  verify: 'Verify',
  cleanup: 'Clean up',
  restore: 'Put back',
};

const pct = (c: number, t: number) => (t > 0 ? Math.min(100, Math.round((c / t) * 100)) : null);

/**
 * Upgrade (or downgrade) one container: pick a tag of its repository on the host, or type any
 * tag/reference; the `container.upgrade` stream reports the steps and pull progress live. A
 * compose service is not recreated here: the dialog explains why and leads to the Stacks view.
 */
export function UpgradeDialog({ container, options, onClose }: { container: ContainerInfo; options: UpgradeOptionsInfo; onClose(): void }) {
  // Other tags by name: two tags of one image (a re-tag) are still a choice.
  const others = options.tags.filter((t) => t.ref !== options.image && t.ref !== `${options.image}:latest`);
  const [input, setInput] = useState(others[0]?.ref ?? '');
  const [pull, setPull] = useState(false);
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const [steps, setSteps] = useState<StepState[]>([]);
  const [progress, setProgress] = useState<PullProgressInfo | null>(null);
  const streamRef = useRef<StreamHandle<'container.upgrade'> | null>(null);
  const target = resolveTarget(input, options.repository);
  const present = options.tags.find((t) => t.ref === target) ?? null;

  // Leaving while a pull runs aborts it; a change already under way runs to its end on the host.
  useEffect(() => () => streamRef.current?.close(), []);

  const onData = (d: UpgradeProgressInfo) => {
    if (d.type === 'pull') setProgress(d.progress);
    else if (d.type === 'step') setSteps((list) => (list.some((s) => s.step === d.step) ? list.map((s) => (s.step === d.step ? d : s)) : [...list, d]));
    else setPhase({ kind: 'done', result: d.result });
  };

  const start = () => {
    if (!target || phase.kind === 'running' || options.blocked) return;
    setSteps([]);
    setProgress(null);
    setPhase({ kind: 'running' });
    streamRef.current?.close();
    let opened = false;
    streamRef.current = openStream(
      'container.upgrade',
      { hostId: container.hostId, containerId: container.id, image: target, pull },
      {
        onOpen: () => (opened = true),
        onData: (p) => {
          onData(p);
          if (p.type === 'done') {
            // The upgraded container has a new id (the list already has it): the detail page follows it.
            const detail = appStore.getState().detail;
            appStore.getState().openDetail({ hostId: container.hostId, containerId: p.result.containerId }, detail?.tab ?? 'logs');
          }
        },
        onEnd: (error) => {
          if (!error) return; // success is shown in the dialog itself (and by the banner once it closes)
          setPhase({ kind: 'failed', error });
          // The old container is back (or says where it is): its options, kept container included, changed.
          if (opened) void appStore.getState().loadUpgradeOptions(container, true);
        },
      },
    );
  };

  const running = phase.kind === 'running';
  const pulling = running && steps.at(-1)?.step === 'pull' && steps.at(-1)?.state === 'running';
  const overall = progress ? pct(progress.overall.current, progress.overall.total) : null;

  if (options.compose) {
    return (
      <Dialog title={`Upgrade ${options.name}`} size="medium" testId="upgrade-dialog" onClose={onClose} footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            Close
          </button>
          <button
            type="button"
            className="button button-primary"
            data-autofocus
            onClick={() => {
              onClose();
              appStore.getState().setView('stacks');
            }}
          >
            Open Stacks
          </button>
        </>
      }>
        <p data-testid="upgrade-compose">
          <strong>{options.name}</strong> is the <span className="mono">{options.compose.service ?? '?'}</span> service of the compose project{' '}
          <strong>{options.compose.project}</strong>. Recreating it here would detach it from its compose file: the next <span className="mono">compose up</span> would put the
          file&apos;s image back, and the kept copy would look like a second container of the service.
        </p>
        <p className="muted">Change its image in the Stacks view instead: it edits the compose file and redeploys the service with compose.</p>
      </Dialog>
    );
  }

  // The dialog's state for the form around it: busy while the stream runs, the failure as its error.
  // A new target does not take a failure away: it says where the old container is now.
  const form = { busy: running, error: phase.kind === 'failed' ? phase.error : null, fieldErrors: {}, edited: () => {} };
  return (
    <FormDialog
      title={`Upgrade ${options.name}`}
      testId="upgrade-dialog"
      form={form}
      onSubmit={start}
      onClose={onClose}
      closeWhileBusy
      cancelLabel={pulling ? 'Cancel pull' : phase.kind === 'idle' || phase.kind === 'failed' ? 'Cancel' : phase.kind === 'done' ? 'Done' : 'Run in background'}
      submitLabel={phase.kind === 'done' ? null : phase.kind === 'failed' ? 'Try again' : 'Upgrade'}
      submitDisabled={!target || !!options.blocked}
      errorTitle="The upgrade failed"
    >
      <dl className="upgrade-facts">
        <dt>Now</dt>
        <dd>
          <span className="mono" data-testid="upgrade-current">{options.image}</span> <span className="muted">({shortImageId(options.imageId)})</span>
        </dd>
      </dl>
      {options.blocked ? (
        <ErrorMessage error={options.blocked} title="This container cannot be upgraded here" />
      ) : (
        <>
          {others.length > 0 && (
            <SelectField label="Tags on this host" value={present && !present.current ? present.ref : ''} disabled={running} onChange={(v) => v && setInput(v)}>
              <option value="">Other (type below)</option>
              {others.map((t) => (
                <option key={t.ref} value={t.ref}>
                  {t.ref} · {shortImageId(t.imageId)} · {formatAge(t.createdAt)}
                </option>
              ))}
            </SelectField>
          )}
          <TextField
            label="New image"
            hint={
              <>
                A tag of {options.repository ? <span className="mono">{options.repository}</span> : 'the same repository'} (e.g. <span className="mono">1.1</span>), or a full
                reference. An image that is not on the host is pulled first.
              </>
            }
            mono
            value={input}
            disabled={running}
            spellCheck={false}
            autoComplete="off"
            placeholder={options.repository ? `${options.repository}:tag` : 'image:tag'}
            onChange={setInput}
          />
          {target && (
            <p className="muted" data-testid="upgrade-target">
              Will run <span className="mono">{target}</span>
              {present ? ` (on the host, ${shortImageId(present.imageId)})` : ' (pulled first)'}.
              {present?.current ? ' That is the image it runs now: it is recreated on the same image.' : ''}
            </p>
          )}
          <CheckboxField label=" Pull even if the image is on the host (get the registry's latest build of the tag)" checked={pull} disabled={running} onChange={setPull} />
          <p className="muted upgrade-note">
            The container is recreated with the same settings (environment, mounts, ports, networks, labels, restart policy) and started
            {container.state === 'running' ? '' : ' (it is stopped now)'}. The old one is kept, stopped, for a one-click rollback
            {options.previous ? `; the one kept from the last upgrade (${options.previous.image}) is removed once this upgrade succeeds` : ''}. If the new one does not run, the
            old one is put back at once.
          </p>
        </>
      )}

      {steps.length > 0 && (
        <ol className="upgrade-steps" data-testid="upgrade-steps" aria-live="polite">
          {steps.map((s) => (
            <li key={s.step} data-step={s.step} data-state={s.state} className={`upgrade-step step-${s.state}`}>
              <span className="upgrade-step-mark" aria-hidden="true">
                {s.state === 'running' ? <Spinner /> : s.state === 'done' ? '✓' : s.state === 'failed' ? '✕' : '–'}
              </span>
              <span className="upgrade-step-label">{STEP_LABEL[s.step]}</span>
              <span className="muted">{s.text}</span>
            </li>
          ))}
        </ol>
      )}
      {/* Bars while the pull runs; once it is over, the step list says how it went. */}
      {progress && pulling && (
        <div className="pull-progress" data-testid="upgrade-pull">
          <div className="pull-overall">
            <progress max={100} value={overall ?? undefined} aria-label="Pull progress" />
            <span className="muted">
              {progress.overall.total > 0 ? `${formatBytes(progress.overall.current)} of ${formatBytes(progress.overall.total)}` : progress.message || 'Starting…'}
            </span>
          </div>
          {progress.layers.length > 0 && (
            <ul className="pull-layers">
              {progress.layers.map((l) => (
                <li key={l.id} data-testid="pull-layer">
                  <span className="mono">{l.id}</span>
                  <progress max={100} value={pct(l.current, l.total) ?? (/complete|exists/i.test(l.status) ? 100 : undefined)} aria-label={`Layer ${l.id}`} />
                  <span className="muted">{l.status}</span>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {phase.kind === 'done' && (
        <p className="upgrade-done" role="status" data-testid="upgrade-done">
          {phase.result.name} now runs {phase.result.image} ({shortImageId(phase.result.imageId)}). The old container is kept as{' '}
          <span className="mono">{phase.result.previous.name}</span> — roll back from the banner at any time.
        </p>
      )}
    </FormDialog>
  );
}
