import { BUG_FIX, errorText, toErrorInfo, type ErrorInfo, type HostId } from '../../../shared/contract';
import type { EngineHub } from './engine-hub';

function errorInfo(e: unknown): ErrorInfo {
  return toErrorInfo(e, { message: (x) => `Unexpected error: ${errorText(x)}`, fix: BUG_FIX });
}

/** Lists every host at once; a host that cannot answer gets its error instead of a list. */
export async function listEveryHost<T>(hub: EngineHub, list: (hostId: HostId) => Promise<T[]>): Promise<Array<{ hostId: HostId; items: T[]; error: ErrorInfo | null }>> {
  return Promise.all(
    hub.hostIds().map(async (hostId) => {
      try {
        return { hostId, items: await list(hostId), error: null };
      } catch (e) {
        return { hostId, items: [] as T[], error: errorInfo(e) };
      }
    }),
  );
}
