/** What the monitor history records and answers (see monitor-history.ts for the rules). */
import type { MonitorId } from '../../../../shared/model/ids';
import type { Logger } from '../../platform/platform';
import type { BeatStatus, Retention } from './levels';

export interface Beat {
  monitorId: string;
  /** Epoch ms when the check ran. */
  time: number;
  status: BeatStatus;
  latencyMs: number | null;
  message: string | null;
}

export interface LatencyPoint {
  /** Start of the point's bucket (or the beat's time for raw points). */
  t: number;
  avg: number | null;
  min: number | null;
  max: number | null;
}

export interface StatusBar {
  /** Start of the bar's bucket. */
  t: number;
  /** Worst status in the bucket (down > pending > unknown > maintenance > up); null = no beat. */
  status: BeatStatus | null;
  up: number;
  down: number;
  /** Pending, maintenance and unknown beats. */
  other: number;
}

export type IncidentKind = 'observed' | 'confirmed';

export interface Incident {
  id: number;
  monitorId: MonitorId;
  kind: IncidentKind;
  start: number;
  /** null while the incident is open. */
  end: number | null;
  /** end − start, or now − start while open. */
  durationMs: number;
  /** The first error message of the incident. */
  message: string | null;
}

export interface UptimeDetail {
  /** up / (up + down); null when neither was recorded. */
  ratio: number | null;
  up: number;
  down: number;
  /** Beats with a latency in the window, and the sum of those latencies (ms). */
  latencyCount: number;
  latencySumMs: number;
  /** Where the window really starts (≤ sinceMs; see the module comment on precision). */
  fromMs: number;
}

export interface PruneResult {
  beats: number;
  minute: number;
  hour: number;
  day: number;
  incidents: number;
  /** Rows (raw and roll-up) of deleted monitors. */
  purgedRows: number;
  /** Free pages handed back to the file system (incremental vacuum), when many were free. */
  reclaimedPages: number;
  ms: number;
}

export interface HistoryStats {
  file: string;
  schemaVersion: number;
  monitors: number;
  beats: number;
  minuteRows: number;
  hourRows: number;
  dayRows: number;
  incidents: number;
  openIncidents: number;
  bufferedBeats: number;
  droppedBeats: number;
  fileBytes: number;
  walBytes: number;
  pageSize: number;
  pageCount: number;
  freePages: number;
}

export interface MonitorHistoryOptions {
  logger: Logger;
  now?: () => number;
  retention?: Partial<Retention>;
  /** Buffered beats are written at least this often (ms). Default 1000. */
  flushEveryMs?: number;
  /** …or as soon as this many are buffered. Default 500. */
  batchSize?: number;
  /** While writes fail (disk full), keep at most this many beats in memory; older ones are dropped. Default 100 000. */
  maxBuffered?: number;
}

/** Longest message kept per beat or incident; longer ones are cut (an HTML error page is not a message). */
export const MAX_MESSAGE_LENGTH = 1000;
