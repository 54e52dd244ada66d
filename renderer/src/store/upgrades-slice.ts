import type { StateCreator } from 'zustand';
import type { ContainerInfo, ErrorInfo, UpgradeOptionsInfo } from '../../../shared/contract';
import { client } from '../api/client';
import { toErrorInfo } from '../lib/errors';
import { containerKey } from './refs';
import type { AppState } from './types';

export interface UpgradeOptionsEntry {
  options: UpgradeOptionsInfo | null;
  error: ErrorInfo | null;
  /** What the entry was loaded for: a changed container (id, image, state) loads it again. */
  stamp: string;
}

/** Upgrade options per container, shared by the page's Upgrade button and its rollback banner. */
export interface UpgradesSlice {
  /** By `containerKey`. */
  upgradeOptions: Partial<Record<string, UpgradeOptionsEntry>>;
  /** Loads a container's options unless loaded for it as it is now (`force`: again anyway). Never throws: a failure is the entry's error. */
  loadUpgradeOptions(container: ContainerInfo, force?: boolean): Promise<void>;
}

export const upgradeStamp = (c: ContainerInfo) => `${c.image}|${c.state}|${c.name}`;
const inflight = new Map<string, Promise<void>>();

export const createUpgradesSlice: StateCreator<AppState, [], [], UpgradesSlice> = (set, get) => ({
  upgradeOptions: {},
  loadUpgradeOptions(container, force = false) {
    const key = containerKey(container.hostId, container.id);
    const stamp = upgradeStamp(container);
    const have = get().upgradeOptions[key];
    if (!force && have && have.stamp === stamp) return Promise.resolve();
    const running = inflight.get(`${key}|${stamp}`);
    if (running && !force) return running;
    const put = (entry: UpgradeOptionsEntry) => set((s) => ({ upgradeOptions: { ...s.upgradeOptions, [key]: entry } }));
    const p = client()
      .containers.upgradeOptions({ hostId: container.hostId, containerId: container.id })
      .then(
        (options) => put({ options, error: null, stamp }),
        (e: unknown) => put({ options: null, error: toErrorInfo(e), stamp }),
      )
      .finally(() => inflight.delete(`${key}|${stamp}`));
    inflight.set(`${key}|${stamp}`, p);
    return p;
  },
});
