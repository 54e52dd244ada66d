import type { StateCreator } from 'zustand';
import { client } from '../api/client';
import { containerKey } from './refs';
import { asHomeportError } from '../lib/errors';
import type { AppState, ContainerAction, ContainersSlice } from './types';

const VERB: Record<ContainerAction, string> = { start: 'start', stop: 'stop', restart: 'restart', remove: 'remove' };

export const createContainersSlice: StateCreator<AppState, [], [], ContainersSlice> = (set, get) => {
  const run = async (
    ref: { hostId: AppState['hosts'][number]['id']; containerId: string; name: string },
    action: ContainerAction,
    call: () => Promise<void>,
  ): Promise<boolean> => {
    const key = containerKey(ref.hostId, ref.containerId);
    if (get().containerBusy[key]) return false;
    set((s) => ({ containerBusy: { ...s.containerBusy, [key]: action } }));
    try {
      await call();
      // No refresh here: the engine's event brings the new state (containers.changed).
      return true;
    } catch (e) {
      const err = asHomeportError(e);
      get().pushToast({ tone: 'error', title: `Could not ${VERB[action]} ${ref.name}`, message: err.message, fix: err.fix });
      return false;
    } finally {
      set((s) => {
        const containerBusy = { ...s.containerBusy };
        delete containerBusy[key];
        return { containerBusy };
      });
    }
  };
  return {
    containers: {},
    containersLoaded: false,
    containerBusy: {},
    runContainerAction(ref, action) {
      const input = { hostId: ref.hostId, containerId: ref.containerId };
      return run(ref, action, () => client().containers[action](input));
    },
    removeContainer(ref, opts) {
      return run(ref, 'remove', () =>
        client().containers.remove({ hostId: ref.hostId, containerId: ref.containerId, ...opts }),
      );
    },
  };
};
