import { useId } from 'react';
import type { ContainerInfo, ContainerStatsSampleInfo, HostInfo } from '../../../../shared/contract';
import { ChevronIcon } from '../../components/icons';
import { appStore, useApp } from '../../store';
import { containerKey, projectKey, type ProjectGroup } from './container-model';
import { ContainerRow } from './ContainerRow';

/** Samples by container id; a container missing from the latest round is dropped. */
export type StatsById = Record<string, ContainerStatsSampleInfo>;

/** A compose project (or the host's standalone containers): a header that collapses it, then its rows. */
export function ProjectGroupView({
  host,
  group,
  filtering,
  stats,
  tabRow,
  onRowFocus,
  onRemove,
}: {
  host: HostInfo;
  group: ProjectGroup;
  filtering: boolean;
  stats: StatsById;
  tabRow: string | null;
  onRowFocus(key: string): void;
  onRemove(c: ContainerInfo): void;
}) {
  const key = projectKey(host.id, group.key);
  const collapsedFlag = useApp((s) => !!s.collapsed[key]);
  // While filtering, matches are shown even in collapsed groups.
  const open = filtering || !collapsedFlag;
  const tableId = useId();
  return (
    <div className="project-group" data-testid="project-group" data-project={group.label} data-standalone={group.project === null || undefined}>
      <button
        type="button"
        className="project-header"
        aria-expanded={open}
        aria-controls={open ? tableId : undefined}
        onClick={() => appStore.getState().toggleCollapsed(key)}
      >
        <ChevronIcon open={open} />
        <span className={group.project === null ? 'project-name standalone' : 'project-name'} title={group.label}>
          {group.label}
        </span>
        <span className="count-summary">
          {group.running} running / {group.total}
        </span>
      </button>
      {open && (
        // Explicit roles: the rows are laid out as CSS grid, which can cost tables their implicit semantics.
        <table role="table" className="container-table" id={tableId} aria-label={`${group.label} on ${host.name}`}>
          <thead className="sr-only" role="rowgroup">
            <tr role="row">
              <th role="columnheader" scope="col">Name</th>
              <th role="columnheader" scope="col">Image</th>
              <th role="columnheader" scope="col">State</th>
              <th role="columnheader" scope="col" className="col-cpu">CPU</th>
              <th role="columnheader" scope="col" className="col-mem">Memory</th>
              <th role="columnheader" scope="col">Status</th>
              <th role="columnheader" scope="col" className="col-ports">Ports</th>
              <th role="columnheader" scope="col">Actions</th>
            </tr>
          </thead>
          <tbody role="rowgroup">
            {group.containers.map((c) => {
              const k = containerKey(c.hostId, c.id);
              return <ContainerRow key={k} container={c} sample={stats[c.id] ?? null} rowKey={k} tabbable={tabRow === k} onFocus={onRowFocus} onRemove={onRemove} />;
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}
