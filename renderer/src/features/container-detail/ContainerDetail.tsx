import { useEffect, useRef, type KeyboardEvent } from 'react';
import type { ContainerInfo } from '../../../../shared/contract';
import { BackButton } from '../../components/BackButton';
import { EmptyState } from '../../components/EmptyState';
import { StateDot } from '../../components/StateBadge';
import { appStore, useApp, type DetailState, type DetailTab } from '../../store';
import { containerStateLabel, containerStateTone } from '../containers';
import { InspectTab } from './InspectTab';
import { LogsTab } from './LogsTab';
import { StatsTab } from './StatsTab';
import { TerminalTab } from './TerminalTab';
import { UpgradeBanner, UpgradeButton } from '../upgrade';
import './container-detail.css';

const TABS: { tab: DetailTab; label: string }[] = [
  { tab: 'logs', label: 'Logs' },
  { tab: 'terminal', label: 'Terminal' },
  { tab: 'stats', label: 'Stats' },
  { tab: 'inspect', label: 'Inspect' },
];

/** One container: logs, terminal, stats and inspect, as tabs (Escape or Back returns to the list). */
export function ContainerDetail({ detail }: { detail: DetailState }) {
  const container = useApp((s) => s.containers[detail.hostId]?.containers.find((c) => c.id === detail.containerId) ?? null);
  const hostName = useApp((s) => s.hosts.find((h) => h.id === detail.hostId)?.name ?? '');
  const tabsRef = useRef<HTMLDivElement>(null);

  // Escape goes back to the list, unless a dialog is open or a terminal has the keyboard.
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      if (document.querySelector('[aria-modal="true"]')) return;
      if ((e.target as HTMLElement | null)?.closest?.('.xterm')) return;
      appStore.getState().closeDetail();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  // The page replaced the list (and the row that had the keyboard): the keyboard goes to the tabs,
  // where ←/→ switch them. A tab that takes the keyboard itself (the terminal) does so after this.
  const hasContainer = container !== null;
  useEffect(() => {
    if (!hasContainer) return;
    const active = document.activeElement;
    if (active && active !== document.body && tabsRef.current?.closest('[data-testid="container-detail"]')?.contains(active)) return;
    tabsRef.current?.querySelector<HTMLButtonElement>('[aria-selected="true"]')?.focus();
  }, [hasContainer, detail.hostId, detail.containerId]);

  const onTabsKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
    const i = TABS.findIndex((t) => t.tab === detail.tab);
    const next = TABS[(i + (e.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length]!;
    e.preventDefault();
    appStore.getState().setDetailTab(next.tab);
    tabsRef.current?.querySelector<HTMLButtonElement>(`[data-tab="${next.tab}"]`)?.focus();
  };

  return (
    <section className="view container-detail" aria-labelledby="detail-title" data-testid="container-detail">
      <header className="view-header">
        <BackButton label="Back to containers" onClick={() => appStore.getState().closeDetail()} />
        <h1 className="view-title" id="detail-title" title={container?.name}>
          {container ? (
            <>
              <StateDot tone={containerStateTone(container.state)} /> {container.name}
            </>
          ) : (
            'Container'
          )}
        </h1>
        {container && (
          <span className="view-summary">
            {containerStateLabel(container.state)} · {container.image} · {hostName}
          </span>
        )}
        {container && <UpgradeButton container={container} />}
      </header>
      {container && <UpgradeBanner container={container} />}
      {container ? (
        <>
          <div className="detail-tabs" role="tablist" aria-label="Container detail" ref={tabsRef} onKeyDown={onTabsKey}>
            {TABS.map((t) => (
              <button
                key={t.tab}
                type="button"
                role="tab"
                data-tab={t.tab}
                id={`detail-tab-${t.tab}`}
                aria-selected={detail.tab === t.tab}
                aria-controls="detail-panel"
                tabIndex={detail.tab === t.tab ? 0 : -1}
                className={`detail-tab${detail.tab === t.tab ? ' active' : ''}`}
                onClick={() => appStore.getState().setDetailTab(t.tab)}
              >
                {t.label}
              </button>
            ))}
          </div>
          <div className="detail-panel" role="tabpanel" id="detail-panel" aria-labelledby={`detail-tab-${detail.tab}`}>
            <DetailPanel tab={detail.tab} container={container} />
          </div>
        </>
      ) : (
        <div className="view-body">
          <EmptyState testId="detail-gone" title="This container is gone">
            It was removed, or its host is not connected.
          </EmptyState>
        </div>
      )}
    </section>
  );
}

function DetailPanel({ tab, container }: { tab: DetailTab; container: ContainerInfo }) {
  // Keyed by container, so switching containers starts each tab afresh.
  const key = `${container.hostId}/${container.id}`;
  if (tab === 'logs') return <LogsTab key={key} container={container} />;
  if (tab === 'terminal') return <TerminalTab key={key} container={container} />;
  if (tab === 'stats') return <StatsTab key={key} container={container} />;
  return <InspectTab key={key} container={container} />;
}
