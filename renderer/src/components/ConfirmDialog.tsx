import type { ReactNode } from 'react';
import { FormDialog } from './FormDialog';
import { useSubmit } from './use-submit';

export interface ConfirmDialogProps {
  title: string;
  children?: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  /** May be async; the dialog shows a spinner and closes when it settles. */
  onConfirm(): unknown;
  onCancel(): void;
}

/** A yes/no question. Enter confirms (the confirm button has focus), Escape cancels. */
export function ConfirmDialog({ title, children, confirmLabel, danger = false, onConfirm, onCancel }: ConfirmDialogProps) {
  const confirm = useSubmit(onConfirm);
  return (
    <FormDialog title={title} size="small" form={confirm} onSubmit={() => void confirm.run()} onClose={onCancel} submitLabel={confirmLabel} danger={danger} submitAutoFocus>
      <div
        className="confirm-body"
        onKeyDown={(e) => {
          // Enter on a checkbox does not submit a form by itself; here it means "confirm".
          if (e.key === 'Enter' && (e.target as HTMLElement).matches('input[type="checkbox"]')) {
            e.preventDefault();
            void confirm.run();
          }
        }}
      >
        {children}
      </div>
    </FormDialog>
  );
}
