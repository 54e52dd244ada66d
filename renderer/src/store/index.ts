import { create } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import type { Client, HostId, HostInfo } from '../../../shared/contract';
import { installClient, client } from '../api/client';
import { endStreamsOfLostConnection } from '../api/open-stream';
import type { WsStatus } from '../api/ws-bridge';
import { asHomeportError } from '../lib/errors';
import { createAlertsSlice } from './alerts-slice';
import { createContainersSlice } from './containers-slice';
import { applyHostList, createHostListsSlice, HOST_LIST_KINDS, isWatched, resetHostLists } from './host-lists';
import { createHostsSlice } from './hosts-slice';
import { createKeysSlice } from './keys-slice';
import { createKumaSlice } from './kuma-slice';
import { createMonitorsSlice, resetMonitorLoads } from './monitors-slice';
import { createSettingsSlice } from './settings-slice';
import { createStackRunsSlice, resetStackRuns } from './stack-runs-slice';
import type { AppState } from './types';
import { createUiSlice } from './ui-slice';
import { createUpgradesSlice } from './upgrades-slice';

export type * from './types';
export type * from './alerts-slice';
export type * from './host-lists';
export type * from './kuma-slice';
export type * from './monitors-slice';
export type * from './settings-slice';
export type * from './stack-runs-slice';
export type * from './upgrades-slice';
export { alertTone } from './alerts-slice';
export { allHosts, HOST_LIST_KINDS } from './host-lists';
export { useHostList } from './hooks';
export { containerKey, stackKey } from './refs';
export { resetStackRuns } from './stack-runs-slice';
export { upgradeStamp } from './upgrades-slice';

/** The one store (zustand slices pattern); components read it through `useApp`. */
const store = create<AppState>()((...a) => ({
  ...createHostsSlice(...a),
  ...createKeysSlice(...a),
  ...createContainersSlice(...a),
  ...createHostListsSlice(...a),
  ...createMonitorsSlice(...a),
  ...createKumaSlice(...a),
  ...createAlertsSlice(...a),
  ...createStackRunsSlice(...a),
  ...createUpgradesSlice(...a),
  ...createSettingsSlice(...a),
  ...createUiSlice(...a),
}));

const initialState = store.getState();

/**
 * Read the store through a selector. Selectors that build arrays or objects are compared
 * shallowly, so a component re-renders only when what it reads changes.
 */
export function useApp<T>(selector: (s: AppState) => T): T {
  return store(useShallow(selector));
}

/** Outside React (event wiring, tests). */
export const appStore = { getState: store.getState, setState: store.setState, subscribe: store.subscribe };

// Sequence numbers of events, so a list answer that was overtaken by a newer event is not applied
// over it (the answer was computed before the event's data).
const seq = { hosts: 0, keys: 0, containers: new Map<HostId, number>() };

function pruneContainers(s: AppState, hosts: HostInfo[]): Partial<AppState> {
  const ids = new Set(hosts.map((h) => h.id));
  const stale = Object.keys(s.containers).filter((id) => !ids.has(id as HostId));
  if (stale.length === 0) return {};
  const containers = { ...s.containers };
  for (const id of stale) delete containers[id as HostId];
  return { containers };
}

/**
 * (Re)load everything from the services: at start and after the transport comes back (events were
 * missed meanwhile, so what the store already holds is fetched again too). Each slice keeps its
 * own failure for the view that shows it.
 */
export async function loadAll(): Promise<void> {
  const c = client();
  const hostsSeq = seq.hosts;
  const keysSeq = seq.keys;
  const containersSeq = new Map(seq.containers);
  const s = store.getState();
  // The monitors and Kuma feed the nav's status dot; the settings problems the banner above every view.
  void s.loadMonitors();
  void s.loadKuma();
  void s.loadSettingsProblems();
  for (const kind of HOST_LIST_KINDS) if (isWatched(kind)) void s.loadList(kind);
  if (s.alertSettings || s.alertSettingsError) void s.loadAlertSettings();
  if (s.recentAlerts || s.recentAlertsError) void s.loadRecentAlerts();
  if (s.heartbeat || s.heartbeatError) void s.loadHeartbeat();
  const [hosts, keys, containers] = await Promise.allSettled([c.hosts.list(), c.keys.list(), c.containers.list()]);
  const state = store.getState();
  const patch: Partial<AppState> = {};
  if (hosts.status === 'fulfilled' && seq.hosts === hostsSeq) {
    Object.assign(patch, { hosts: hosts.value, hostsLoaded: true }, pruneContainers(state, hosts.value));
  }
  if (keys.status === 'fulfilled' && seq.keys === keysSeq) Object.assign(patch, { keys: keys.value, keysLoaded: true });
  if (containers.status === 'fulfilled') {
    const next = { ...(patch.containers ?? state.containers) };
    for (const info of containers.value) {
      if ((seq.containers.get(info.hostId) ?? 0) === (containersSeq.get(info.hostId) ?? 0)) next[info.hostId] = info;
    }
    Object.assign(patch, { containers: next, containersLoaded: true });
  }
  const failed = [hosts, keys, containers].find((r) => r.status === 'rejected');
  // A transport drop is shown by the reconnect bar, and the reload after it fixes the data.
  const err = failed ? asHomeportError(failed.reason) : null;
  patch.loadError = err && err.code !== 'DISCONNECTED' ? err : null;
  store.setState(patch);
}

let stacksTimer: ReturnType<typeof setTimeout> | null = null;
function reloadStacksSoon(): void {
  if (stacksTimer) clearTimeout(stacksTimer);
  stacksTimer = setTimeout(() => {
    stacksTimer = null;
    void store.getState().loadList('stacks');
  }, 400);
}

export interface TransportStatus {
  status(): WsStatus;
  onStatus(listener: (status: WsStatus) => void): () => void;
  /** The connection to the services dropped: every stream open on it has ended there. */
  onDrop?(listener: () => void): () => void;
}

/**
 * Install the client, wire the services' events into the store (once, outside React) and load the
 * initial data. Returns a function that undoes the wiring (tests).
 */
export function connectStore(c: Client, transport?: TransportStatus): () => void {
  installClient(c);
  const offs = [
    c.on('hosts.changed', (hosts) => {
      seq.hosts++;
      store.setState((s) => ({ hosts, hostsLoaded: true, ...pruneContainers(s, hosts) }));
    }),
    c.on('keys.changed', (keys) => {
      seq.keys++;
      store.setState({ keys, keysLoaded: true });
    }),
    c.on('containers.changed', (info) => {
      seq.containers.set(info.hostId, (seq.containers.get(info.hostId) ?? 0) + 1);
      // Containers changing (anyone's compose run) changes the stacks: listed again, coalesced.
      if (isWatched('stacks')) reloadStacksSoon();
      // One host's entry is replaced; the others keep their identity (no re-render for them).
      store.setState((s) =>
        s.hosts.length === 0 || s.hosts.some((h) => h.id === info.hostId)
          ? { containers: { ...s.containers, [info.hostId]: info } }
          : {},
      );
    }),
    c.on('images.changed', (info) => applyHostList(store.setState, 'images', info)),
    c.on('volumes.changed', (info) => applyHostList(store.setState, 'volumes', info)),
    c.on('networks.changed', (info) => applyHostList(store.setState, 'networks', info)),
    // Only the monitors that changed come with the event.
    c.on('monitors.changed', (change) => store.getState().monitorsChanged(change)),
    c.on('alerts.fired', (alert) => store.getState().alertFired(alert)),
    c.on('kuma.changed', (kuma) => store.setState({ kuma, kumaLoaded: true, kumaError: null })),
    c.on('heartbeat.changed', (heartbeat) => store.setState({ heartbeat, heartbeatError: null })),
    c.on('app.problems', (settingsProblems) => store.setState({ settingsProblems, settingsProblemsError: null })),
    // A notification or a tray item was clicked: show that monitor.
    c.on('app.navigate', ({ monitorId }) => store.getState().showMonitor(monitorId)),
  ];
  if (transport?.onDrop) {
    offs.push(
      transport.onDrop(() => {
        // Said at once (the transport first asks the server whether the session still holds), so
        // that a view whose stream ends now does not see the connection as still open.
        store.setState({ transport: 'reconnecting' });
        endStreamsOfLostConnection(c);
      }),
    );
  }
  if (transport) {
    let previous = transport.status();
    store.setState({ transport: previous });
    offs.push(
      transport.onStatus((status) => {
        store.setState({ transport: status });
        // Events were missed while the socket was down: fetch the whole picture again.
        if (status === 'open' && previous === 'reconnecting') void loadAll();
        previous = status;
      }),
    );
  } else {
    store.setState({ transport: 'open' });
  }
  void loadAll();
  return () => {
    for (const off of offs) off();
    if (stacksTimer) clearTimeout(stacksTimer);
    stacksTimer = null;
    installClient(null);
  };
}

/** Back to the initial state (tests). */
export function resetStore(): void {
  resetStackRuns();
  store.setState(initialState, true);
  seq.hosts = 0;
  seq.keys = 0;
  seq.containers.clear();
  resetHostLists();
  resetMonitorLoads();
}
