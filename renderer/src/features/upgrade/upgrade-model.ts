import { useEffect } from 'react';
import type { ContainerInfo } from '../../../../shared/contract';
import { appStore, containerKey, upgradeStamp, useApp, type UpgradeOptionsEntry } from '../../store';

/** A container's upgrade options (the store's), loaded when it is shown and again when it changes. */
export function useUpgradeOptions(container: ContainerInfo): UpgradeOptionsEntry | null {
  const entry = useApp((s) => s.upgradeOptions[containerKey(container.hostId, container.id)] ?? null);
  const stamp = upgradeStamp(container);
  useEffect(() => {
    void appStore.getState().loadUpgradeOptions(container);
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
