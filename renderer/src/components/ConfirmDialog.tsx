import { useState, type ReactNode } from 'react';
import { Dialog } from './Dialog';
import { Spinner } from './Spinner';

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
  const [busy, setBusy] = useState(false);
  const confirm = async () => {
    if (busy) return;
    setBusy(true);
    try {
      await onConfirm();
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog
      title={title}
      size="small"
      onClose={() => !busy && onCancel()}
      onSubmit={() => void confirm()}
      footer={
        <>
          <button type="button" className="button" onClick={onCancel} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className={`button ${danger ? 'button-danger' : 'button-primary'}`} data-autofocus disabled={busy}>
            {busy && <Spinner />}
            {confirmLabel}
          </button>
        </>
      }
    >
      <div
        className="confirm-body"
        onKeyDown={(e) => {
          // Enter on a checkbox does not submit a form by itself; here it means "confirm".
          if (e.key === 'Enter' && (e.target as HTMLElement).matches('input[type="checkbox"]')) {
            e.preventDefault();
            void confirm();
          }
        }}
      >
        {children}
      </div>
    </Dialog>
  );
}
