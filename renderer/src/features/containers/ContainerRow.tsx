import { memo } from 'react';
import type { ContainerInfo, ContainerStatsSampleInfo } from '../../../../shared/contract';
import { PlayIcon, RestartIcon, StopIcon, TrashIcon } from '../../components/icons';
import { Spinner } from '../../components/Spinner';
import { StateDot } from '../../components/StateBadge';
import { useClock } from '../../components/use-now';
import { appStore, useApp } from '../../store';
import { formatBytesShort, formatMemory, formatPercent } from '../../lib/format';
import { availableActions, containerStateLabel, containerStateTone, formatPorts, liveStatus, splitImage } from './container-model';

/** One container: name (opens its page), image, state, CPU and memory, status, ports, actions. */
export const ContainerRow = memo(function ContainerRow({
  container: c,
  sample,
  rowKey,
  index,
  position,
  tabbable,
  measure,
  onFocus,
  onRemove,
}: {
  container: ContainerInfo;
  sample: ContainerStatsSampleInfo | null;
  rowKey: string;
  /** The row's place among the list's items (to measure it), and in its project's table. */
  index: number;
  position: number;
  tabbable: boolean;
  measure(el: HTMLElement | null): void;
  onFocus(key: string): void;
  onRemove(c: ContainerInfo): void;
}) {
  const busy = useApp((s) => s.containerBusy[rowKey]);
  const can = availableActions(c.state);
  const ports = formatPorts(c.ports);
  const ref = { hostId: c.hostId, containerId: c.id, name: c.name };
  const run = (action: 'start' | 'stop' | 'restart') => void appStore.getState().runContainerAction(ref, action);
  const tone = containerStateTone(c.state);
  return (
    <tr
      ref={measure}
      data-index={index}
      role="row"
      aria-rowindex={position + 2}
      className="container-row"
      data-testid="container-row"
      data-name={c.name}
      data-state={c.state}
      data-host-id={c.hostId}
      data-container-id={c.id}
      data-busy={busy ?? undefined}
      aria-busy={busy ? true : undefined}
      tabIndex={tabbable ? 0 : -1}
      onFocus={() => onFocus(rowKey)}
    >
      <td role="cell" className="cell-name">
        <StateDot tone={tone} />
        <button
          type="button"
          className="name link-button"
          aria-label={`Open ${c.name}`}
          title={`Open ${c.name}: logs, terminal, stats, inspect (Enter)`}
          tabIndex={-1}
          onClick={() => appStore.getState().openDetail({ hostId: c.hostId, containerId: c.id })}
        >
          {c.name}
        </button>
      </td>
      <ImageCell image={c.image} />
      <td role="cell" className={`cell-state text-${tone}`}>{containerStateLabel(c.state)}</td>
      <td role="cell" className="cell-num cell-cpu" data-testid="cell-cpu">
        {c.state === 'running' && sample ? formatPercent(sample.cpuPercent) : <span className="muted">—</span>}
      </td>
      <td role="cell" className="cell-num cell-mem" data-testid="cell-mem" title={sample && c.state === 'running' ? formatMemory(sample.memBytes, sample.memLimit) : undefined}>
        {c.state === 'running' && sample ? formatBytesShort(sample.memBytes) : <span className="muted">—</span>}
      </td>
      <LiveStatusCell container={c} />
      <td role="cell" className="cell-ports mono" title={ports.join('\n')}>
        {ports.length === 0 ? <span className="muted">—</span> : ports.map((p) => <span key={p} className="port">{p}</span>)}
      </td>
      <td role="cell" className="cell-actions">
        <span className="row-spinner">{busy && <Spinner label={`${busy === 'stop' ? 'Stopping' : busy === 'start' ? 'Starting' : busy === 'restart' ? 'Restarting' : 'Removing'} ${c.name}`} />}</span>
        <button type="button" className="icon-button" aria-label={`Start ${c.name}`} title="Start" disabled={!!busy || !can.start} onClick={() => run('start')}>
          <PlayIcon />
        </button>
        <button type="button" className="icon-button" aria-label={`Stop ${c.name}`} title="Stop" disabled={!!busy || !can.stop} onClick={() => run('stop')}>
          <StopIcon />
        </button>
        <button type="button" className="icon-button" aria-label={`Restart ${c.name}`} title="Restart" disabled={!!busy || !can.restart} onClick={() => run('restart')}>
          <RestartIcon />
        </button>
        <button type="button" className="icon-button icon-danger" aria-label={`Remove ${c.name}`} title="Remove" disabled={!!busy || !can.remove} onClick={() => onRemove(c)}>
          <TrashIcon />
        </button>
      </td>
    </tr>
  );
});

/** The image, with its tag always in view: a narrow column cuts the repository short, not the tag. */
function ImageCell({ image }: { image: string }) {
  const { repo, tag } = splitImage(image);
  return (
    <td role="cell" className="cell-image" title={image}>
      <span className="image-ref">
        <span className="image-repo">{repo}</span>
        {tag && (
          <span className="image-tag" data-testid="image-tag">
            {tag}
          </span>
        )}
      </span>
    </td>
  );
}

/** STATUS ages on screen: written again every second from the run's times (see liveStatus). */
function LiveStatusCell({ container: c }: { container: ContainerInfo }) {
  const now = useClock();
  const text = liveStatus(c, now);
  return (
    <td role="cell" className="cell-status" title={text}>
      {text}
    </td>
  );
}
