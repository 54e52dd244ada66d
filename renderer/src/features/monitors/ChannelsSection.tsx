import { useState } from 'react';
import type { AlertSettingsInfo, ChannelInfo, ErrorInfo } from '../../../../shared/contract';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { appStore } from '../../store';
import { toErrorInfo } from '../../lib/errors';
import { CHANNEL_LABELS } from './channel-forms';
import { ChannelDialog } from './ChannelDialog';
import { removeChannel, setDefaultChannels, testChannel } from './api';

type TestResult = { state: 'sending' } | { state: 'ok'; at: number } | { state: 'failed'; message: string; fix?: string };

/**
 * Where alerts go. Default channels get the alerts of every monitor without its own routing (a
 * monitor's detail chooses its own). Each channel can be tested; the result says what happened.
 */
export function ChannelsSection({
  channels,
  settings,
  error,
  onChanged,
}: {
  channels: ChannelInfo[] | null;
  settings: AlertSettingsInfo | null;
  /** Why the channels could not be read. */
  error: ErrorInfo | null;
  onChanged(): void;
}) {
  const [dialog, setDialog] = useState<{ channel?: ChannelInfo } | null>(null);
  const [removing, setRemoving] = useState<ChannelInfo | null>(null);
  const [tested, setTested] = useState<Record<string, TestResult>>({});
  const defaults = new Set(settings?.defaultChannelIds ?? []);

  const test = (c: ChannelInfo) => {
    setTested((t) => ({ ...t, [c.id]: { state: 'sending' } }));
    testChannel({ id: c.id })
      .then(
        () => setTested((t) => ({ ...t, [c.id]: { state: 'ok', at: Date.now() } })),
        (e: unknown) => {
          const info = toErrorInfo(e);
          setTested((t) => ({ ...t, [c.id]: { state: 'failed', message: info.message, ...(info.fix ? { fix: info.fix } : {}) } }));
        },
      );
  };
  const toggleDefault = (c: ChannelInfo, on: boolean) => {
    const next = on ? [...defaults, c.id] : [...defaults].filter((x) => x !== c.id);
    setDefaultChannels({ channelIds: next })
      .then(onChanged, (e: unknown) => appStore.getState().toastError('Could not change the default channels', e));
  };

  return (
    <section className="channels panel-section" aria-label="Channels" data-testid="channels">
      <header className="section-header">
        <h2>Channels</h2>
        <button type="button" className="button button-small" onClick={() => setDialog({})}>
          Add channel
        </button>
      </header>
      {error && <ErrorMessage error={error} title="Could not read the channels and alert settings" />}
      {channels === null ? (
        !error && <p className="muted">Loading channels…</p>
      ) : channels.length === 0 ? (
        <p className="muted" data-testid="channels-empty">
          No channels: alerts are shown in this app only. Add ntfy, a webhook, Discord, Slack, Telegram, Gotify or e-mail to be told on your phone.
        </p>
      ) : (
        <ul className="channel-list">
          {channels.map((c) => {
            const r = tested[c.id];
            return (
              <li key={c.id} className="channel-row" data-testid="channel-row" data-name={c.name}>
                <div className="channel-main">
                  <strong>{c.name}</strong>
                  <span className="muted">
                    {CHANNEL_LABELS[c.type]} · {c.target}
                    {!c.enabled && ' · disabled'}
                  </span>
                </div>
                <label className="checkbox-field channel-default" title="Alerts of every monitor without its own channels go here">
                  <input type="checkbox" checked={defaults.has(c.id)} onChange={(e) => toggleDefault(c, e.target.checked)} /> Default
                </label>
                <div className="channel-actions">
                  <button type="button" className="button button-small" disabled={r?.state === 'sending'} onClick={() => test(c)}>
                    Test
                  </button>
                  <button type="button" className="button button-small" onClick={() => setDialog({ channel: c })}>
                    Edit
                  </button>
                  <button type="button" className="button button-small" onClick={() => setRemoving(c)}>
                    Remove
                  </button>
                </div>
                {r && (
                  <p role="status" className={`channel-test channel-test-${r.state}`}>
                    {r.state === 'sending' ? 'Sending…' : r.state === 'ok' ? 'Test sent' : `Test failed: ${r.message}${r.fix ? ` ${r.fix}` : ''}`}
                  </p>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {dialog && <ChannelDialog {...(dialog.channel ? { channel: dialog.channel } : {})} onClose={() => setDialog(null)} onSaved={onChanged} />}
      {removing && (
        <ConfirmDialog
          title={`Remove the channel ${removing.name}?`}
          confirmLabel="Remove"
          danger
          onCancel={() => setRemoving(null)}
          onConfirm={async () => {
            try {
              await removeChannel({ id: removing.id });
              onChanged();
            } catch (e) {
              appStore.getState().toastError('Could not remove the channel', e);
            }
            setRemoving(null);
          }}
        >
          <p>Monitors routed to it lose it; its stored secrets are deleted.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
