import type { StateCreator } from 'zustand';
import type { ErrorInfo, HeartbeatInfo, KumaInstanceInfo } from '../../../shared/contract';
import { client } from '../api/client';
import { readInto } from './read-into';
import type { AppState } from './types';

/** Uptime Kuma instances mirrored live, and Homeport's own heartbeat to a push URL. */
export interface KumaSlice {
  /** The instances with their mirrored monitors (they count in the nav's status too). */
  kuma: KumaInstanceInfo[];
  kumaLoaded: boolean;
  kumaError: ErrorInfo | null;
  /** Never throws: a failure is `kumaError`. */
  loadKuma(): Promise<void>;
  /** null until read. */
  heartbeat: HeartbeatInfo | null;
  heartbeatError: ErrorInfo | null;
  /** Never throws: a failure is `heartbeatError`. */
  loadHeartbeat(): Promise<void>;
  /** Starts, replaces (url) or stops (url null) the heartbeat; throws when it was not changed. */
  setHeartbeat(input: { url: string | null; intervalSec: number }): Promise<void>;
  /** Sends one now; throws when it could not. */
  sendHeartbeat(): Promise<void>;
}

export const createKumaSlice: StateCreator<AppState, [], [], KumaSlice> = (set) => ({
  kuma: [],
  kumaLoaded: false,
  kumaError: null,
  loadKuma: () => readInto(set, () => client().kuma.list(), (kuma) => ({ kuma, kumaLoaded: true }), 'kumaError'),
  heartbeat: null,
  heartbeatError: null,
  loadHeartbeat: () => readInto(set, () => client().kuma.heartbeat(), (heartbeat) => ({ heartbeat }), 'heartbeatError'),
  // The answer is applied at once; heartbeat.changed brings the same to every window.
  async setHeartbeat(input) {
    set({ heartbeat: await client().kuma.setHeartbeat(input), heartbeatError: null });
  },
  async sendHeartbeat() {
    set({ heartbeat: await client().kuma.sendHeartbeat(), heartbeatError: null });
  },
});
