import { createContext, useContext, type ReactNode } from 'react';
import type { ErrorInfo } from '../../../shared/contract';
import { Dialog, type DialogProps } from './Dialog';
import { ErrorMessage } from './ErrorMessage';
import { Spinner } from './Spinner';
import type { FieldErrors, SubmitState } from './use-submit';

/** What the fields of a form read from it: their errors, and whom to tell that they changed. */
export interface FormContextValue {
  fieldErrors: FieldErrors;
  edited(field?: string): void;
}

const FormContext = createContext<FormContextValue | null>(null);

/** The form the field sits in (null outside one: the field then shows only its own `error`). */
export function useFormContext(): FormContextValue | null {
  return useContext(FormContext);
}

/** The state a form dialog shows: what `useSubmit` returns, or the same made by hand (a stream that runs a while). */
export type FormState = Pick<SubmitState<never>, 'busy' | 'error' | 'fieldErrors' | 'edited'>;

/** Gives the fields inside it the form's errors and its `edited`. */
export function FormProvider({ form, children }: { form: FormContextValue; children: ReactNode }) {
  return <FormContext.Provider value={form}>{children}</FormContext.Provider>;
}

/** A form on a page (not in a dialog): Enter submits, the browser's own validation bubbles are off. */
export function Form({ form, onSubmit, className, children }: { form: FormContextValue; onSubmit(): void; className?: string; children: ReactNode }) {
  return (
    <FormProvider form={form}>
      <form
        className={className}
        // The services check what was typed and say what is wrong in words; no browser bubble first.
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          onSubmit();
        }}
      >
        {children}
      </form>
    </FormProvider>
  );
}

export interface FormDialogProps extends Pick<DialogProps, 'title' | 'label' | 'size' | 'tone' | 'testId'> {
  form: FormState;
  /** Enter in a field, or the submit button. */
  onSubmit(): void;
  /** Cancel, Escape or the ×. While busy they do nothing, unless `closeWhileBusy`. */
  onClose(): void;
  /** The submit button's words; null: no submit button (the dialog is only showing an outcome). */
  submitLabel: ReactNode | null;
  submitDisabled?: boolean;
  /** A spinner in the submit button (default: while the form is busy; another button may be what runs). */
  submitBusy?: boolean;
  /** A destructive submit (red). */
  danger?: boolean;
  /** The submit button takes the focus when the dialog opens (rather than the first field). */
  submitAutoFocus?: boolean;
  /** Default "Cancel"; null: no such button (an outcome with only Done). */
  cancelLabel?: ReactNode | null;
  /** Closing while busy is allowed: it stops what runs (a pull, a restore) or leaves it running on the host. */
  closeWhileBusy?: boolean;
  /** Buttons or a note at the start of the footer, apart from Cancel and submit. */
  actions?: ReactNode;
  /** Buttons between Cancel and submit. */
  moreActions?: ReactNode;
  /** Heading of the form's error ("The monitor was not added"). */
  errorTitle?: string | ((error: ErrorInfo) => string | undefined);
  /** Where the form's error shows: below the fields (default), above them, or nowhere ('none': the dialog shows it itself, where it belongs). */
  errorAt?: 'top' | 'bottom' | 'none';
  children: ReactNode;
}

/**
 * A dialog around a form: Enter submits, Escape and Cancel close, the submit button shows a
 * spinner while busy, and the last attempt's error is shown with its fix — at the field it names
 * (the fields read it from here), else below the form. Focus, Tab and nesting are Dialog's.
 */
export function FormDialog({
  form,
  onSubmit,
  onClose,
  submitLabel,
  submitDisabled = false,
  submitBusy = form.busy,
  danger = false,
  submitAutoFocus = false,
  cancelLabel = 'Cancel',
  closeWhileBusy = false,
  actions,
  moreActions,
  errorTitle,
  errorAt = 'bottom',
  children,
  size = 'medium',
  ...dialog
}: FormDialogProps) {
  const locked = form.busy && !closeWhileBusy;
  const close = () => {
    if (!locked) onClose();
  };
  const error = form.error && <ErrorMessage error={form.error} title={typeof errorTitle === 'function' ? errorTitle(form.error) : errorTitle} />;
  return (
    <Dialog
      {...dialog}
      size={size}
      onClose={close}
      onSubmit={onSubmit}
      footer={
        <>
          {actions}
          {actions && <span className="spacer" />}
          {cancelLabel !== null && (
            <button type="button" className="button" onClick={close} disabled={locked}>
              {cancelLabel}
            </button>
          )}
          {moreActions}
          {submitLabel !== null && (
            <button type="submit" className={`button ${danger ? 'button-danger' : 'button-primary'}`} disabled={form.busy || submitDisabled} data-autofocus={submitAutoFocus || undefined}>
              {submitBusy && <Spinner />}
              {submitLabel}
            </button>
          )}
        </>
      }
    >
      <FormProvider form={form}>
        {errorAt === 'top' && error}
        {children}
        {errorAt === 'bottom' && error}
      </FormProvider>
    </Dialog>
  );
}
