import { useMemo, useState, type ReactNode } from 'react';
import type { ErrorInfo, HostId, HostInfo } from '../../../shared/contract';
import { matchesFilter } from '../lib/filter';
import { appStore, useApp } from '../store';
import { HostListSection } from './HostListSection';
import { listPlaceholder, ListView } from './ListView';

/** One host's block of a filtered per-host list: the host, its list's answer, and the items that match. */
export interface HostGroup<L, T> {
  host: HostInfo;
  info: L | undefined;
  items: T[];
}

/**
 * The filter box of a per-host list and what it leaves: every host's matching items (a host's
 * name matches all of its items), how many in all, and what shows instead of the rows (loading,
 * no hosts, no match). `shown` is every host, or, while a filter is typed, the hosts with a
 * match. `itemsOf` and `fieldsOf` are module-level functions, so the filtering runs only when the
 * hosts, the lists or the filter change.
 */
export function useFilteredHostLists<L, T>(
  hosts: HostInfo[],
  lists: Partial<Record<HostId, L>> | null,
  itemsOf: (list: L) => T[],
  fieldsOf: (item: T) => Array<string | null | undefined>,
  what: string,
) {
  const [filter, setFilter] = useState('');
  const groups = useMemo(
    () =>
      hosts.map((h): HostGroup<L, T> => {
        const info = lists?.[h.id];
        return { host: h, info, items: (info ? itemsOf(info) : []).filter((x) => matchesFilter(filter, h.name, ...fieldsOf(x))) };
      }),
    [hosts, lists, filter, itemsOf, fieldsOf],
  );
  const total = groups.reduce((n, g) => n + g.items.length, 0);
  const placeholder = listPlaceholder({ loaded: lists !== null, hostCount: hosts.length, matchCount: total, filter, setFilter, what });
  const shown = groups.filter((g) => !filter.trim() || g.items.length > 0);
  return { filter, setFilter, shown, total, placeholder };
}

/**
 * A screen of one kind of thing on every host (images, volumes, networks): the list view with its
 * filter box, then a block per host with the host's own actions and one row per item. `list` is
 * the view's `useHostList(kind)`; Retry lists that kind again.
 */
export function HostListsView<L extends { error: ErrorInfo | null }, T>({
  kind,
  title,
  one,
  toolbar,
  list,
  itemsOf,
  fieldsOf,
  cols,
  columns,
  actions,
  dialogs,
  children: row,
}: {
  /** The things, plural, as the store names their lists ("images"). */
  kind: 'images' | 'volumes' | 'networks';
  title: string;
  /** One of them ("image"). */
  one: string;
  toolbar?: ReactNode;
  list: { byHost: Partial<Record<HostId, L>> | null; error: ErrorInfo | null };
  itemsOf: (list: L) => T[];
  fieldsOf: (item: T) => Array<string | null | undefined>;
  /** The grid's column widths, and the columns' names. */
  cols: string;
  columns: string[];
  actions(host: HostInfo): ReactNode;
  /** What the screen opens over the list (its dialogs). */
  dialogs?: ReactNode;
  children(item: T): ReactNode;
}) {
  const hosts = useApp((s) => s.hosts);
  const lists = list.byHost;
  const { filter, setFilter, shown, total, placeholder } = useFilteredHostLists(hosts, lists, itemsOf, fieldsOf, kind);
  return (
    <ListView
      title={title}
      summary={lists ? `${total} ${total === 1 ? one : kind}` : null}
      toolbar={toolbar}
      filter={filter}
      setFilter={setFilter}
      what={kind}
      loadError={list.error}
      onRetry={() => void appStore.getState().loadList(kind)}
    >
      {placeholder ??
        shown.map((g) => (
          <HostListSection key={g.host.id} host={g.host} error={g.info?.error} count={g.items.length} what={kind} cols={cols} columns={columns} actions={actions(g.host)}>
            {g.items.map(row)}
          </HostListSection>
        ))}
      {dialogs}
    </ListView>
  );
}
