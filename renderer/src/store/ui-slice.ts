import type { StateCreator } from 'zustand';
import type { AppState, UiSlice } from './types';

export const createUiSlice: StateCreator<AppState, [], [], UiSlice> = (set, get) => ({
  view: 'containers',
  filter: '',
  collapsed: {},
  hostDialog: { open: false },
  dismissedHostKeys: {},
  transport: 'connecting',
  loadError: null,
  detail: null,
  showMonitor: (id) => set({ view: 'monitors', detail: null, hostShell: null, ...(id !== null ? { selectedMonitor: id } : {}) }),
  hostShell: null,
  hostOverview: null,
  // Choosing a view from the nav leaves any open detail page, host shell or host overview.
  setView: (view) => set({ view, detail: null, hostShell: null, hostOverview: null, returnToRow: null }),
  openHostOverview: (hostId) => set({ view: 'hosts', hostOverview: hostId, hostShell: null }),
  closeHostOverview: () => set({ hostOverview: null }),
  openDetail: (ref, tab = 'logs') => set({ view: 'containers', detail: { hostId: ref.hostId, containerId: ref.containerId, tab } }),
  closeDetail: () => set((s) => ({ detail: null, returnToRow: s.detail ? { hostId: s.detail.hostId, containerId: s.detail.containerId } : null })),
  returnToRow: null,
  takeReturnToRow() {
    const r = get().returnToRow;
    if (r) set({ returnToRow: null });
    return r;
  },
  volumeRequest: null,
  requestVolumeAction: (r) => set({ view: 'volumes', detail: null, hostShell: null, hostOverview: null, volumeRequest: r }),
  takeVolumeRequest() {
    const r = get().volumeRequest;
    if (r) set({ volumeRequest: null });
    return r;
  },
  setDetailTab: (tab) => set((s) => (s.detail ? { detail: { ...s.detail, tab } } : {})),
  openHostShell: (id) => set({ view: 'hosts', hostShell: id }),
  closeHostShell: () => set({ hostShell: null }),
  setFilter: (filter) => set({ filter }),
  toggleCollapsed: (key) =>
    set((s) => {
      const collapsed = { ...s.collapsed };
      if (collapsed[key]) delete collapsed[key];
      else collapsed[key] = true;
      return { collapsed };
    }),
  openHostDialog: (hostDialog) => set(hostDialog.open ? { hostDialog, view: 'hosts' } : { hostDialog }),
  dismissHostKey: (hostId, fingerprint) => set((s) => ({ dismissedHostKeys: { ...s.dismissedHostKeys, [hostId]: fingerprint } })),
  reviewHostKey: (hostId) =>
    set((s) => {
      const dismissedHostKeys = { ...s.dismissedHostKeys };
      delete dismissedHostKeys[hostId];
      return { dismissedHostKeys };
    }),
});
