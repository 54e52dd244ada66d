/** Numbers as the stats views show them. */

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
