import { useEffect, useState } from 'react';
import type { ChannelId, ChannelInfo, MonitorId, MonitorRoutingInfo } from '../../../../shared/contract';
import { appStore } from '../../store';
import { toErrorInfo } from '../../lib/errors';
import { setRouting } from './api';

/** Which channels get this monitor's alerts: the default channels, or a chosen set (optionally plus the defaults). */
export function RoutingEditor({ monitorId, routing, channels, defaultIds, onChanged }: { monitorId: MonitorId; routing: MonitorRoutingInfo | null; channels: ChannelInfo[]; defaultIds: ChannelId[]; onChanged(): void }) {
  const [mode, setMode] = useState<'default' | 'chosen'>(routing ? 'chosen' : 'default');
  const [chosen, setChosen] = useState<ChannelId[]>(routing?.channelIds ?? []);
  const [plusDefaults, setPlusDefaults] = useState(routing?.includeDefaults ?? false);
  const [saved, setSaved] = useState<string | null>(null);
  const key = JSON.stringify(routing);
  useEffect(() => {
    setMode(routing ? 'chosen' : 'default');
    setChosen(routing?.channelIds ?? []);
    setPlusDefaults(routing?.includeDefaults ?? false);
  }, [key]);
  const dirty = JSON.stringify(mode === 'default' ? null : { channelIds: chosen, includeDefaults: plusDefaults }) !== key;
  const names = (ids: ChannelId[]) => channels.filter((c) => ids.includes(c.id)).map((c) => c.name);
  const defaultsText = names(defaultIds).join(', ') || 'none';

  const save = async () => {
    try {
      await setRouting({ id: monitorId, routing: mode === 'default' ? null : { channelIds: chosen, includeDefaults: plusDefaults } });
      setSaved('Saved');
      onChanged();
    } catch (e) {
      const info = toErrorInfo(e);
      appStore.getState().pushToast({ tone: 'error', title: 'Could not save where alerts go', message: info.message, ...(info.fix ? { fix: info.fix } : {}) });
    }
  };

  if (channels.length === 0) return <p className="muted">No channels yet: alerts appear in this app only. Add a channel below.</p>;
  return (
    <fieldset className="routing" data-testid="routing">
      <legend>Send this monitor’s alerts to</legend>
      <label className="checkbox-field">
        <input type="radio" name={`route-${monitorId}`} checked={mode === 'default'} onChange={() => setMode('default')} /> The default channels ({defaultsText})
      </label>
      <label className="checkbox-field">
        <input type="radio" name={`route-${monitorId}`} checked={mode === 'chosen'} onChange={() => setMode('chosen')} /> These channels:
      </label>
      <div className="routing-choices" aria-disabled={mode !== 'chosen'}>
        {channels.map((c) => (
          <label key={c.id} className="checkbox-field">
            <input
              type="checkbox"
              disabled={mode !== 'chosen'}
              checked={chosen.includes(c.id)}
              onChange={(e) => setChosen((ids) => (e.target.checked ? [...ids, c.id] : ids.filter((x) => x !== c.id)))}
            />{' '}
            {c.name}
          </label>
        ))}
        <label className="checkbox-field">
          <input type="checkbox" disabled={mode !== 'chosen'} checked={plusDefaults} onChange={(e) => setPlusDefaults(e.target.checked)} /> and the default channels
        </label>
      </div>
      {mode === 'chosen' && chosen.length === 0 && !plusDefaults && <p className="field-hint">No channel chosen: this monitor’s alerts will appear in this app only.</p>}
      <div className="button-row">
        <button type="button" className="button button-small" disabled={!dirty} onClick={() => void save()}>
          Save routing
        </button>
        {saved && !dirty && (
          <span role="status" className="muted">
            {saved}
          </span>
        )}
      </div>
    </fieldset>
  );
}
