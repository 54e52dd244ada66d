import { useCallback, useEffect, useRef, useState } from 'react';
import type { ErrorInfo, HostId } from '../../../../shared/contract';
import { client } from '../../api/client';
import { toErrorInfo } from '../../lib/errors';
import { useApp } from '../../store';

/** The events that carry one host's list again after its engine said it changed. */
type ListEvent = 'volumes.changed' | 'images.changed' | 'networks.changed';

/**
 * A per-host list loaded from the services: loaded on mount, again whenever a host connects or
 * drops, and on `reload()` (after an action); in between, `changed` (the engine's events, whoever
 * caused them) replaces one host's list as it comes.
 */
export function useHostLists<T extends { hostId: HostId; error: ErrorInfo | null }>(load: () => Promise<T[]>, changed: ListEvent | null = null) {
  const [lists, setLists] = useState<Record<string, T> | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const connectedKey = useApp((s) => s.hosts.map((h) => `${h.id}:${h.state.status}`).join(','));
  // A list that was asked for before an event arrived is older than the event's list: the
  // event's is kept for that host.
  const seq = useRef(0);
  const eventSeq = useRef(new Map<string, number>());
  useEffect(() => {
    if (!changed) return;
    return client().on(changed, (info) => {
      eventSeq.current.set(info.hostId, ++seq.current);
      // The event of the view's own kind carries this view's list type.
      setLists((prev) => (prev ? { ...prev, [info.hostId]: info as unknown as T } : prev));
    });
  }, [changed]);
  const reload = useCallback(async () => {
    const asked = ++seq.current;
    try {
      const r = await load();
      setLists((prev) =>
        Object.fromEntries(r.map((x) => [x.hostId, (eventSeq.current.get(x.hostId) ?? 0) > asked && prev?.[x.hostId] ? prev[x.hostId]! : x])),
      );
      setError(null);
    } catch (e) {
      setError(toErrorInfo(e));
    }
  }, [load]);
  useEffect(() => {
    void reload();
  }, [reload, connectedKey]);
  return { lists, error, reload };
}
