import type { ContainerInfo } from '../../../../shared/contract';

/** The Inspect tab of a container's detail page (placeholder until it lands). */
export function InspectTab({ container }: { container: ContainerInfo }) {
  return <p className="muted detail-placeholder">Inspect for {container.name} are not available yet.</p>;
}
