import { describe, expect, it } from 'vitest';
import { container, host, hostContainers } from '../../test-support/fixtures';
import { groupContainers } from './container-model';
import { listItems, planWindow, withOwners, type ListItem } from './list-layout';

const a = host({ name: 'alpha' });
const b = host({ name: 'beta' });
const web = container(a, { name: 'shop_web_1', project: 'shop' });
const db = container(a, { name: 'shop_db_1', project: 'shop' });
const loose = container(a, { name: 'scratch' });
const other = container(b, { name: 'blog_web_1', project: 'blog' });
const groups = () => groupContainers([a, b], { [a.id]: hostContainers(a, [web, db, loose]), [b.id]: hostContainers(b, [other]) }, '');
const describeItem = (i: ListItem) => (i.kind === 'row' ? `row ${i.container.name}` : i.kind === 'project' ? `project ${i.group.label}` : i.kind === 'host' ? `host ${i.group.host.name}` : `end`);

describe('listItems', () => {
  it('lists hosts, their projects and rows in the order the list shows them, each host closed by its end', () => {
    expect(listItems(groups(), false, {}).map(describeItem)).toEqual([
      'host alpha',
      'project shop',
      'row shop_db_1',
      'row shop_web_1',
      'project Standalone',
      'row scratch',
      'end',
      'host beta',
      'project blog',
      'row blog_web_1',
      'end',
    ]);
  });

  it('leaves out the rows of a collapsed project, unless a filter is on', () => {
    const collapsed = { [`${a.id}/shop`]: true as const };
    expect(listItems(groups(), false, collapsed).map(describeItem).slice(0, 5)).toEqual(['host alpha', 'project shop', 'project Standalone', 'row scratch', 'end']);
    expect(listItems(groups(), true, collapsed).filter((i) => i.kind === 'row')).toHaveLength(4);
  });

  it('knows what each item belongs to', () => {
    const items = listItems(groups(), false, {});
    const row = items[5] as Extract<ListItem, { kind: 'row' }>;
    expect([describeItem(items[row.host]!), describeItem(items[row.project]!), row.position]).toEqual(['host alpha', 'project Standalone', 0]);
    expect((items[0] as Extract<ListItem, { kind: 'host' }>).end).toBe(6);
    expect(items.filter((i) => i.kind === 'project').map((i) => (i as Extract<ListItem, { kind: 'project' }>).first)).toEqual([true, false, true]);
  });
});

describe('withOwners', () => {
  it('adds the host header and end, and the project header, of every item asked for', () => {
    const items = listItems(groups(), false, {});
    expect(withOwners(items, [9])).toEqual([7, 8, 9, 10]);
    expect(withOwners(items, [5, 2])).toEqual([0, 1, 2, 4, 5, 6]);
  });
});

describe('planWindow', () => {
  // Every item 10 px high: item i spans [10 i, 10 i + 10).
  const at = (indexes: number[]) => indexes.map((index) => ({ index, start: index * 10, end: index * 10 + 10 }));

  it('nests what is drawn and leaves the space of what is not where it belongs', () => {
    const items = listItems(groups(), false, {});
    // Drawn: the first row of alpha (with its owners) and beta's row (with its owners).
    const plan = planWindow(items, at(withOwners(items, [2, 9])), 110);
    expect(plan).toEqual({
      sections: [
        { index: 0, gapBefore: 0, projects: [{ index: 1, gapBefore: 0, rows: [{ index: 2, gapBefore: 0 }] }], gapAtEnd: 30 },
        { index: 7, gapBefore: 0, projects: [{ index: 8, gapBefore: 0, rows: [{ index: 9, gapBefore: 0 }] }], gapAtEnd: 0 },
      ],
      gapAfter: 0,
    });
  });

  it('keeps every drawn item at its own offset: the gaps and the drawn sizes add up to each start', () => {
    const items = listItems(groups(), false, {});
    for (const drawn of [[5], [3], [9], [2, 9], [0], [10]]) {
      const shown = at(withOwners(items, drawn));
      const plan = planWindow(items, shown, 110);
      // Walk the plan in page order, adding gaps and item heights.
      let y = 0;
      const starts: Array<[number, number]> = [];
      for (const s of plan.sections) {
        y += s.gapBefore;
        starts.push([s.index, y]);
        y += 10;
        for (const p of s.projects) {
          y += p.gapBefore;
          starts.push([p.index, y]);
          y += 10;
          for (const r of p.rows) {
            y += r.gapBefore;
            starts.push([r.index, y]);
            y += 10;
          }
        }
        y += s.gapAtEnd + 10; // the end item
      }
      y += plan.gapAfter;
      expect(starts).toEqual(shown.filter((s) => items[s.index]!.kind !== 'end').map((s) => [s.index, s.start]));
      expect(y).toBe(110);
    }
  });
});
