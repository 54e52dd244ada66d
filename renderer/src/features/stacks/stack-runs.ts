import { create } from 'zustand';
import type { ErrorInfo, HostId, StackAction, StackRunOutputInfo, StreamId } from '../../../../shared/contract';
import { openStream, type StreamHandle } from '../../api/open-stream';

/** Most lines an output panel keeps (the oldest go first). */
const MAX_LINES = 3000;

export interface StackRun {
  key: string;
  hostId: HostId;
  project: string;
  action: StackAction;
  /** What the user did first, for the panel's title ("Save & redeploy" runs `up`). */
  title: string;
  streamId: StreamId | null;
  lines: StackRunOutputInfo[];
  /** Lines dropped from the start to keep the panel bounded. */
  dropped: number;
  state: 'running' | 'done' | 'failed';
  error: ErrorInfo | null;
  /** The user stopped it. */
  stopped: boolean;
  /**
   * The compose file the run follows a change of (null for a plain action): if `up -d` fails with
   * it, the service puts its previous version back and redeploys that; otherwise the panel offers
   * rolling it back.
   */
  file: string | null;
}

export const stackKey = (hostId: HostId, project: string) => `${hostId}\u0000${project}`;

interface StackRunsState {
  runs: Record<string, StackRun>;
  /** Starts a compose action on the stack (one at a time per stack); resolves when it has ended. */
  start(hostId: HostId, project: string, action: StackAction, opts?: { title?: string; file?: string }): Promise<StackRun>;
  /** Stops a running action (closing the stream stops the command on the host). */
  stop(key: string): void;
  dismiss(key: string): void;
}

/** Each running action's stream, and how it ends, by stack. */
const active = new Map<string, { stream: StreamHandle<'stack.run'>; finish(error: ErrorInfo | null): void }>();

/**
 * Compose runs live outside the view: leaving the Stacks screen does not stop a deploy, and its
 * output is still there on return.
 */
export const useStackRuns = create<StackRunsState>((set, get) => {
  const patch = (key: string, f: (r: StackRun) => Partial<StackRun>) =>
    set((s) => (s.runs[key] ? { runs: { ...s.runs, [key]: { ...s.runs[key]!, ...f(s.runs[key]!) } } } : s));

  return {
    runs: {},
    start: (hostId, project, action, opts = {}) => {
      const key = stackKey(hostId, project);
      const existing = get().runs[key];
      if (existing?.state === 'running') return Promise.resolve(existing);
      set((s) => ({
        runs: {
          ...s.runs,
          [key]: { key, hostId, project, action, title: opts.title ?? action, streamId: null, lines: [], dropped: 0, state: 'running', error: null, stopped: false, file: opts.file ?? null },
        },
      }));
      return new Promise<StackRun>((resolve) => {
        const finish = (error: ErrorInfo | null) => {
          active.delete(key);
          patch(key, () => ({ state: error ? 'failed' : 'done', error }));
          resolve(get().runs[key]!);
        };
        const stream = openStream(
          'stack.run',
          { hostId, project, action, ...(opts.file !== undefined && action === 'up' ? { revertFile: opts.file } : {}) },
          {
            onOpen: (streamId) => patch(key, () => ({ streamId })),
            onData: (line) =>
              patch(key, (r) => {
                const lines = [...r.lines, line];
                const over = Math.max(0, lines.length - MAX_LINES);
                return { lines: over ? lines.slice(over) : lines, dropped: r.dropped + over };
              }),
            onEnd: finish,
          },
        );
        active.set(key, { stream, finish });
      });
    },
    stop: (key) => {
      const r = get().runs[key];
      const run = active.get(key);
      if (r?.state !== 'running' || !r.streamId || !run) return;
      patch(key, () => ({ stopped: true }));
      // Closing the stream stops the command on the host; the run is over for the user now.
      run.stream.close();
      run.finish(null);
    },
    dismiss: (key) =>
      set((s) => {
        if (s.runs[key]?.state === 'running') return s;
        const { [key]: _, ...rest } = s.runs;
        return { runs: rest };
      }),
  };
});

export function resetStackRuns(): void {
  for (const run of active.values()) run.stream.close();
  active.clear();
  useStackRuns.setState({ runs: {} });
}
