import type { EngineEventInfo } from '../model/container';
import type { HostId } from '../model/ids';
import type { PullProgressInfo } from '../model/resources';
import type { StackAction, StackRunOutputInfo } from '../model/stacks';
import type { UpgradeProgressInfo } from '../model/upgrade';

/** Every kind of stream, its open parameters and the data each `stream.data` event carries. */
export interface StreamMap {
  'engine.events': { params: { hostId: HostId }; data: EngineEventInfo };
  /** Pull `ref` on the host: progress as data; `stream.end` carries the error if the pull failed; close aborts it. */
  'image.pull': { params: { hostId: HostId; ref: string }; data: PullProgressInfo };
  /**
   * Run a compose action on a stack on its host: output lines as data; `stream.end` carries
   * COMMAND_FAILED naming the exit status if it failed; close stops the command.
   */
  'stack.run': { params: { hostId: HostId; project: string; action: StackAction }; data: StackRunOutputInfo };
  /**
   * Recreate a container from another image with the same configuration, keeping the old one for a
   * rollback. `pull`: pull even when the image is on the host (else only when missing). Steps and
   * pull progress as data; `stream.end` carries the error (after the old container was put back).
   */
  'container.upgrade': { params: { hostId: HostId; containerId: string; image: string; pull: boolean }; data: UpgradeProgressInfo };
}
export type StreamKind = keyof StreamMap;
export type StreamOpenInput = { [K in StreamKind]: { kind: K } & StreamMap[K]['params'] }[StreamKind];
export const STREAM_KINDS = ['engine.events', 'image.pull', 'stack.run', 'container.upgrade'] as const satisfies readonly StreamKind[];
