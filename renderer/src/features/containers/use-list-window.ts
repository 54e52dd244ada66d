import { defaultRangeExtractor, measureElement as borderBoxHeight, useVirtualizer, type Range, type Virtualizer } from '@tanstack/react-virtual';
import { useCallback, useLayoutEffect, useRef, useState, type RefObject } from 'react';
import { planWindow, withOwners, type ListItem, type WindowPlan } from './list-layout';

/** Items drawn beyond each edge of the view, so a short scroll or ↑/↓ finds its row already there. */
const OVERSCAN = 10;
/** Heights until an item is drawn and measured (a row's is exact: --row-h). */
const ESTIMATE = { host: 46, project: 34, row: 38 } as const;

/** The host section's own border and the space after it, which no item's element holds. */
interface SectionChrome {
  top: number;
  bottom: number;
}

/**
 * Which part of the list to draw: the items on screen and a few beyond, plus the focusable row
 * (`keep`), each with what it belongs to. The items are drawn in the page's flow, nested in their
 * sections and groups, with empty space standing for those not drawn (see planWindow); their
 * heights are measured once drawn. The view's own scrolling element scrolls the list.
 */
export function useListWindow(
  items: ListItem[],
  scrollRef: RefObject<HTMLElement | null>,
  rowsRef: RefObject<HTMLElement | null>,
  keep: number | null,
): { plan: WindowPlan; measure: (el: HTMLElement | null) => void; shown: number[] } {
  // Where the items start in the scrolling element (below the column headings and any message).
  const [scrollMargin, setScrollMargin] = useState(0);
  const [chrome, setChrome] = useState<SectionChrome>({ top: 1, bottom: 19 });
  const chromeRef = useRef(chrome);
  chromeRef.current = chrome;

  // A new key function is also what tells the virtualizer to work the positions out again: when
  // the items change, and when the section's border turns out other than assumed.
  const getItemKey = useCallback((i: number) => items[i]?.key ?? i, [items, chrome]);
  const estimateSize = useCallback((i: number) => {
    const item = items[i];
    if (!item) return 0;
    return item.kind === 'end' ? chrome.bottom : item.kind === 'host' ? ESTIMATE.host + chrome.top : ESTIMATE[item.kind];
  }, [items, chrome]);
  const rangeExtractor = useCallback((range: Range) => {
    const indexes = defaultRangeExtractor(range);
    if (keep !== null) indexes.push(keep);
    return withOwners(items, indexes);
  }, [items, keep]);
  const measureItem = useCallback((el: HTMLElement, entry: ResizeObserverEntry | undefined, v: Virtualizer<HTMLElement, HTMLElement>) => {
    const height = borderBoxHeight(el, entry, v);
    return items[v.indexFromElement(el)]?.kind === 'host' ? height + chromeRef.current.top : height;
  }, [items]);

  const virtualizer = useVirtualizer<HTMLElement, HTMLElement>({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    getItemKey,
    estimateSize,
    measureElement: measureItem,
    rangeExtractor,
    overscan: OVERSCAN,
    scrollMargin,
    initialRect: { width: window.innerWidth, height: window.innerHeight },
  });
  // Items are in the page's flow, so when one above the view changes height the browser keeps what
  // is on screen in place (scroll anchoring); the virtualizer moving the scroll as well would move it twice.
  virtualizer.shouldAdjustScrollPositionOnItemSizeChange = () => false;

  useLayoutEffect(() => {
    const scroller = scrollRef.current;
    const rows = rowsRef.current;
    if (!scroller || !rows) return;
    const margin = Math.round(rows.getBoundingClientRect().top - scroller.getBoundingClientRect().top + scroller.scrollTop);
    if (margin !== scrollMargin) setScrollMargin(margin);
    const section = rows.querySelector('.host-section');
    if (section) {
      const css = getComputedStyle(section);
      const px = (v: string) => parseFloat(v) || 0;
      const next = { top: px(css.borderTopWidth), bottom: px(css.borderBottomWidth) + px(css.marginBottom) };
      if (next.top !== chrome.top || next.bottom !== chrome.bottom) setChrome(next);
    }
  });

  let virtual = virtualizer.getVirtualItems();
  if (virtual.length === 0 && items.length > 0) {
    // Not laid out (a hidden window, or no layout at all): a first screenful, and the focusable row.
    const first = Array.from({ length: Math.min(items.length, 3 * OVERSCAN) }, (_, i) => i);
    virtual = withOwners(items, keep === null ? first : [...first, keep]).map((i) => virtualizer.measurementsCache[i]!).filter(Boolean);
  }
  const shown = virtual.map((v) => ({ index: v.index, start: v.start - scrollMargin, end: v.end - scrollMargin }));
  return { plan: planWindow(items, shown, virtualizer.getTotalSize()), measure: virtualizer.measureElement, shown: shown.map((s) => s.index) };
}
