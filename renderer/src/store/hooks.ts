import { useEffect } from 'react';
import { watchList, type HostList, type HostListKind, type HostListOf } from './host-lists';
import { appStore, useApp } from './index';

/**
 * A per-host list for a view: listed when the view opens and again whenever a host connects or
 * drops while it shows; the engines' events keep it current in between (they are wired once, in
 * connectStore). A failed load is the list's `error`.
 */
export function useHostList<K extends HostListKind>(kind: K): HostList<HostListOf[K]> {
  const list = useApp((s) => s.lists[kind]);
  const connectedKey = useApp((s) => s.hosts.map((h) => `${h.id}:${h.state.status}`).join(','));
  useEffect(() => watchList(kind), [kind]);
  useEffect(() => {
    void appStore.getState().loadList(kind);
  }, [kind, connectedKey]);
  return list;
}
