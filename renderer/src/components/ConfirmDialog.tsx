import type { ReactNode } from 'react';
import { FormDialog, type FormDialogProps } from './FormDialog';
import { useSubmit, type SubmitState } from './use-submit';

export interface ConfirmDialogProps {
  title: string;
  children?: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  /**
   * May be async; the dialog shows a spinner meanwhile, and a throw as its error (the caller
   * closes it on success).
   */
  onConfirm?(): unknown;
  /** The confirmation's own useSubmit, for a dialog whose body reads the refusal (it runs instead of onConfirm). */
  form?: SubmitState;
  onCancel(): void;
  /** Heading of a refusal ("The engine refused"). */
  errorTitle?: string;
  /** Where a refusal shows: below the body (default), or nowhere when the body shows `form.error` itself. */
  errorAt?: FormDialogProps['errorAt'];
}

const nothing = () => undefined;

/** A yes/no question. Enter confirms (the confirm button has focus), Escape cancels. */
export function ConfirmDialog({ title, children, confirmLabel, danger = false, onConfirm = nothing, form, onCancel, errorTitle, errorAt }: ConfirmDialogProps) {
  const own = useSubmit(onConfirm);
  const confirm = form ?? own;
  return (
    <FormDialog
      title={title}
      size="small"
      form={confirm}
      onSubmit={() => void confirm.run()}
      onClose={onCancel}
      submitLabel={confirmLabel}
      danger={danger}
      submitAutoFocus
      errorTitle={errorTitle}
      errorAt={errorAt}
    >
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
