import { useState } from 'react';
import type { ErrorInfo, StackInfo, StackServiceInfo } from '../../../../shared/contract';
import { client } from '../../api/client';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field } from '../../components/Field';
import { Spinner } from '../../components/Spinner';
import { toErrorInfo } from '../resources/resource-common';
import { useStackRuns } from './stack-runs';

/** Upgrade or downgrade one service: its `image:` in the compose file changes, the stack is redeployed, the old file is kept for rollback. */
export function ChangeImageDialog({ stack, service, onClose }: { stack: StackInfo; service: StackServiceInfo; onClose(): void }) {
  const [image, setImage] = useState(service.image);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const changed = image.trim() !== '' && image.trim() !== service.image;

  const submit = async () => {
    if (!changed || busy) return;
    setBusy(true);
    setError(null);
    try {
      const saved = await client().stacks.setServiceImage({ hostId: stack.hostId, project: stack.project, service: service.name, image: image.trim() });
      onClose();
      void useStackRuns.getState().start(stack.hostId, stack.project, 'up', { title: `Change ${service.name} to ${image.trim()}`, file: saved.path });
    } catch (e) {
      setError(toErrorInfo(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={`Change image of ${service.name}`}
      size="medium"
      testId="change-image-dialog"
      onClose={() => !busy && onClose()}
      onSubmit={() => void submit()}
      footer={
        <>
          <button type="button" className="button" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={!changed || busy}>
            {busy && <Spinner />}
            Change &amp; redeploy
          </button>
        </>
      }
    >
      <p className="muted">
        Running now: <span className="mono">{service.image || 'unknown'}</span>
      </p>
      <Field label="New image" hint="Usually only the tag changes (app:1.4 → app:1.5). The previous compose file is kept: “Roll back file” restores it.">
        {({ id, describedBy }) => (
          <input
            id={id}
            aria-describedby={describedBy}
            className="mono"
            value={image}
            disabled={busy}
            spellCheck={false}
            autoComplete="off"
            onChange={(e) => {
              setImage(e.target.value);
              // The refusal was about the image typed before.
              setError(null);
            }}
          />
        )}
      </Field>
      {error && <ErrorMessage error={error} title="The image was not changed" />}
    </Dialog>
  );
}
