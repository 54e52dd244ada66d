import type { HostId } from '../../../shared/contract';

/** A container's key in the store's maps (busy actions, the list's rows): `hostId/containerId`. */
export function containerKey(hostId: HostId, containerId: string): string {
  return `${hostId}/${containerId}`;
}

/** A compose project's key in the store's maps (its runs). */
export const stackKey = (hostId: HostId, project: string) => `${hostId}\u0000${project}`;
