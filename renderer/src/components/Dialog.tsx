import { useEffect, useId, useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { popDialog, pushDialog, useDialogStack } from './dialog-stack';

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

function focusables(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)];
}

export interface DialogProps {
  title: ReactNode;
  /** Accessible name when the visible title is not plain text. */
  label?: string;
  onClose(): void;
  children: ReactNode;
  footer?: ReactNode;
  /** `alert` for confirmations and warnings (role="alertdialog"). */
  role?: 'dialog' | 'alertdialog';
  size?: 'small' | 'medium' | 'large';
  tone?: 'default' | 'danger';
  /** Submitting the form (Enter in a field, or a submit button) calls this. */
  onSubmit?: () => void;
  testId?: string;
}

/**
 * A modal dialog: rendered over the app, focus kept inside (Tab cycles), Escape closes,
 * focus returns to where it was on close. The first element with `data-autofocus`, else the
 * first field, gets focus on open.
 */
export function Dialog({ title, label, onClose, children, footer, role = 'dialog', size = 'medium', tone = 'default', onSubmit, testId }: DialogProps) {
  const titleId = useId();
  const ref = useRef<HTMLDivElement>(null);
  const [id, setId] = useState<number | null>(null);
  const stack = useDialogStack();
  const isTop = id !== null && stack[stack.length - 1] === id;
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;

  useLayoutEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    const myId = pushDialog();
    setId(myId);
    return () => {
      popDialog(myId);
      // Give focus back to the control that opened the dialog, if it is still there.
      if (previous && previous.isConnected && typeof previous.focus === 'function') previous.focus();
    };
  }, []);

  useEffect(() => {
    const root = ref.current;
    if (!root || !isTop) return;
    if (root.contains(document.activeElement)) return;
    const target =
      root.querySelector<HTMLElement>('[data-autofocus]') ??
      root.querySelector<HTMLElement>('.dialog-body input:not([disabled]), .dialog-body select, .dialog-body textarea') ??
      focusables(root)[0] ??
      root;
    target.focus();
  }, [isTop]);

  const onKeyDown = (e: KeyboardEvent) => {
    if (!isTop) return;
    if (e.key === 'Escape') {
      e.stopPropagation();
      e.preventDefault();
      onCloseRef.current();
      return;
    }
    if (e.key === 'Tab') {
      const root = ref.current;
      if (!root) return;
      const items = focusables(root);
      if (items.length === 0) {
        e.preventDefault();
        return;
      }
      const first = items[0]!;
      const last = items[items.length - 1]!;
      const active = document.activeElement;
      if (e.shiftKey && (active === first || !root.contains(active))) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && (active === last || !root.contains(active))) {
        e.preventDefault();
        first.focus();
      }
    }
  };

  const body = (
    <>
      <div className="dialog-body">{children}</div>
      {footer && <div className="dialog-footer">{footer}</div>}
    </>
  );

  return createPortal(
    <div className="dialog-backdrop" inert={!isTop && id !== null}>
      <div
        ref={ref}
        role={role}
        aria-modal="true"
        aria-labelledby={label ? undefined : titleId}
        aria-label={label}
        className={`dialog dialog-${size}${tone === 'danger' ? ' dialog-danger' : ''}`}
        tabIndex={-1}
        onKeyDown={onKeyDown}
        data-testid={testId}
      >
        <header className="dialog-header">
          <h2 id={titleId}>{title}</h2>
          <button type="button" className="icon-button" aria-label="Close" onClick={() => onCloseRef.current()}>
            <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
              <path d="M3.5 3.5l9 9m0-9l-9 9" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
            </svg>
          </button>
        </header>
        {onSubmit ? (
          <form
            className="dialog-form"
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              // A dialog opened from another one sits inside it in React's tree (its DOM is a portal),
              // and React passes the submit on to the outer form too: it must stop here.
              e.stopPropagation();
              onSubmit();
            }}
          >
            {body}
          </form>
        ) : (
          body
        )}
      </div>
    </div>,
    document.body,
  );
}

/**
 * The one button of a dialog that only shows something: it closes the dialog. It has the focus
 * when the dialog opens unless `autoFocus` is false (a dialog whose content should have it).
 */
export function CloseButton({ onClose, autoFocus = true, children }: { onClose(): void; autoFocus?: boolean; children: ReactNode }) {
  return (
    <button type="button" className="button" onClick={onClose} data-autofocus={autoFocus || undefined}>
      {children}
    </button>
  );
}
