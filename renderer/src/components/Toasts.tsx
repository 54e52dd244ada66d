import { useEffect } from 'react';
import { appStore, useApp, type Toast } from '../store';

const LIFETIME: Record<Toast['tone'], number> = { success: 4000, info: 5000, warning: 8000, error: 12000 };

/** Toasts, bottom right. Errors are announced assertively, the rest politely. */
export function Toasts() {
  const toasts = useApp((s) => s.toasts);
  return (
    <div className="toasts" aria-live="polite">
      {toasts.map((t) => (
        <ToastItem key={t.id} toast={t} />
      ))}
    </div>
  );
}

function ToastItem({ toast }: { toast: Toast }) {
  useEffect(() => {
    const timer = setTimeout(() => appStore.getState().dismissToast(toast.id), LIFETIME[toast.tone]);
    return () => clearTimeout(timer);
  }, [toast.id, toast.tone]);
  return (
    <div className={`toast toast-${toast.tone}`} role={toast.tone === 'error' ? 'alert' : 'status'} data-testid="toast">
      <div className="toast-content">
        <strong>{toast.title}</strong>
        {toast.message && <p>{toast.message}</p>}
        {toast.fix && <p className="toast-fix">{toast.fix}</p>}
        {toast.action && (
          <button
            type="button"
            className="button button-small toast-action"
            onClick={() => {
              toast.action!.run();
              appStore.getState().dismissToast(toast.id);
            }}
          >
            {toast.action.label}
          </button>
        )}
      </div>
      <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => appStore.getState().dismissToast(toast.id)}>
        <svg viewBox="0 0 16 16" width="12" height="12" aria-hidden="true">
          <path d="M3.5 3.5l9 9m0-9l-9 9" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
        </svg>
      </button>
    </div>
  );
}
