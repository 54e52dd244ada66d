import { Fragment, useId } from 'react';
import type { HostInfo } from '../../../../shared/contract';
import { ChevronIcon } from '../../components/icons';
import { appStore } from '../../store';
import { projectKey } from './container-model';
import { ContainerRow } from './ContainerRow';
import { ListGap } from './ListGap';
import type { ListDrawing, ListItem, ProjectSlot } from './list-layout';
import type { StatsById } from './use-list-stats';

/**
 * A compose project (or the host's standalone containers): a header that collapses it, then those
 * of its rows that are drawn (`slot`), with space standing for the others.
 */
export function ProjectGroupView({
  host,
  item,
  slot,
  stats,
  draw,
}: {
  host: HostInfo;
  item: Extract<ListItem, { kind: 'project' }>;
  slot: ProjectSlot;
  stats: StatsById | undefined;
  draw: ListDrawing;
}) {
  // While filtering, matches are shown even in collapsed groups: `open` says so.
  const { group, open } = item;
  const tableId = useId();
  return (
    <div className="project-group" data-testid="project-group" data-project={group.label} data-standalone={group.project === null || undefined} data-first={item.first || undefined}>
      <button
        type="button"
        className="project-header"
        data-index={slot.index}
        ref={draw.measure}
        aria-expanded={open}
        aria-controls={open ? tableId : undefined}
        onClick={() => appStore.getState().toggleCollapsed(projectKey(host.id, group.key))}
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
        // Explicit roles: the rows are laid out as CSS grid, which can cost tables their implicit
        // semantics. The row count and indexes tell assistive technology about the rows not drawn.
        <table role="table" className="container-table" id={tableId} aria-label={`${group.label} on ${host.name}`} aria-rowcount={group.containers.length + 1}>
          <thead className="sr-only" role="rowgroup">
            <tr role="row" aria-rowindex={1}>
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
            {slot.rows.map((r) => {
              const row = draw.items[r.index] as Extract<ListItem, { kind: 'row' }>;
              const c = row.container;
              return (
                <Fragment key={row.key}>
                  <ListGap height={r.gapBefore} row />
                  <ContainerRow
                    container={c}
                    sample={stats?.[c.id] ?? null}
                    rowKey={row.key}
                    index={r.index}
                    position={row.position}
                    tabbable={draw.tabRow === row.key}
                    measure={draw.measure}
                    onFocus={draw.onRowFocus}
                    onRemove={draw.onRemove}
                  />
                </Fragment>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}
