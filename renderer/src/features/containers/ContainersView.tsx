import { EmptyState } from '../../components/EmptyState';
import { ErrorMessage } from '../../components/ErrorMessage';
import { NoHostsYet } from '../../components/ListView';
import { LoadingNote } from '../../components/Spinner';
import { appStore, loadAll } from '../../store';
import { ContainerList } from './ContainerList';
import { ContainersHeader } from './ContainersHeader';
import { RemoveContainerDialog } from './RemoveContainerDialog';
import { useContainersView } from './use-containers-view';
import './containers.css';

/** Every container on every host, grouped by host and compose project; live from engine events. */
export function ContainersView() {
  const v = useContainersView();

  let body;
  if (!v.hostsLoaded) {
    body = v.loadError ? null : <LoadingNote />;
  } else if (v.hosts.length === 0) {
    body = <NoHostsYet>Homeport reaches your Docker engines over SSH with the keys you already have; nothing is installed on the server.</NoHostsYet>;
  } else if (v.groups.length === 0) {
    body = (
      <EmptyState
        testId="empty-no-match"
        title={`No containers match “${v.filter.trim()}”`}
        action={
          <button type="button" className="button" onClick={() => appStore.getState().setFilter('')}>
            Clear filter
          </button>
        }
      >
        The filter looks at names, images, compose projects, hosts and status.
      </EmptyState>
    );
  } else {
    body = (
      <ContainerList
        listRef={v.listRef}
        scrollRef={v.scrollRef}
        groups={v.groups}
        items={v.items}
        tabRow={v.tabRow}
        tabIndex={v.tabIndex}
        onRowFocus={v.setActiveRow}
        onRemove={v.requestRemove}
        onKeyDown={v.onListKeyDown}
      />
    );
  }

  return (
    <div className="view">
      <ContainersHeader
        summary={v.hostsLoaded && v.hosts.length > 0 ? { ...v.totals, hosts: v.hosts.length } : null}
        filter={v.filter}
        filterRef={v.filterRef}
        onFilterKeyDown={v.onFilterKeyDown}
      />
      <div className="view-body" ref={v.scrollRef}>
        {v.loadError && (
          <div className="load-error">
            <ErrorMessage error={v.loadError} title="Could not load from Homeport's services" />
            <button type="button" className="button" onClick={() => void loadAll()}>
              Retry
            </button>
          </div>
        )}
        {body}
      </div>
      {v.removing && <RemoveContainerDialog container={v.removing} onDone={v.doneRemoving} />}
    </div>
  );
}
