import type { EngineEventInfo } from '../model/container';
import type { HostId } from '../model/ids';
import type { PullProgressInfo } from '../model/resources';

/** Every kind of stream, its open parameters and the data each `stream.data` event carries. */
export interface StreamMap {
  'engine.events': { params: { hostId: HostId }; data: EngineEventInfo };
  /** Pull `ref` on the host: progress as data; `stream.end` carries the error if the pull failed; close aborts it. */
  'image.pull': { params: { hostId: HostId; ref: string }; data: PullProgressInfo };
}
export type StreamKind = keyof StreamMap;
export type StreamOpenInput = { [K in StreamKind]: { kind: K } & StreamMap[K]['params'] }[StreamKind];
export const STREAM_KINDS = ['engine.events', 'image.pull'] as const satisfies readonly StreamKind[];
