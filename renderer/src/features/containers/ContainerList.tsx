import type { KeyboardEvent, RefObject } from 'react';
import type { ContainerInfo } from '../../../../shared/contract';
import type { HostGroup } from './container-model';
import { HostSection } from './HostSection';

/** The column headings, then one section per host. */
export function ContainerList({
  listRef,
  groups,
  filtering,
  collapsed,
  tabRow,
  onRowFocus,
  onRemove,
  onKeyDown,
}: {
  listRef: RefObject<HTMLDivElement | null>;
  groups: HostGroup[];
  filtering: boolean;
  collapsed: Partial<Record<string, true>>;
  tabRow: string | null;
  onRowFocus(key: string): void;
  onRemove(c: ContainerInfo): void;
  onKeyDown(e: KeyboardEvent<HTMLDivElement>): void;
}) {
  return (
    <div className="container-list" ref={listRef} onKeyDown={onKeyDown}>
      <div className="container-columns" aria-hidden="true">
        <span>Name</span>
        <span>Image</span>
        <span>State</span>
        <span className="col-num col-cpu">CPU</span>
        <span className="col-num col-mem">Memory</span>
        <span>Status</span>
        <span className="col-ports">Ports</span>
        <span className="col-actions-head">Actions</span>
      </div>
      {groups.map((g) => (
        <HostSection key={g.host.id} group={g} filtering={filtering} collapsed={collapsed} tabRow={tabRow} onRowFocus={onRowFocus} onRemove={onRemove} />
      ))}
    </div>
  );
}
