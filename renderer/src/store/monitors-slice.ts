import type { StateCreator } from 'zustand';
import { applyMonitorsChange, type AlertSettingsInfo, type ChannelInfo, type ErrorInfo, type MonitorId, type MonitorInfo, type MonitorsChangedInfo } from '../../../shared/contract';
import { client } from '../api/client';
import { toErrorInfo } from '../lib/errors';
import { readInto } from './read-into';
import type { AppState } from './types';

/** Homeport's own monitors, live, with where their alerts go. */
export interface MonitorsSlice {
  /** Every monitor, live (the Monitors view, the nav's status dot and the palette read it). */
  monitors: MonitorInfo[];
  monitorsLoaded: boolean;
  /** How many times the whole list was read (a view reads its rows' figures again each time). */
  monitorsListed: number;
  /** Why the last list failed (the monitors already shown stay). */
  monitorsError: ErrorInfo | null;
  /** Lists them again. Never throws: a failure is `monitorsError`. */
  loadMonitors(): Promise<void>;
  /** Only the monitors that changed come with the event. */
  monitorsChanged(change: MonitorsChangedInfo): void;
  /** Where alerts go; null until loaded. */
  channels: ChannelInfo[] | null;
  /** Mutes, maintenance windows, routing and the default channels; null until loaded. */
  alertSettings: AlertSettingsInfo | null;
  alertSettingsError: ErrorInfo | null;
  /** Reads the channels and the alert settings again. Never throws: a failure is `alertSettingsError`. */
  loadAlertSettings(): Promise<void>;
  /** The monitor whose detail is open in the Monitors view. */
  selectedMonitor: MonitorId | null;
  selectMonitor(id: MonitorId | null): void;
}

// A list asked for before a monitors.changed arrived may have been read before that change: the
// changes that arrive while a list is on its way are applied to its answer too.
let seq = 0;
let loading = 0;
let changesWhileLoading: Array<{ seq: number; change: MonitorsChangedInfo }> = [];

export const createMonitorsSlice: StateCreator<AppState, [], [], MonitorsSlice> = (set) => ({
  monitors: [],
  monitorsLoaded: false,
  monitorsListed: 0,
  monitorsError: null,
  async loadMonitors() {
    const asked = ++seq;
    loading++;
    try {
      const answer = await client().monitors.list();
      const monitors = changesWhileLoading.filter((c) => c.seq > asked).reduce<MonitorInfo[]>((list, c) => applyMonitorsChange(list, c.change), answer);
      set((s) => ({ monitors, monitorsLoaded: true, monitorsListed: s.monitorsListed + 1, monitorsError: null }));
    } catch (e) {
      set({ monitorsError: toErrorInfo(e) });
    } finally {
      loading = Math.max(0, loading - 1);
      if (!loading) changesWhileLoading = [];
    }
  },
  monitorsChanged(change) {
    if (loading) changesWhileLoading.push({ seq: ++seq, change });
    // Before the first list there is nothing to apply a change to (the list brings it).
    set((s) => (s.monitorsLoaded ? { monitors: applyMonitorsChange(s.monitors, change) } : {}));
  },
  channels: null,
  alertSettings: null,
  alertSettingsError: null,
  loadAlertSettings: () =>
    readInto(set, () => Promise.all([client().monitors.listChannels(), client().monitors.alertSettings()]), ([channels, alertSettings]) => ({ channels, alertSettings }), 'alertSettingsError'),
  selectedMonitor: null,
  selectMonitor: (selectedMonitor) => set({ selectedMonitor }),
});

/** Tests: forget the lists on their way and the changes kept for them. */
export function resetMonitorLoads(): void {
  seq = 0;
  loading = 0;
  changesWhileLoading = [];
}
