import type { ContainerInfo } from '../../../../shared/contract';

/** The Stats tab of a container's detail page (placeholder until it lands). */
export function StatsTab({ container }: { container: ContainerInfo }) {
  return <p className="muted detail-placeholder">Stats for {container.name} are not available yet.</p>;
}
