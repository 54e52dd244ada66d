import { Fragment, useMemo, useRef, type KeyboardEvent, type RefObject } from 'react';
import type { ContainerInfo } from '../../../../shared/contract';
import type { HostGroup } from './container-model';
import { HostSection } from './HostSection';
import { ListGap } from './ListGap';
import type { ListDrawing, ListItem } from './list-layout';
import { HostStatsFeed, useListStats } from './use-list-stats';
import { useListWindow } from './use-list-window';

/**
 * The column headings, then one section per host — only the part on screen (and a little around
 * it) is in the page; empty space of the right height stands for the rest, so the scroll bar and
 * the positions are those of the whole list.
 */
export function ContainerList({
  listRef,
  scrollRef,
  groups,
  items,
  tabRow,
  tabIndex,
  onRowFocus,
  onRemove,
  onKeyDown,
}: {
  listRef: RefObject<HTMLDivElement | null>;
  /** The view's scrolling element. */
  scrollRef: RefObject<HTMLElement | null>;
  groups: HostGroup[];
  items: ListItem[];
  tabRow: string | null;
  tabIndex: number | null;
  onRowFocus(key: string): void;
  onRemove(c: ContainerInfo): void;
  onKeyDown(e: KeyboardEvent<HTMLDivElement>): void;
}) {
  const rowsRef = useRef<HTMLDivElement>(null);
  const { plan, measure, shown } = useListWindow(items, scrollRef, rowsRef, tabIndex);
  const stats = useListStats(items, shown);
  // One object for every level: memoised rows see the same callbacks from render to render.
  const draw = useMemo<ListDrawing>(() => ({ items, tabRow, measure, onRowFocus, onRemove }), [items, tabRow, measure, onRowFocus, onRemove]);
  return (
    <div className="container-list" ref={listRef} onKeyDown={onKeyDown}>
      <div className="container-columns" aria-hidden="true">
        <span>Name</span>
        <span>Image</span>
        <span>State</span>
        <span className="col-num col-cpu">CPU</span>
        <span className="col-num col-mem">Memory</span>
        <span>Status</span>
        <span className="col-ports">Ports</span>
        <span className="col-actions-head">Actions</span>
      </div>
      <div ref={rowsRef}>
        {plan.sections.map((s) => {
          const item = items[s.index] as Extract<ListItem, { kind: 'host' }>;
          return (
            <Fragment key={item.key}>
              <ListGap height={s.gapBefore} />
              <HostSection slot={s} group={item.group} stats={stats.byHost[item.group.host.id]} draw={draw} />
            </Fragment>
          );
        })}
        <ListGap height={plan.gapAfter} />
      </div>
      {groups.map((g) => (
        <HostStatsFeed key={g.host.id} host={g.host} containerIds={stats.shownRunning.get(g.host.id) ?? []} onRound={stats.onRound} />
      ))}
    </div>
  );
}
