import { useEffect } from 'react';
import { create } from 'zustand';
import type { ContainerInfo, ErrorInfo, UpgradeOptionsInfo } from '../../../../shared/contract';
import { client } from '../../api/client';
import { toErrorInfo } from '../../lib/errors';

interface Entry {
  options: UpgradeOptionsInfo | null;
  error: ErrorInfo | null;
  /** What the entry was loaded for: a changed container (id, image, state) loads it again. */
  stamp: string;
}

interface UpgradeStore {
  byContainer: Partial<Record<string, Entry>>;
  load(container: ContainerInfo, force?: boolean): Promise<void>;
}

const keyOf = (c: Pick<ContainerInfo, 'hostId' | 'id'>) => `${c.hostId}/${c.id}`;
const stampOf = (c: ContainerInfo) => `${c.image}|${c.state}|${c.name}`;
const inflight = new Map<string, Promise<void>>();

/** Upgrade options per container, shared by the header button and the rollback banner. */
export const useUpgradeStore = create<UpgradeStore>((set, get) => ({
  byContainer: {},
  load(container, force = false) {
    const key = keyOf(container);
    const stamp = stampOf(container);
    const have = get().byContainer[key];
    if (!force && have && have.stamp === stamp) return Promise.resolve();
    const running = inflight.get(`${key}|${stamp}`);
    if (running && !force) return running;
    const p = client()
      .containers.upgradeOptions({ hostId: container.hostId, containerId: container.id })
      .then(
        (options) => set((s) => ({ byContainer: { ...s.byContainer, [key]: { options, error: null, stamp } } })),
        (e: unknown) => set((s) => ({ byContainer: { ...s.byContainer, [key]: { options: null, error: toErrorInfo(e), stamp } } })),
      )
      .finally(() => inflight.delete(`${key}|${stamp}`));
    inflight.set(`${key}|${stamp}`, p);
    return p;
  },
}));

export function useUpgradeOptions(container: ContainerInfo): Entry | null {
  const entry = useUpgradeStore((s) => s.byContainer[keyOf(container)] ?? null);
  const stamp = stampOf(container);
  useEffect(() => {
    void useUpgradeStore.getState().load(container);
  }, [container.hostId, container.id, stamp]);
  return entry;
}

/** Resolves what the user typed: a bare tag means a tag of the container's own repository. */
export function resolveTarget(input: string, repository: string | null): string {
  const t = input.trim();
  if (!t) return '';
  if (repository && /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(t) && !t.includes('/')) return `${repository}:${t}`;
  return t;
}

export function shortImageId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}
