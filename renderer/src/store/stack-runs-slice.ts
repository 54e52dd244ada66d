import type { StateCreator } from 'zustand';
import type { ErrorInfo, HostId, StackAction, StackRunOutputInfo, StreamId } from '../../../shared/contract';
import { client } from '../api/client';
import { openStream, type StreamHandle } from '../api/open-stream';
import { isWatched } from './host-lists';
import { stackKey } from './refs';
import type { AppState } from './types';

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

/** A stack's compose file, on its host. */
export interface StackFileRef {
  hostId: HostId;
  project: string;
  /** Which of the stack's compose files (the services choose when it is left out). */
  path?: string;
}

/**
 * Compose runs live in the store, not in the view: leaving the Stacks screen does not stop a
 * deploy, and its output is still there on return.
 */
export interface StackRunsSlice {
  /** The last run of each stack, by `stackKey`. */
  stackRuns: Partial<Record<string, StackRun>>;
  /** Starts a compose action on the stack (one at a time per stack); resolves when it has ended. */
  startStackRun(hostId: HostId, project: string, action: StackAction, opts?: { title?: string; file?: string }): Promise<StackRun>;
  /** Stops a running action (closing the stream stops the command on the host). */
  stopStackRun(key: string): void;
  dismissStackRun(key: string): void;
  /** Saves an edited compose file (checked by compose first) and redeploys the stack with it. */
  saveComposeFile(file: Required<StackFileRef> & { content: string }): Promise<void>;
  /** Changes one service's image in the compose file and redeploys the stack. */
  changeServiceImage(input: { hostId: HostId; project: string; service: string; image: string }): Promise<void>;
  /** Puts back the compose file kept before Homeport's last change and redeploys the stack with it. */
  rollBackComposeFile(file: StackFileRef): Promise<void>;
}

/** Each running action's stream, and how it ends, by stack. */
const active = new Map<string, { stream: StreamHandle<'stack.run'>; finish(error: ErrorInfo | null): void }>();

export const createStackRunsSlice: StateCreator<AppState, [], [], StackRunsSlice> = (set, get) => {
  const patch = (key: string, f: (r: StackRun) => Partial<StackRun>) =>
    set((s) => {
      const run = s.stackRuns[key];
      return run ? { stackRuns: { ...s.stackRuns, [key]: { ...run, ...f(run) } } } : {};
    });
  /** `up -d` with a changed file: the services put the file back if it fails. */
  const redeploy = (hostId: HostId, project: string, title: string, file: string) => void get().startStackRun(hostId, project, 'up', { title, file });

  return {
    stackRuns: {},
    startStackRun: (hostId, project, action, opts = {}) => {
      const key = stackKey(hostId, project);
      const existing = get().stackRuns[key];
      if (existing?.state === 'running') return Promise.resolve(existing);
      set((s) => ({
        stackRuns: {
          ...s.stackRuns,
          [key]: { key, hostId, project, action, title: opts.title ?? action, streamId: null, lines: [], dropped: 0, state: 'running', error: null, stopped: false, file: opts.file ?? null },
        },
      }));
      return new Promise<StackRun>((resolve) => {
        const finish = (error: ErrorInfo | null) => {
          active.delete(key);
          patch(key, () => ({ state: error ? 'failed' : 'done', error }));
          // A run that ended changed the stack (down removes every container): list them again.
          if (isWatched('stacks')) void get().loadList('stacks');
          resolve(get().stackRuns[key]!);
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
    stopStackRun: (key) => {
      const r = get().stackRuns[key];
      const run = active.get(key);
      if (r?.state !== 'running' || !r.streamId || !run) return;
      patch(key, () => ({ stopped: true }));
      // Closing the stream stops the command on the host; the run is over for the user now.
      run.stream.close();
      run.finish(null);
    },
    dismissStackRun: (key) =>
      set((s) => {
        if (s.stackRuns[key]?.state === 'running') return {};
        const { [key]: _, ...rest } = s.stackRuns;
        return { stackRuns: rest };
      }),
    async saveComposeFile({ hostId, project, path, content }) {
      const saved = await client().stacks.saveFile({ hostId, project, path, content });
      redeploy(hostId, project, 'Save & redeploy', saved.path);
    },
    async changeServiceImage(input) {
      const saved = await client().stacks.setServiceImage(input);
      redeploy(input.hostId, input.project, `Change ${input.service} to ${input.image}`, saved.path);
    },
    async rollBackComposeFile({ hostId, project, path }) {
      const back = await client().stacks.rollbackFile({ hostId, project, ...(path !== undefined ? { path } : {}) });
      redeploy(hostId, project, 'Roll back & redeploy', back.path);
    },
  };
};

/** Tests: stop every run's stream. */
export function resetStackRuns(): void {
  for (const run of active.values()) run.stream.close();
  active.clear();
}
