import type { ContainerInfo } from '../../../../shared/contract';
import { containerKey } from '../../store';
import { projectKey, type HostGroup, type ProjectGroup } from './container-model';

/**
 * The containers list as one column of items, top to bottom, so that only the part on screen is
 * drawn: a host (its header and notes), a project's header, a container's row, and the end of a
 * host's section (its bottom border and the space after it, which no element of its own holds).
 * Each item knows the indexes of the items it belongs to, so a row is never drawn without the
 * host section and project group around it.
 */
export type ListItem =
  | { kind: 'host'; key: string; group: HostGroup; end: number }
  | { kind: 'project'; key: string; group: ProjectGroup; host: number; open: boolean; first: boolean }
  | { kind: 'row'; key: string; container: ContainerInfo; host: number; project: number; position: number }
  | { kind: 'end'; key: string; host: number };

/** The items of grouped hosts; rows of collapsed projects are left out (unless filtering, which shows every match). */
export function listItems(groups: readonly HostGroup[], filtering: boolean, collapsed: Partial<Record<string, true>>): ListItem[] {
  const items: ListItem[] = [];
  for (const g of groups) {
    const host = items.length;
    const hostItem: ListItem = { kind: 'host', key: `h:${g.host.id}`, group: g, end: -1 };
    items.push(hostItem);
    g.projects.forEach((p, i) => {
      const key = projectKey(g.host.id, p.key);
      const open = filtering || !collapsed[key];
      const project = items.length;
      items.push({ kind: 'project', key: `p:${key}`, group: p, host, open, first: i === 0 });
      if (open) p.containers.forEach((c, position) => items.push({ kind: 'row', key: containerKey(c.hostId, c.id), container: c, host, project, position }));
    });
    hostItem.end = items.length;
    items.push({ kind: 'end', key: `e:${g.host.id}`, host });
  }
  return items;
}

/**
 * The indexes to draw: those asked for, plus what each belongs to (its host's header and end, its
 * project's header), sorted. Drawing a row without them would leave it outside its section.
 */
export function withOwners(items: readonly ListItem[], indexes: Iterable<number>): number[] {
  const out = new Set<number>();
  for (const i of indexes) {
    const item = items[i];
    if (!item) continue;
    out.add(i);
    const host = item.kind === 'host' ? i : item.host;
    out.add(host);
    out.add((items[host] as Extract<ListItem, { kind: 'host' }>).end);
    if (item.kind === 'row') out.add(item.project);
  }
  return [...out].sort((a, b) => a - b);
}

/** What every level of the drawn list needs: the items, which row takes Tab, and the row callbacks. */
export interface ListDrawing {
  items: readonly ListItem[];
  tabRow: string | null;
  /** Measures a drawn item's element (it carries the item's index in `data-index`). */
  measure(el: HTMLElement | null): void;
  onRowFocus(key: string): void;
  onRemove(c: ContainerInfo): void;
}

/** An item drawn, with the space left for the items not drawn just before it. */
export interface Slot {
  index: number;
  gapBefore: number;
}
export interface ProjectSlot extends Slot {
  rows: Slot[];
}
export interface SectionSlot extends Slot {
  projects: ProjectSlot[];
  /** Space for the rows and groups not drawn at the end of the section. */
  gapAtEnd: number;
}
export interface WindowPlan {
  /** Space for the sections not drawn above the first one drawn. */
  sections: SectionSlot[];
  gapAfter: number;
}

/**
 * How to draw the items `shown` (indexes from `withOwners`, with their offsets from the top of the
 * list) nested as the page needs them — sections holding groups holding rows — and where the
 * space of the items in between goes, so that every item drawn sits where it would if all were.
 */
export function planWindow(items: readonly ListItem[], shown: ReadonlyArray<{ index: number; start: number; end: number }>, totalSize: number): WindowPlan {
  const sections: SectionSlot[] = [];
  let section: SectionSlot | null = null;
  let project: ProjectSlot | null = null;
  let last = 0;
  for (const { index, start, end } of shown) {
    const item = items[index]!;
    const gapBefore = Math.max(0, start - last);
    last = end;
    switch (item.kind) {
      case 'host':
        section = { index, gapBefore, projects: [], gapAtEnd: 0 };
        sections.push(section);
        project = null;
        break;
      case 'project':
        project = { index, gapBefore, rows: [] };
        section?.projects.push(project);
        break;
      case 'row':
        project?.rows.push({ index, gapBefore });
        break;
      case 'end':
        if (section) section.gapAtEnd = gapBefore;
        section = null;
        project = null;
        break;
    }
  }
  return { sections, gapAfter: Math.max(0, totalSize - last) };
}
