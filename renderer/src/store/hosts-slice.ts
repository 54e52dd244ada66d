import type { StateCreator } from 'zustand';
import type { HostId } from '../../../shared/contract';
import { client } from '../api/client';
import { asHomeportError } from '../lib/errors';
import type { AppState, HostAction, HostsSlice } from './types';

export const createHostsSlice: StateCreator<AppState, [], [], HostsSlice> = (set, get) => {
  /** Runs a host action with a busy marker; errors become a toast. */
  const busy = async (id: HostId, action: HostAction, run: () => Promise<void>, what: string): Promise<boolean> => {
    set((s) => ({ hostBusy: { ...s.hostBusy, [id]: action } }));
    try {
      await run();
      return true;
    } catch (e) {
      const err = asHomeportError(e);
      const host = get().hosts.find((h) => h.id === id);
      get().pushToast({ tone: 'error', title: `Could not ${what} ${host?.name ?? 'the host'}`, message: err.message, fix: err.fix });
      return false;
    } finally {
      set((s) => {
        const hostBusy = { ...s.hostBusy };
        delete hostBusy[id];
        return { hostBusy };
      });
    }
  };
  return {
    hosts: [],
    hostsLoaded: false,
    hostBusy: {},
    async addHost(input) {
      const host = await client().hosts.add(input);
      // The hosts.changed event follows; merge now so the UI does not wait for it.
      set((s) => (s.hosts.some((h) => h.id === host.id) ? {} : { hosts: [...s.hosts, host] }));
      return host;
    },
    async updateHost(id, input) {
      const host = await client().hosts.update({ id, host: input });
      set((s) => ({ hosts: s.hosts.map((h) => (h.id === id ? host : h)) }));
      return host;
    },
    removeHost: (id) =>
      busy(
        id,
        'remove',
        async () => {
          await client().hosts.remove({ id });
          set((s) => {
            const containers = { ...s.containers };
            delete containers[id];
            return { hosts: s.hosts.filter((h) => h.id !== id), containers };
          });
        },
        'remove',
      ),
    connectHost: (id) => busy(id, 'connect', () => client().hosts.connect({ id }), 'connect to'),
    disconnectHost: (id) => busy(id, 'disconnect', () => client().hosts.disconnect({ id }), 'disconnect from'),
  };
};
