import { useCallback, useEffect, useState } from 'react';
import type { ErrorInfo, MonitorSuggestionInfo } from '../../../../shared/contract';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Spinner } from '../../components/Spinner';
import { appStore, useApp } from '../../store';
import { toErrorInfo } from '../../lib/errors';
import { addMonitor, addSuggestedMonitor, monitorSuggestions } from './api';

/**
 * Monitors Homeport proposes: a container monitor for every running container without one, an
 * HTTP monitor for every published port, and what containers declare with homeport.monitor.*
 * labels (added only here, when the user approves; a declaration that points beyond its own
 * container is shown with the reason, without an Add). One click adds one; the list refreshes
 * with the monitors.
 */
export function SuggestionsPanel({ monitorsVersion, onAdded }: { monitorsVersion: unknown; onAdded(): void }) {
  const [list, setList] = useState<MonitorSuggestionInfo[] | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [busy, setBusy] = useState<Record<string, boolean>>({});
  const [open, setOpen] = useState(true);
  // Containers come and go (and hosts connect): the suggestions follow the store's lists.
  const containers = useApp((s) => s.containers);

  const reload = useCallback(async () => {
    try {
      setList(await monitorSuggestions());
      setError(null);
    } catch (e) {
      setError(toErrorInfo(e));
    }
  }, []);
  useEffect(() => {
    const t = setTimeout(() => void reload(), 300);
    return () => clearTimeout(t);
  }, [reload, monitorsVersion, containers]);

  const add = async (s: MonitorSuggestionInfo) => {
    setBusy((b) => ({ ...b, [s.key]: true }));
    try {
      // A label declaration is added as the services read it now, owned by the container's labels.
      const m = s.kind === 'label' ? await addSuggestedMonitor({ key: s.key }) : await addMonitor(s.input);
      appStore.getState().pushToast({ tone: 'success', title: `Added ${m.name}` });
      onAdded();
      await reload();
    } catch (e) {
      appStore.getState().toastError('Could not add the monitor', e);
    } finally {
      setBusy((b) => ({ ...b, [s.key]: false }));
    }
  };

  if (!error && (list === null || list.length === 0)) return null;
  return (
    <section aria-label="Suggestions" data-testid="monitor-suggestions" style={{ marginTop: 16 }}>
      <header style={{ display: 'flex', gap: 12, alignItems: 'center' }}>
        <h2 style={{ margin: 0 }}>Suggestions</h2>
        {list && <span className="muted">{list.length} {list.length === 1 ? 'service' : 'services'} without a monitor</span>}
        <button type="button" className="button button-small" aria-expanded={open} onClick={() => setOpen((o) => !o)} style={{ marginLeft: 'auto' }}>
          {open ? 'Hide' : 'Show'}
        </button>
      </header>
      {error && <ErrorMessage error={error} title="Could not load the suggestions" />}
      {open && list && (
        <ul className="suggestions" style={{ listStyle: 'none', padding: 0, margin: '8px 0', display: 'grid', gap: 6 }}>
          {list.map((s) => (
            <li key={s.key} data-testid="suggestion" data-key={s.key} data-kind={s.kind} style={{ display: 'flex', gap: 12, alignItems: 'center' }}>
              <span className="badge">{s.kind === 'container' ? 'Container' : s.kind === 'label' ? 'Label' : 'HTTP'}</span>
              <span className="suggestion-text" title={s.reason}>
                {s.reason}
              </span>
              {s.input.type === 'http' && (
                <span className="mono muted suggestion-text" title={s.input.url}>
                  {s.input.url}
                </span>
              )}
              {s.input.type === 'tcp' && <span className="mono muted">{`${s.input.host}:${s.input.port}`}</span>}
              {s.problem ? (
                <span className="error-text" role="note" data-testid="suggestion-problem" style={{ marginLeft: 'auto' }}>
                  Refused: {s.problem}
                </span>
              ) : (
                <button type="button" className="button button-small" style={{ marginLeft: 'auto' }} disabled={busy[s.key]} onClick={() => void add(s)} aria-label={`Add monitor: ${s.input.name}`}>
                  {busy[s.key] && <Spinner />}
                  Add
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
