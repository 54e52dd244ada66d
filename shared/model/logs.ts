/** One line of a container's log, as the `container.logs` stream carries it. */
export interface LogLineInfo {
  stream: 'stdout' | 'stderr';
  /** The line without its newline (ANSI escapes kept: the UI renders them). */
  text: string;
  /** The engine's RFC 3339 timestamp, when the stream was opened with `timestamps: true`. */
  time?: string;
}

/** One `stream.data` event of a `container.logs` stream: lines batched (≤ ~50 ms or 1,000 lines each). */
export interface LogBatchInfo {
  lines: LogLineInfo[];
}

/** The most lines `tail` may ask for (beyond that: 'all'). */
export const MAX_LOG_TAIL = 1_000_000;
