import { useEffect, useRef, useState } from 'react';
import type { ContainerStatsSampleInfo, ErrorInfo, HostId } from '../../../../shared/contract';
import { isConnectionLost, openStream, type StreamHandle } from '../../api/open-stream';
import { useApp } from '../../store';

/**
 * Opens one `container.stats` stream while the component shows it, and closes it when the
 * component goes away or what it asks for changes (after `debounceMs`, so a burst of changes —
 * typing in the filter, expanding groups — reopens once). `onRound` gets each round's samples.
 * Nothing is opened for an empty list. When the connection to Homeport drops, the samples stop
 * (the error says why) and start again once it is back.
 */
export function useContainerStats(
  hostId: HostId | null,
  containerIds: readonly string[],
  periodMs: number,
  onRound: (samples: ContainerStatsSampleInfo[]) => void,
  debounceMs = 0,
): { error: ErrorInfo | null } {
  const [error, setError] = useState<ErrorInfo | null>(null);
  const onRoundRef = useRef(onRound);
  onRoundRef.current = onRound;
  const key = hostId && containerIds.length ? `${hostId}|${periodMs}|${containerIds.join(',')}` : '';
  const transport = useApp((s) => s.transport);
  const [reopened, setReopened] = useState(0);
  const lost = isConnectionLost(error);
  useEffect(() => {
    if (lost && transport === 'open') setReopened((n) => n + 1);
  }, [lost, transport]);

  useEffect(() => {
    if (!key) {
      setError(null);
      return;
    }
    const [host, period, list] = key.split('|') as [HostId, string, string];
    let stream: StreamHandle<'container.stats'> | null = null;
    const timer = setTimeout(() => {
      stream = openStream(
        'container.stats',
        { hostId: host, containerIds: list.split(','), periodMs: Number(period) },
        {
          onOpen: () => setError(null),
          onData: (samples) => onRoundRef.current(samples),
          onEnd: (e) => {
            if (e) setError(e);
          },
        },
      );
    }, debounceMs);
    return () => {
      clearTimeout(timer);
      stream?.close();
    };
  }, [key, debounceMs, reopened]);

  return { error };
}
