import type { StateCreator } from 'zustand';
import type { ErrorInfo, HostId, HostImagesInfo, HostNetworksInfo, HostStacksInfo, HostVolumesInfo } from '../../../shared/contract';
import { client } from '../api/client';
import { toErrorInfo } from '../lib/errors';
import type { AppState } from './types';

/** The lists the services keep per host and the views show grouped by host. */
export interface HostListOf {
  images: HostImagesInfo;
  volumes: HostVolumesInfo;
  networks: HostNetworksInfo;
  stacks: HostStacksInfo;
}
export type HostListKind = keyof HostListOf;
export const HOST_LIST_KINDS: readonly HostListKind[] = ['images', 'volumes', 'networks', 'stacks'];

export interface HostList<T> {
  /** Each host's list (with that host's own error, if its engine refused); null until the first answer. */
  byHost: Partial<Record<HostId, T>> | null;
  /** Why the last load failed; the lists already shown stay. */
  error: ErrorInfo | null;
}

export interface HostListsSlice {
  lists: { [K in HostListKind]: HostList<HostListOf[K]> };
  /** Lists it again from the services. Never throws: a failure is kept in the list's `error`. */
  loadList(kind: HostListKind): Promise<void>;
}

const LOAD: { [K in HostListKind]: () => Promise<HostListOf[K][]> } = {
  images: () => client().images.list(),
  volumes: () => client().volumes.list(),
  networks: () => client().networks.list(),
  stacks: () => client().stacks.list(),
};

const empty = <T>(): HostList<T> => ({ byHost: null, error: null });

// An answer asked for before an event arrived was computed before the event's data: for the host
// the event was about, the event's list is kept.
let seq = 0;
const eventSeq: { [K in HostListKind]: Map<HostId, number> } = { images: new Map(), volumes: new Map(), networks: new Map(), stacks: new Map() };
// Views showing a list, by kind: while one does, what may have changed the list (a host that
// connects, containers that come and go for the stacks) lists it again.
const watchers: Record<HostListKind, number> = { images: 0, volumes: 0, networks: 0, stacks: 0 };

export const createHostListsSlice: StateCreator<AppState, [], [], HostListsSlice> = (set) => ({
  lists: { images: empty(), volumes: empty(), networks: empty(), stacks: empty() },
  async loadList(kind) {
    const asked = ++seq;
    const newer = eventSeq[kind];
    try {
      const answer = await LOAD[kind]();
      set((s) => {
        const prev = s.lists[kind].byHost;
        const byHost = Object.fromEntries(answer.map((x) => [x.hostId, (newer.get(x.hostId) ?? 0) > asked && prev?.[x.hostId] ? prev[x.hostId]! : x]));
        return { lists: { ...s.lists, [kind]: { byHost, error: null } } };
      });
    } catch (e) {
      set((s) => ({ lists: { ...s.lists, [kind]: { ...s.lists[kind], error: toErrorInfo(e) } } }));
    }
  },
});

/** Every host's list, in the services' order. */
export function allHosts<T>(list: HostList<T>): T[] {
  return Object.values(list.byHost ?? {}).filter((x): x is T => x !== undefined);
}

/** One host's list again, as its engine's event brings it (once the list was loaded). */
export function applyHostList<K extends HostListKind>(set: (f: (s: AppState) => Partial<AppState>) => void, kind: K, info: HostListOf[K]): void {
  eventSeq[kind].set(info.hostId, ++seq);
  set((s) => {
    const list = s.lists[kind];
    return list.byHost ? { lists: { ...s.lists, [kind]: { ...list, byHost: { ...list.byHost, [info.hostId]: info } } } } : {};
  });
}

/** A view shows the list from now until the returned function is called. */
export function watchList(kind: HostListKind): () => void {
  watchers[kind]++;
  return () => void watchers[kind]--;
}

export function isWatched(kind: HostListKind): boolean {
  return watchers[kind] > 0;
}

/** Tests: forget the order of answers and events (the views' watching ends with the views). */
export function resetHostLists(): void {
  seq = 0;
  for (const kind of HOST_LIST_KINDS) eventSeq[kind].clear();
}
