/** Sizes, rates, shares and ages as the views show them. */

/** A size in the lists (images, volumes, disk use): KB, MB, GB, TB. */
export function formatBytes(n: number | null): string {
  if (n === null) return '—';
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${units[i]}`;
}

/** How long ago: "just now", "5 min ago", "3 days ago". */
export function formatAge(at: number | null, now = Date.now()): string {
  if (at === null) return '—';
  const s = Math.max(0, Math.round((now - at) / 1000));
  if (s < 60) return 'just now';
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} h ago`;
  const d = Math.round(h / 24);
  if (d < 60) return `${d} days ago`;
  const mo = Math.round(d / 30);
  if (mo < 24) return `${mo} months ago`;
  return `${Math.round(d / 365)} years ago`;
}

/* The stats (a container's page and the list's CPU and memory columns) use binary units. */

export function formatPercent(p: number | null | undefined): string {
  if (p === null || p === undefined) return '—';
  return `${p >= 100 ? p.toFixed(0) : p >= 10 ? p.toFixed(1) : p.toFixed(2)} %`;
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function formatBytesShort(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  let v = n;
  let i = 0;
  while (v >= 1024 && i < UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? (Number.isInteger(v) ? v.toFixed(0) : v.toFixed(1)) : v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${UNITS[i]}`;
}

export function formatRate(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : `${formatBytesShort(n)}/s`;
}

/** A memory limit equal to (or above) the host's memory means "no limit". */
export function formatMemory(used: number | null | undefined, limit: number | null | undefined): string {
  if (used === null || used === undefined) return '—';
  return limit ? `${formatBytesShort(used)} / ${formatBytesShort(limit)}` : formatBytesShort(used);
}
