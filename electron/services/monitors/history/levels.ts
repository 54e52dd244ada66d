/** Granularities, retention and the status codes the history tables store. */

export type BeatStatus = 'up' | 'down' | 'pending' | 'maintenance' | 'unknown';

/** Stored codes: Uptime Kuma's (0 down, 1 up, 2 pending, 3 maintenance) plus 4 unknown. */
export const STATUS_CODE: Readonly<Record<BeatStatus, number>> = { down: 0, up: 1, pending: 2, maintenance: 3, unknown: 4 };
export const STATUS_NAME: readonly BeatStatus[] = ['down', 'up', 'pending', 'maintenance', 'unknown'];

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** How long each granularity is kept, in ms, measured back from `now()`. */
export interface Retention {
  rawMs: number;
  minuteMs: number;
  hourMs: number;
  dayMs: number;
}

export const DEFAULT_RETENTION: Retention = { rawMs: DAY, minuteMs: 2 * DAY, hourMs: 45 * DAY, dayMs: 730 * DAY };

export type LevelName = 'raw' | 'minute' | 'hour' | 'day';

export interface Level {
  name: LevelName;
  /** Bucket size; 1 for raw beats. */
  ms: number;
  table: string;
  retention: keyof Retention;
}

export const LEVELS: readonly Level[] = [
  { name: 'raw', ms: 1, table: 'beat', retention: 'rawMs' },
  { name: 'minute', ms: MINUTE, table: 'rollup_minute', retention: 'minuteMs' },
  { name: 'hour', ms: HOUR, table: 'rollup_hour', retention: 'hourMs' },
  { name: 'day', ms: DAY, table: 'rollup_day', retention: 'dayMs' },
];

export const floorTo = (t: number, g: number): number => Math.floor(t / g) * g;
export const ceilTo = (t: number, g: number): number => Math.ceil(t / g) * g;

/** Checks a partial retention against the defaults; each level must be kept at least as long as the finer one. */
export function resolveRetention(partial: Partial<Retention> | undefined): Retention | string {
  const r: Retention = { ...DEFAULT_RETENTION, ...partial };
  for (const [k, v] of Object.entries(r)) if (!Number.isFinite(v) || v <= 0) return `retention.${k} must be a positive number of milliseconds (got ${String(v)})`;
  if (!(r.rawMs <= r.minuteMs && r.minuteMs <= r.hourMs && r.hourMs <= r.dayMs))
    return 'retention must not shrink from finer to coarser data (raw ≤ minute ≤ hour ≤ day)';
  if (r.minuteMs < MINUTE || r.hourMs < HOUR || r.dayMs < DAY) return 'each roll-up must be kept for at least one of its buckets';
  return r;
}

/**
 * "Worst" status of a bucket, for status bars: down > pending > unknown > maintenance > up.
 * null when the bucket holds no beat.
 */
export function worstStatus(c: { up: number; down: number; pending: number; maintenance: number; unknown: number }): BeatStatus | null {
  if (c.down > 0) return 'down';
  if (c.pending > 0) return 'pending';
  if (c.unknown > 0) return 'unknown';
  if (c.maintenance > 0) return 'maintenance';
  if (c.up > 0) return 'up';
  return null;
}
