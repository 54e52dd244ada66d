import type { StateCreator } from 'zustand';
import type { AlertInfo, ErrorInfo } from '../../../shared/contract';
import { client } from '../api/client';
import { toErrorInfo } from '../lib/errors';
import { readInto } from './read-into';
import type { AppState } from './types';

export interface Toast {
  id: number;
  tone: 'error' | 'warning' | 'success' | 'info';
  title: string;
  message?: string;
  fix?: string;
  /** A button in the toast (e.g. "Open" on an alert); the toast closes after it runs. */
  action?: { label: string; run(): void };
}

/** What the app tells the user: toasts on any view, and the monitors' alerts (fired live, and the recent ones the services keep). */
export interface AlertsSlice {
  toasts: Toast[];
  pushToast(t: Omit<Toast, 'id'>): number;
  dismissToast(id: number): void;
  /** A failure as an error toast: the title says what failed, the error why and its fix. */
  toastError(title: string, error: unknown): void;
  /** Alerts fired since the app opened (`alerts.fired`), newest first, at most 50. */
  liveAlerts: AlertInfo[];
  /** The last alerts the services keep across restarts; null until loaded. */
  recentAlerts: AlertInfo[] | null;
  recentAlertsError: ErrorInfo | null;
  /** Never throws: a failure is `recentAlertsError`. */
  loadRecentAlerts(): Promise<void>;
  /** An alert fired: remembered, and shown as a toast that opens its monitor. */
  alertFired(a: AlertInfo): void;
}

const RECOVERED = new Set(['up', 'group-up', 'host-back', 'stall-cleared']);

/** How an alert looks: outages red, recoveries green, warnings (flapping, stalled, still down) amber. */
export function alertTone(a: Pick<AlertInfo, 'kind' | 'severity'>): Toast['tone'] {
  if (RECOVERED.has(a.kind)) return 'success';
  if (a.severity === 'critical') return 'error';
  if (a.severity === 'warning') return 'warning';
  return 'info';
}

let nextToastId = 1;

export const createAlertsSlice: StateCreator<AppState, [], [], AlertsSlice> = (set, get) => ({
  toasts: [],
  pushToast(t) {
    const id = nextToastId++;
    // Keep the last few; a burst of failures should not bury the screen.
    set((s) => ({ toasts: [...s.toasts, { ...t, id }].slice(-5) }));
    return id;
  },
  dismissToast: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
  toastError(title, error) {
    const info = toErrorInfo(error);
    get().pushToast({ tone: 'error', title, message: info.message, ...(info.fix ? { fix: info.fix } : {}) });
  },
  liveAlerts: [],
  recentAlerts: null,
  recentAlertsError: null,
  loadRecentAlerts: () => readInto(set, () => client().monitors.recentAlerts(), (recentAlerts) => ({ recentAlerts }), 'recentAlertsError'),
  alertFired(a) {
    set((s) => ({ liveAlerts: [a, ...s.liveAlerts.filter((x) => x.id !== a.id)].slice(0, 50) }));
    const first = a.monitorIds[0];
    get().pushToast({
      tone: alertTone(a),
      title: a.title,
      message: a.body,
      ...(first ? { action: { label: a.monitorIds.length === 1 ? 'Open monitor' : 'Open monitors', run: () => get().showMonitor(first) } } : {}),
    });
  },
});
