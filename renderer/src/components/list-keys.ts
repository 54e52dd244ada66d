import type { KeyboardEvent } from 'react';

const ROW = 'tbody > tr, [role="row"], li[data-row]';
const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), [tabindex]:not([tabindex="-1"])';

function isTyping(el: HTMLElement): boolean {
  return el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName) || !!el.closest('.xterm');
}

/**
 * Arrow keys in any list or table of the app: ↑/↓ move to the row above or below, keeping the
 * column (the same action button in the next row), Home/End to the first and last row. Views with
 * their own row handling (the containers list) prevent the default first and are left alone.
 */
export function onListArrowKeys(e: KeyboardEvent<HTMLElement>): void {
  if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
  if (!['ArrowDown', 'ArrowUp', 'Home', 'End'].includes(e.key)) return;
  const target = e.target as HTMLElement;
  if (isTyping(target) || target.closest('[role="menu"], [role="listbox"], [role="tablist"], [aria-modal="true"] .palette-list')) return;
  const row = target.closest<HTMLElement>(ROW);
  if (!row) return;
  const list = row.parentElement;
  if (!list) return;
  const rows = [...list.children].filter((r): r is HTMLElement => r instanceof HTMLElement && r.matches(ROW) && !r.hidden);
  const i = rows.indexOf(row);
  if (i < 0) return;
  // Home/End jump only from a row itself, so they keep working inside fields and buttons' text.
  if ((e.key === 'Home' || e.key === 'End') && target !== row) return;
  const next = e.key === 'ArrowDown' ? rows[i + 1] : e.key === 'ArrowUp' ? rows[i - 1] : e.key === 'Home' ? rows[0] : rows[rows.length - 1];
  if (!next) return;
  const column = target === row ? -1 : [...row.querySelectorAll<HTMLElement>(FOCUSABLE)].indexOf(target);
  const candidates = [...next.querySelectorAll<HTMLElement>(FOCUSABLE)];
  const to = next.tabIndex >= 0 && column < 0 ? next : (candidates[column] ?? candidates[0] ?? (next.hasAttribute('tabindex') ? next : undefined));
  if (!to) return;
  e.preventDefault();
  to.focus();
}
