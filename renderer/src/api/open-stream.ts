import type { ErrorInfo, StreamId, StreamKind, StreamMap, StreamOpenInput } from '../../../shared/contract';
import { client } from './client';

export interface OpenedStream {
  /** Stops the stream (no `onEnd` after this). */
  close(): void;
}

/**
 * Opens a stream and routes its `stream.data` / `stream.end` events to the callbacks. Events can
 * arrive before `open` answers with the id: they are held until it does. Rejects when the open
 * call fails (a disconnected host, an unknown transfer).
 */
export async function openStream<K extends StreamKind>(
  input: Extract<StreamOpenInput, { kind: K }>,
  handlers: { onData(data: StreamMap[K]['data']): void; onEnd(error: ErrorInfo | null): void },
): Promise<OpenedStream> {
  const early: Array<{ streamId: StreamId; data?: unknown; end?: ErrorInfo | null }> = [];
  let mine: StreamId | null = null;
  let done = false;
  const onData = (streamId: StreamId, data: unknown) => {
    if (done) return;
    if (mine === null) early.push({ streamId, data });
    else if (streamId === mine) handlers.onData(data as StreamMap[K]['data']);
  };
  const onEnd = (streamId: StreamId, error: ErrorInfo | null) => {
    if (done) return;
    if (mine === null) return void early.push({ streamId, end: error });
    if (streamId !== mine) return;
    done = true;
    unsubscribe();
    handlers.onEnd(error);
  };
  const unsubs = [client().on('stream.data', (p) => onData(p.streamId, p.data)), client().on('stream.end', (p) => onEnd(p.streamId, p.error))];
  const unsubscribe = () => unsubs.forEach((u) => u());
  let streamId: StreamId;
  try {
    ({ streamId } = await client().streams.open(input));
  } catch (e) {
    done = true;
    unsubscribe();
    throw e;
  }
  mine = streamId;
  for (const e of early) {
    if ('end' in e) onEnd(e.streamId, e.end ?? null);
    else onData(e.streamId, e.data);
  }
  return {
    close() {
      if (done) return;
      done = true;
      unsubscribe();
      void client().streams.close({ streamId }).catch(() => {});
    },
  };
}
