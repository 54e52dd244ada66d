import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import type { ContainerInfo, HostId } from '../../../../shared/contract';
import { appStore, containerKey, useApp } from '../../store';
import { groupContainers } from './container-model';
import { listItems } from './list-layout';

/**
 * What the containers view shows and how the keyboard moves through it: the hosts' containers
 * grouped and filtered (and laid out as the list's items), the totals, which row takes Tab, and
 * the container the user asked to remove. The components under the view only draw what this
 * hands them.
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
  const scrollRef = useRef<HTMLDivElement>(null);
  useFilterShortcut(filterRef);

  // The list as one column of items (hosts, project headers, rows), of which only the part on
  // screen is drawn; the keyboard moves through the rows of this model, drawn or not.
  const items = useMemo(() => listItems(groups, filtering, collapsed), [groups, filtering, collapsed]);
  const rows = useMemo(() => {
    const byKey = new Map<string, { index: number; container: ContainerInfo }>();
    const keys: string[] = [];
    items.forEach((item, index) => {
      if (item.kind !== 'row') return;
      byKey.set(item.key, { index, container: item.container });
      keys.push(item.key);
    });
    return { byKey, keys };
  }, [items]);

  // The row that takes Tab focus (roving tabindex): the last focused one, else the first. It is
  // always drawn, so Tab finds it wherever the list is scrolled.
  const [activeRow, setActiveRow] = useState<string | null>(null);
  const tabRow = activeRow && rows.byKey.has(activeRow) ? activeRow : (rows.keys[0] ?? null);
  const tabIndex = tabRow === null ? null : rows.byKey.get(tabRow)!.index;

  // A row asked to take the focus before it is drawn: it becomes the tab row (so it is drawn),
  // and takes the focus once it is in the page.
  const pendingFocus = useRef<string | null>(null);
  const rowElement = useCallback(
    (key: string) => {
      const c = rows.byKey.get(key)?.container;
      return c ? listRef.current?.querySelector<HTMLElement>(`[data-testid="container-row"][data-host-id="${CSS.escape(c.hostId)}"][data-container-id="${CSS.escape(c.id)}"]`) : null;
    },
    [rows],
  );
  const focusRow = useCallback(
    (key: string) => {
      const el = rowElement(key);
      if (el) return el.focus();
      pendingFocus.current = key;
      setActiveRow(key);
    },
    [rowElement],
  );
  useLayoutEffect(() => {
    const key = pendingFocus.current;
    if (key === null) return;
    if (!rows.byKey.has(key)) pendingFocus.current = null;
    const el = rowElement(key);
    if (!el) return;
    pendingFocus.current = null;
    el.focus();
  });

  // Back from a container's page: its row has the keyboard again, as before Enter opened it.
  const rowsShown = rows.keys.length > 0;
  useEffect(() => {
    if (!rowsShown || !appStore.getState().returnToRow) return;
    const back = appStore.getState().takeReturnToRow()!;
    const key = containerKey(back.hostId, back.containerId);
    if (rows.byKey.has(key)) focusRow(key);
    // Only when the rows first appear: later changes of the list must not take the focus.
  }, [rowsShown]);

  /** ↑/↓ move between rows, Home/End go to the first and last, Enter opens the container. */
  const onListKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const row = (e.target as HTMLElement).closest<HTMLElement>('[data-testid="container-row"]');
    const hostId = row?.dataset.hostId as HostId | undefined;
    const containerId = row?.dataset.containerId;
    if (!row || !hostId || !containerId) return;
    const i = rows.keys.indexOf(containerKey(hostId, containerId));
    let next: string | undefined;
    if (e.key === 'ArrowDown') next = rows.keys[i + 1];
    else if (e.key === 'ArrowUp') next = i > 0 ? rows.keys[i - 1] : undefined;
    else if (e.key === 'Home' && e.target === row) next = rows.keys[0];
    else if (e.key === 'End' && e.target === row) next = rows.keys[rows.keys.length - 1];
    else if (e.key === 'Enter' && e.target === row) {
      e.preventDefault();
      appStore.getState().openDetail({ hostId, containerId });
      return;
    } else if (e.key === ' ' && e.target === row) {
      e.preventDefault(); // no page scroll
      return;
    } else return;
    e.preventDefault();
    if (next !== undefined) focusRow(next);
  };

  /** Escape clears the filter; ↓ goes on to the first row. */
  const onFilterKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Escape' && filter) {
      e.preventDefault();
      appStore.getState().setFilter('');
    } else if (e.key === 'ArrowDown') {
      e.preventDefault();
      if (rows.keys[0] !== undefined) focusRow(rows.keys[0]);
    }
  };

  return {
    hosts,
    hostsLoaded,
    loadError,
    filter,
    filtering,
    groups,
    items,
    totals,
    tabRow,
    tabIndex,
    setActiveRow,
    filterRef,
    listRef,
    scrollRef,
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
