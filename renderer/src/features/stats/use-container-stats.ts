import { useEffect, useRef, useState } from 'react';
import type { ContainerStatsSample, ErrorInfo, HostId, StreamId } from '../../../../shared/contract';
import { client } from '../../api/client';
import { toErrorInfo } from '../resources/resource-common';

/**
 * Opens one `container.stats` stream while the component shows it, and closes it when the
 * component goes away or what it asks for changes (after `debounceMs`, so a burst of changes —
 * typing in the filter, expanding groups — reopens once). `onRound` gets each round's samples.
 * Nothing is opened for an empty list.
 */
export function useContainerStats(
  hostId: HostId | null,
  containerIds: readonly string[],
  periodMs: number,
  onRound: (samples: ContainerStatsSample[]) => void,
  debounceMs = 0,
): { error: ErrorInfo | null } {
  const [error, setError] = useState<ErrorInfo | null>(null);
  const onRoundRef = useRef(onRound);
  onRoundRef.current = onRound;
  const key = hostId && containerIds.length ? `${hostId}|${periodMs}|${containerIds.join(',')}` : '';

  useEffect(() => {
    if (!key) {
      setError(null);
      return;
    }
    const [host, period, list] = key.split('|') as [HostId, string, string];
    let mine: StreamId | null = null;
    let closed = false;
    const early: Array<{ streamId: StreamId; data: unknown }> = [];
    const unsubs: Array<() => void> = [];
    const timer = setTimeout(() => {
      unsubs.push(
        client().on('stream.data', ({ streamId, data }) => {
          if (mine === null) early.push({ streamId, data });
          else if (streamId === mine) onRoundRef.current(data as ContainerStatsSample[]);
        }),
        client().on('stream.end', ({ streamId, error: e }) => {
          if (streamId === mine && e) setError(e);
        }),
      );
      client()
        .streams.open({ kind: 'container.stats', hostId: host, containerIds: list.split(','), periodMs: Number(period) })
        .then(({ streamId }) => {
          if (closed) return void client().streams.close({ streamId }).catch(() => {});
          mine = streamId;
          setError(null);
          for (const e of early.splice(0)) if (e.streamId === mine) onRoundRef.current(e.data as ContainerStatsSample[]);
        })
        .catch((e: unknown) => {
          if (!closed) setError(toErrorInfo(e));
        });
    }, debounceMs);
    return () => {
      closed = true;
      clearTimeout(timer);
      unsubs.forEach((u) => u());
      if (mine) void client().streams.close({ streamId: mine }).catch(() => {});
    };
  }, [key, debounceMs]);

  return { error };
}
