import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import type { ContainerInfo, HostId } from '../../../../shared/contract';
import { appStore, useApp } from '../../store';
import { containerKey, groupContainers, projectKey } from './container-model';

/**
 * What the containers view shows and how the keyboard moves through it: the hosts' containers
 * grouped and filtered, the totals, which row takes Tab, and the container the user asked to
 * remove. The components under the view only draw what this hands them.
 */
export function useContainersView() {
  const { hosts, containers, filter, collapsed, hostsLoaded, loadError } = useApp((s) => ({
    hosts: s.hosts,
    containers: s.containers,
    filter: s.filter,
    collapsed: s.collapsed,
    hostsLoaded: s.hostsLoaded,
    loadError: s.loadError,
  }));
  const filtering = filter.trim() !== '';
  const groups = useMemo(() => groupContainers(hosts, containers, filter), [hosts, containers, filter]);

  const totals = useMemo(() => {
    let running = 0;
    let total = 0;
    for (const info of Object.values(containers)) {
      for (const c of info?.containers ?? []) {
        total++;
        if (c.state === 'running') running++;
      }
    }
    return { running, total };
  }, [containers]);

  const [removing, setRemoving] = useState<ContainerInfo | null>(null);
  // Stable, so memoised rows do not re-render when the list does.
  const requestRemove = useCallback((c: ContainerInfo) => setRemoving(c), []);
  const doneRemoving = useCallback(() => setRemoving(null), []);

  const filterRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLDivElement>(null);
  useFilterShortcut(filterRef);

  // The row that takes Tab focus (roving tabindex): the last focused one, else the first.
  const [activeRow, setActiveRow] = useState<string | null>(null);
  const visibleKeys = useMemo(() => {
    const keys: string[] = [];
    for (const g of groups)
      for (const p of g.projects)
        if (filtering || !collapsed[projectKey(g.host.id, p.key)]) for (const c of p.containers) keys.push(containerKey(c.hostId, c.id));
    return keys;
  }, [groups, filtering, collapsed]);
  const tabRow = activeRow && visibleKeys.includes(activeRow) ? activeRow : (visibleKeys[0] ?? null);

  // Back from a container's page: its row has the keyboard again, as before Enter opened it.
  const rowsShown = visibleKeys.length > 0;
  useEffect(() => {
    if (!rowsShown || !appStore.getState().returnToRow) return;
    const back = appStore.getState().takeReturnToRow()!;
    const row = listRef.current?.querySelector<HTMLElement>(`[data-testid="container-row"][data-host-id="${CSS.escape(back.hostId)}"][data-container-id="${CSS.escape(back.containerId)}"]`);
    if (!row) return;
    setActiveRow(containerKey(back.hostId, back.containerId));
    row.focus();
  }, [rowsShown]);

  /** ↑/↓ move between rows, Home/End go to the first and last, Enter opens the container. */
  const onListKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const row = (e.target as HTMLElement).closest<HTMLElement>('[data-testid="container-row"]');
    if (!row || !listRef.current) return;
    const rows = [...listRef.current.querySelectorAll<HTMLElement>('[data-testid="container-row"]')];
    const i = rows.indexOf(row);
    let next: HTMLElement | undefined;
    if (e.key === 'ArrowDown') next = rows[i + 1];
    else if (e.key === 'ArrowUp') next = rows[i - 1];
    else if (e.key === 'Home' && e.target === row) next = rows[0];
    else if (e.key === 'End' && e.target === row) next = rows[rows.length - 1];
    else if (e.key === 'Enter' && e.target === row) {
      e.preventDefault();
      const hostId = row.dataset.hostId as HostId | undefined;
      const containerId = row.dataset.containerId;
      if (hostId && containerId) appStore.getState().openDetail({ hostId, containerId });
      return;
    } else if (e.key === ' ' && e.target === row) {
      e.preventDefault(); // no page scroll
      return;
    } else return;
    e.preventDefault();
    next?.focus();
  };

  /** Escape clears the filter; ↓ goes on to the first row. */
  const onFilterKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Escape' && filter) {
      e.preventDefault();
      appStore.getState().setFilter('');
    } else if (e.key === 'ArrowDown') {
      e.preventDefault();
      listRef.current?.querySelector<HTMLElement>('[data-testid="container-row"]')?.focus();
    }
  };

  return {
    hosts,
    hostsLoaded,
    loadError,
    filter,
    filtering,
    collapsed,
    groups,
    totals,
    tabRow,
    setActiveRow,
    filterRef,
    listRef,
    onListKeyDown,
    onFilterKeyDown,
    removing,
    requestRemove,
    doneRemoving,
  };
}

/** `/` or Ctrl+F focuses the filter box (unless typing somewhere or a dialog is open). */
function useFilterShortcut(filterRef: RefObject<HTMLInputElement | null>) {
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (document.querySelector('[aria-modal="true"]')) return;
      const t = e.target as HTMLElement | null;
      const typing = !!t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
      const ctrlF = (e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'f';
      if (ctrlF || (e.key === '/' && !typing && !e.ctrlKey && !e.metaKey && !e.altKey)) {
        e.preventDefault();
        filterRef.current?.focus();
        filterRef.current?.select();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [filterRef]);
}
