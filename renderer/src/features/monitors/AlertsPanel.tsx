import { useEffect, useMemo } from 'react';
import type { AlertInfo, MonitorId, MonitorInfo } from '../../../../shared/contract';
import { formatAge } from '../../lib/format';
import { alertTone, appStore, useApp } from '../../store';

const TONE_CLASS = { error: 'tone-error', warning: 'tone-warn', success: 'tone-ok', info: 'tone-busy' } as const;

/**
 * The last 50 alerts, newest first: the services keep them across restarts
 * (`monitors.recentAlerts`), and alerts arriving while the app is open are added live.
 */
export function AlertsPanel({ monitors, onOpen }: { monitors: MonitorInfo[]; onOpen(id: MonitorId): void }) {
  const { stored, loadError, live } = useApp((s) => ({ stored: s.recentAlerts, loadError: s.recentAlertsError, live: s.liveAlerts }));
  const error = loadError?.message ?? null;
  useEffect(() => {
    void appStore.getState().loadRecentAlerts();
  }, []);
  const alerts = useMemo(() => {
    const byId = new Map<string, AlertInfo>();
    for (const a of [...live, ...(stored ?? [])]) if (!byId.has(a.id + a.at)) byId.set(a.id + a.at, a);
    return [...byId.values()].sort((a, b) => b.at - a.at).slice(0, 50);
  }, [live, stored]);
  const names = new Map(monitors.map((m) => [m.id, m.name]));
  return (
    <section className="alerts-panel panel-section" aria-label="Recent alerts" data-testid="recent-alerts">
      <header className="section-header">
        <h2>Recent alerts</h2>
      </header>
      {error && <p className="field-error">Could not load the alerts: {error}</p>}
      {stored === null && !error ? (
        <p className="muted">Loading…</p>
      ) : alerts.length === 0 ? (
        <p className="muted">No alerts yet. When a monitor goes down or comes back, it is listed here.</p>
      ) : (
        <ul className="alert-list">
          {alerts.map((a) => {
            const first = a.monitorIds.find((id) => names.has(id));
            return (
              <li key={a.id + a.at} className="alert-item" data-testid="alert-item" data-kind={a.kind}>
                <span className={`dot ${TONE_CLASS[alertTone(a)]}`} aria-hidden="true" />
                <div className="alert-text">
                  {first ? (
                    <button type="button" className="link-button" onClick={() => onOpen(first)}>
                      {a.title}
                    </button>
                  ) : (
                    <strong>{a.title}</strong>
                  )}
                  <span className="muted" title={new Date(a.at).toLocaleString()}>
                    {formatAge(a.at)}
                  </span>
                  {a.body && <p className="muted">{a.body}</p>}
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
