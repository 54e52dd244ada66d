import type { ContainerInfo } from '../../../../shared/contract';
import { EmptyState } from '../../components/EmptyState';
import { Terminal } from '../../components/Terminal';
import { appStore, useApp } from '../../store';

/** The Terminal tab of a container's detail page: a shell (bash, else sh) in the running container. */
export function TerminalTab({ container }: { container: ContainerInfo }) {
  const busy = useApp((s) => s.containerBusy[`${container.hostId}/${container.id}`]);
  if (container.state !== 'running') {
    return (
      <EmptyState
        testId="terminal-not-running"
        title={container.state === 'paused' ? 'The container is paused' : 'The container is not running'}
        action={
          container.state !== 'paused' && (
            <button
              type="button"
              className="button button-primary"
              disabled={!!busy}
              onClick={() => void appStore.getState().runContainerAction({ hostId: container.hostId, containerId: container.id, name: container.name }, 'start')}
            >
              Start {container.name}
            </button>
          )
        }
      >
        A terminal runs a shell inside the container, so the container must be running. The terminal opens here as soon as it is.
      </EmptyState>
    );
  }
  return <Terminal target={{ kind: 'container.exec', hostId: container.hostId, containerId: container.id }} label={`Shell in ${container.name}`} />;
}
