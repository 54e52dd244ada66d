import type { EngineEventInfo } from '../model/container';
import type { HostId } from '../model/ids';

/** Every kind of stream, its open parameters and the data each `stream.data` event carries. */
export interface StreamMap {
  'engine.events': { params: { hostId: HostId }; data: EngineEventInfo };
}
export type StreamKind = keyof StreamMap;
export type StreamOpenInput = { [K in StreamKind]: { kind: K } & StreamMap[K]['params'] }[StreamKind];
export const STREAM_KINDS = ['engine.events'] as const satisfies readonly StreamKind[];
