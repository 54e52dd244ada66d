import type { ContainerInfo } from '../../../../shared/contract';

/** The Logs tab of a container's detail page (placeholder until it lands). */
export function LogsTab({ container }: { container: ContainerInfo }) {
  return <p className="muted detail-placeholder">Logs for {container.name} are not available yet.</p>;
}
