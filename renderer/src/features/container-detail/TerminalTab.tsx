import type { ContainerInfo } from '../../../../shared/contract';

/** The Terminal tab of a container's detail page (placeholder until it lands). */
export function TerminalTab({ container }: { container: ContainerInfo }) {
  return <p className="muted detail-placeholder">Terminal for {container.name} are not available yet.</p>;
}
