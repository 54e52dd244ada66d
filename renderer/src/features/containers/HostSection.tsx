import { Fragment, useId } from 'react';
import type { HostInfo } from '../../../../shared/contract';
import { HostHeader } from '../../components/HostHeader';
import { Spinner } from '../../components/Spinner';
import { appStore, useApp } from '../../store';
import type { HostGroup } from './container-model';
import { HostNotes } from './HostNotes';
import { ListGap } from './ListGap';
import type { ListDrawing, ListItem, SectionSlot } from './list-layout';
import { ProjectGroupView } from './ProjectGroup';
import type { StatsById } from './use-list-stats';

/**
 * One host: its name, address, state and counts, what it has to say, then its project groups —
 * those of its items that are drawn (`slot`), with space standing for the others.
 */
export function HostSection({ slot, group, stats, draw }: { slot: SectionSlot; group: HostGroup; stats: StatsById | undefined; draw: ListDrawing }) {
  const { host, info } = group;
  const headingId = useId();
  const running = info?.containers.filter((c) => c.state === 'running').length ?? 0;
  return (
    <section className="host-section" data-testid="host-section" data-host={host.name} aria-labelledby={headingId}>
      <div data-index={slot.index} ref={draw.measure}>
        <HostHeader host={host} headingId={headingId}>
          {info && info.containers.length > 0 && (
            <span className="count-summary">
              {running} running / {info.containers.length}
            </span>
          )}
          <HostSectionActions host={host} />
        </HostHeader>
        <HostNotes host={host} info={info} />
      </div>
      {slot.projects.map((p) => {
        const item = draw.items[p.index] as Extract<ListItem, { kind: 'project' }>;
        return (
          <Fragment key={item.key}>
            <ListGap height={p.gapBefore} />
            <ProjectGroupView host={host} item={item} slot={p} stats={stats} draw={draw} />
          </Fragment>
        );
      })}
      <ListGap height={slot.gapAtEnd} />
    </section>
  );
}

/** Connect, or verify the host key: what the user can do about a host that is not connected. */
function HostSectionActions({ host }: { host: HostInfo }) {
  const busy = useApp((s) => s.hostBusy[host.id]);
  const s = host.state;
  if (s.status === 'needs-hostkey') {
    return (
      <button type="button" className="button button-small" onClick={() => appStore.getState().reviewHostKey(host.id)}>
        Verify host key…
      </button>
    );
  }
  if (s.status === 'disconnected' || s.status === 'failed') {
    return (
      <button
        type="button"
        className="button button-small"
        disabled={!!busy}
        aria-label={`Connect ${host.name}`}
        onClick={() => void appStore.getState().connectHost(host.id)}
      >
        {busy === 'connect' && <Spinner />}
        Connect
      </button>
    );
  }
  return null;
}
