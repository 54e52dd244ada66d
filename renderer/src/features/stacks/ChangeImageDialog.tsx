import { useState } from 'react';
import type { StackInfo, StackServiceInfo } from '../../../../shared/contract';
import { FormDialog } from '../../components/FormDialog';
import { TextField } from '../../components/fields';
import { useSubmit } from '../../components/use-submit';
import { appStore } from '../../store';

/** Upgrade or downgrade one service: its `image:` in the compose file changes, the stack is redeployed, the old file is kept for rollback. */
export function ChangeImageDialog({ stack, service, onClose }: { stack: StackInfo; service: StackServiceInfo; onClose(): void }) {
  const [image, setImage] = useState(service.image);
  const changed = image.trim() !== '' && image.trim() !== service.image;

  const submit = useSubmit(async () => {
    await appStore.getState().changeServiceImage({ hostId: stack.hostId, project: stack.project, service: service.name, image: image.trim() });
    onClose();
  });

  return (
    <FormDialog
      title={`Change image of ${service.name}`}
      testId="change-image-dialog"
      form={submit}
      onSubmit={() => changed && void submit.run()}
      onClose={onClose}
      submitLabel="Change & redeploy"
      submitDisabled={!changed}
      errorTitle="The image was not changed"
    >
      <p className="muted">
        Running now: <span className="mono">{service.image || 'unknown'}</span>
      </p>
      <TextField
        label="New image"
        hint="Usually only the tag changes (app:1.4 → app:1.5). The previous compose file is kept: “Roll back file” restores it."
        mono
        value={image}
        disabled={submit.busy}
        spellCheck={false}
        autoComplete="off"
        onChange={setImage}
      />
    </FormDialog>
  );
}
