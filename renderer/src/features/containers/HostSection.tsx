import { Fragment, useId } from 'react';
import type { ContainerInfo, HostInfo } from '../../../../shared/contract';
import { HostStateBadge } from '../../components/HostStateBadge';
import { Spinner } from '../../components/Spinner';
import { appStore, useApp } from '../../store';
import type { HostGroup } from './container-model';
import { HostNotes } from './HostNotes';
import { ListGap } from './ListGap';
import type { ListItem, SectionSlot } from './list-layout';
import { ProjectGroupView } from './ProjectGroup';
import type { StatsById } from './use-list-stats';

/**
 * One host: its name, address, state and counts, what it has to say, then its project groups —
 * those of its items that are drawn (`slot`), with space standing for the others.
 */
export function HostSection({
  slot,
  group,
  items,
  stats,
  tabRow,
  measure,
  onRowFocus,
  onRemove,
}: {
  slot: SectionSlot;
  group: HostGroup;
  items: readonly ListItem[];
  stats: StatsById | undefined;
  tabRow: string | null;
  measure(el: HTMLElement | null): void;
  onRowFocus(key: string): void;
  onRemove(c: ContainerInfo): void;
}) {
  const { host, info } = group;
  const headingId = useId();
  const running = info?.containers.filter((c) => c.state === 'running').length ?? 0;
  return (
    <section className="host-section" data-testid="host-section" data-host={host.name} aria-labelledby={headingId}>
      <div data-index={slot.index} ref={measure}>
        <header className="host-header">
          <h2 id={headingId} title={host.name}>
            {host.name}
          </h2>
          <span className="host-address mono" title={host.kind === 'local' ? host.socketPath : host.address}>
            {host.kind === 'local' ? host.socketPath : host.address}
          </span>
          <HostStateBadge state={host.state} />
          <span className="spacer" />
          {info && info.containers.length > 0 && (
            <span className="count-summary">
              {running} running / {info.containers.length}
            </span>
          )}
          <HostSectionActions host={host} />
        </header>
        <HostNotes host={host} info={info} />
      </div>
      {slot.projects.map((p) => {
        const item = items[p.index] as Extract<ListItem, { kind: 'project' }>;
        return (
          <Fragment key={item.key}>
            <ListGap height={p.gapBefore} />
            <ProjectGroupView host={host} item={item} slot={p} items={items} stats={stats} tabRow={tabRow} measure={measure} onRowFocus={onRowFocus} onRemove={onRemove} />
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
