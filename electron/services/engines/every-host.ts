import { HomeportError, type ErrorInfo, type HostId } from '../../../shared/contract';
import type { EngineHub } from './engine-hub';

function errorInfo(e: unknown): ErrorInfo {
  if (e instanceof HomeportError) return e.toInfo();
  return { code: 'INTERNAL', message: `Unexpected error: ${e instanceof Error ? e.message : String(e)}`, fix: 'This is a bug; the log has details.' };
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
