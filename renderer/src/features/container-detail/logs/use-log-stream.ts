import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import type { ContainerInfo, ErrorInfo, LogLineInfo } from '../../../../../shared/contract';
import { isConnectionLost, openStream } from '../../../api/open-stream';
import { useApp } from '../../../store';
import { LogModel } from './log-model';

/** Lines kept in memory; older ones are dropped (and the UI says so). */
export const LOG_CAPACITY = 100_000;
/**
 * At most this often the list is re-rendered while lines pour in: at 10,000 lines/s nobody reads
 * each frame, and leaving the main thread free keeps the window responsive (lines are still
 * applied to the buffer on every render; none are lost).
 */
const MIN_RENDER_MS = 100;
/** …and never more often than this many times the last render's own cost (so a slow machine stays responsive). */
const RENDER_COST_FACTOR = 4;

export type TailChoice = '100' | '1000' | '10000' | 'all';
export type SinceChoice = 'all' | '5m' | '15m' | '1h' | '24h' | 'custom';
const SINCE_SECONDS: Record<Exclude<SinceChoice, 'all' | 'custom'>, number> = { '5m': 300, '15m': 900, '1h': 3600, '24h': 86_400 };

export type LogStatus = { kind: 'connecting' } | { kind: 'live' } | { kind: 'ended' } | { kind: 'failed'; error: ErrorInfo };

/** What the log is asked for from the engine; a change opens the stream again. */
export interface LogRequest {
  tail: TailChoice;
  since: SinceChoice;
  /** A local date-time, when `since` is "custom". */
  customSince: string;
}

function sinceSeconds(choice: SinceChoice, custom: string): number | null {
  if (choice === 'all') return null;
  if (choice === 'custom') {
    const t = Date.parse(custom);
    return Number.isNaN(t) ? null : Math.max(0, Math.floor(t / 1000));
  }
  return Math.floor(Date.now() / 1000) - SINCE_SECONDS[choice];
}

type ResumePoint = { second: string; seen: Set<string> };

export interface LogStream {
  /** The lines held (bounded), the view through the filter, and the search. */
  model: LogModel;
  status: LogStatus;
  /** Draws again after the model changed outside the stream (filter, search, clear). */
  rerender(): void;
  /** Follows again after the last line held (the stream ended or failed). */
  resume(): void;
  /** Forgets the lines held; the log goes on. */
  clear(): void;
  /** The list calls this once the lines a render brought are laid out: how long drawing took paces the next render. */
  drawn(): void;
}

/**
 * A container's log, followed: lines arrive in batches on a `container.logs` stream, are applied
 * once per animation frame (no more often than the last render's cost allows) into a bounded ring
 * buffer. The stream opens again when the request changes, and on Resume carries on after the
 * last line held instead of starting over; a container that starts again after its stream ended
 * is followed again. `root` gets the counts as data attributes (tests and benches read them
 * without waiting for a render).
 */
export function useLogStream(container: ContainerInfo, request: LogRequest, root: RefObject<HTMLElement | null>): LogStream {
  const modelRef = useRef<LogModel | null>(null);
  modelRef.current ??= new LogModel(LOG_CAPACITY);
  const model = modelRef.current;
  const [, setVersion] = useState(0);
  const rerender = useCallback(() => setVersion((v) => v + 1), []);
  const [status, setStatus] = useState<LogStatus>({ kind: 'connecting' });
  const [generation, setGeneration] = useState(0);
  /** Set by Resume: carry on after the last line held instead of starting over. */
  const resumeRef = useRef<ResumePoint | null>(null);
  /** The resume in effect for the stream now open: lines it already showed are skipped. */
  const skipRef = useRef<ResumePoint | null>(null);

  // ---- incoming lines, applied once per frame ----
  const pending = useRef<LogLineInfo[]>([]);
  const frame = useRef<number | null>(null);
  const lastRender = useRef(0);
  /** How long the last render of new lines took (flush → drawn), in ms. */
  const renderCost = useRef(0);
  const renderStart = useRef<number | null>(null);
  const flush = useCallback(
    (now: number) => {
      frame.current = null;
      const lines = pending.current;
      if (!lines.length) return;
      if (now - lastRender.current < Math.max(MIN_RENDER_MS, RENDER_COST_FACTOR * renderCost.current)) {
        frame.current = requestAnimationFrame(flush);
        return;
      }
      lastRender.current = now;
      renderStart.current = performance.now();
      pending.current = [];
      model.append(lines);
      const el = root.current;
      if (el) {
        el.dataset.receivedLines = String(model.received);
        el.dataset.bufferedLines = String(model.all.length);
      }
      rerender();
    },
    [model, rerender, root],
  );
  const enqueue = useCallback(
    (lines: LogLineInfo[]) => {
      const resume = skipRef.current;
      if (resume) {
        lines = lines.filter((l) => {
          const sec = l.time?.slice(0, 19);
          if (!sec || sec > resume.second) return true;
          return !resume.seen.has(`${l.time}|${l.stream}|${l.text}`) && sec === resume.second;
        });
      }
      for (const l of lines) pending.current.push(l);
      // While frames do not run (a hidden window), keep only what the buffer could hold anyway.
      if (pending.current.length > 2 * LOG_CAPACITY) {
        const extra = pending.current.length - LOG_CAPACITY;
        pending.current = pending.current.slice(extra);
        model.noteSkipped(extra);
      }
      frame.current ??= requestAnimationFrame(flush);
    },
    [flush, model],
  );
  useEffect(
    () => () => {
      if (frame.current !== null) cancelAnimationFrame(frame.current);
    },
    [],
  );

  // ---- the stream: (re)opened when what it asks the engine for changes, or on Resume ----
  const hostId = container.hostId;
  const containerId = container.id;
  const { tail, since, customSince } = request;
  useEffect(() => {
    const resume = resumeRef.current;
    resumeRef.current = null;
    skipRef.current = resume;
    let sinceSec = sinceSeconds(since, customSince);
    if (resume) sinceSec = Math.floor(Date.parse(`${resume.second}Z`) / 1000);
    else {
      pending.current = [];
      model.reset();
      rerender();
    }
    setStatus({ kind: 'connecting' });
    const stream = openStream(
      'container.logs',
      { hostId, containerId, tail: tail === 'all' ? 'all' : Number(tail), since: sinceSec, timestamps: true, follow: true },
      {
        onOpen: () => setStatus({ kind: 'live' }),
        onData: (data) => {
          if (Array.isArray(data?.lines)) enqueue(data.lines);
        },
        onEnd: (error) => setStatus(error ? { kind: 'failed', error } : { kind: 'ended' }),
      },
    );
    return () => stream.close();
  }, [hostId, containerId, tail, since, customSince, generation, model, enqueue, rerender]);

  const resume = useCallback(() => {
    const last = model.all.at(model.all.length - 1);
    if (last?.time) {
      const second = last.time.slice(0, 19);
      const seen = new Set<string>();
      for (let i = model.all.length - 1; i >= 0; i--) {
        const l = model.all.at(i)!;
        if (!l.time || l.time.slice(0, 19) !== second) break;
        seen.add(`${l.time}|${l.stream}|${l.text}`);
      }
      resumeRef.current = { second, seen };
    } else resumeRef.current = null;
    setGeneration((g) => g + 1);
  }, [model]);
  // The connection to Homeport dropped (the services closed the stream with it) and is back:
  // follow on from the last line held.
  const transport = useApp((s) => s.transport);
  const lostConnection = status.kind === 'failed' && isConnectionLost(status.error);
  useEffect(() => {
    if (lostConnection && transport === 'open') resume();
  }, [lostConnection, transport, resume]);
  // The container started again after its stream ended: follow it again.
  const running = container.state === 'running';
  useEffect(() => {
    if (running && status.kind === 'ended') resume();
  }, [running, status.kind, resume]);

  const clear = useCallback(() => {
    pending.current = [];
    model.clear();
    rerender();
  }, [model, rerender]);

  const drawn = useCallback(() => {
    if (renderStart.current === null) return;
    renderCost.current = performance.now() - renderStart.current;
    renderStart.current = null;
  }, []);

  return { model, status, rerender, resume, clear, drawn };
}
