import { useEffect, useState } from 'react';
import type { KumaAddInput, KumaInstanceInfo, KumaMode, KumaMonitorInfo } from '../../../../shared/contract';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { CheckboxField, NumberField, PasswordField, SelectField, TextField } from '../../components/fields';
import { Form, FormDialog } from '../../components/FormDialog';
import { Spinner } from '../../components/Spinner';
import { StateDot, type Tone } from '../../components/StateBadge';
import { useNow } from '../../components/use-now';
import { useSubmit } from '../../components/use-submit';
import { appStore, useApp } from '../../store';
import { formatAge } from '../../lib/format';
import { formatDuration } from './monitors-ui';
import { addKuma, pauseKumaMonitor, removeKuma, resumeKumaMonitor } from './api';

const STATUS_TONE: Record<KumaMonitorInfo['status'], Tone> = { up: 'ok', down: 'error', pending: 'warn', maintenance: 'busy', unknown: 'idle' };
const STATE_LABEL: Record<KumaInstanceInfo['state'], string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting',
  failed: 'Cannot sign in',
  polling: 'Reading',
  stopped: 'Stopped',
};
/** Kuma's incident colours, reduced to the app's three tones. */
const INCIDENT_TONE: Record<string, string> = { danger: 'error', warning: 'warn' };
const MODE_LABEL: Record<KumaMode, string> = { socket: 'signed in', metrics: '/metrics', 'status-page': 'status page' };

const pct = (v: number | null) => (v === null ? '—' : `${(Math.floor(v * 10000) / 100).toFixed(2)} %`);

/** Uptime Kuma instances, mirrored live: their state, the problem with them, and every monitor. */
export function KumaSection() {
  const { list, loaded, error } = useApp((s) => ({ list: s.kuma, loaded: s.kumaLoaded, error: s.kumaError }));
  const instances = loaded ? list : null;
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<KumaInstanceInfo | null>(null);
  const [busy, setBusy] = useState<Record<string, boolean>>({});
  const reload = () => void appStore.getState().loadKuma();
  // Listed again as the section opens; kuma.changed keeps it current (wired once, in the store).
  useEffect(() => {
    void appStore.getState().loadKuma();
  }, []);

  const toggle = async (inst: KumaInstanceInfo, m: KumaMonitorInfo) => {
    const key = `${inst.id}/${m.id}`;
    setBusy((b) => ({ ...b, [key]: true }));
    try {
      if (m.active) await pauseKumaMonitor({ id: inst.id, monitorId: m.id });
      else await resumeKumaMonitor({ id: inst.id, monitorId: m.id });
    } catch (e) {
      appStore.getState().toastError(m.active ? `Could not pause ${m.name}` : `Could not resume ${m.name}`, e);
    } finally {
      setBusy((b) => ({ ...b, [key]: false }));
    }
  };

  return (
    <section className="kuma" aria-labelledby="kuma-title" data-testid="kuma-section">
      <header className="section-header">
        <h2 id="kuma-title">Uptime Kuma</h2>
        <button type="button" className="button button-small" onClick={() => setAdding(true)}>
          Connect Uptime Kuma
        </button>
      </header>
      {error && (
        <div className="load-error">
          <ErrorMessage error={error} title="Could not read the Uptime Kuma instances" />
          <button type="button" className="button" onClick={reload}>
            Retry
          </button>
        </div>
      )}
      {instances === null ? (
        !error && (
          <p className="muted">
            <Spinner /> Loading…
          </p>
        )
      ) : instances.length === 0 ? (
        <p className="muted" data-testid="kuma-empty">
          Already run Uptime Kuma? Connect it: its monitors show up here, their outages reach you through Homeport’s alerts, and Homeport tells you
          when Kuma itself stops reporting.
        </p>
      ) : (
        instances.map((inst) => (
          <div key={inst.id} className="kuma-instance" data-testid="kuma-instance" data-name={inst.name} data-state={inst.state} data-stale={inst.stale}>
            <div className="kuma-instance-header">
              <StateDot tone={inst.problem ? 'error' : inst.state === 'connected' || inst.state === 'polling' ? 'ok' : inst.state === 'failed' ? 'error' : 'warn'} />
              <strong>{inst.name}</strong>
              <span className="muted mono small">{inst.url}</span>
              <span className="badge">{MODE_LABEL[inst.mode]}</span>
              <span className="muted small">
                {STATE_LABEL[inst.state]}
                {inst.version ? ` · ${inst.version}` : ''}
              </span>
              <span className="spacer" />
              <button type="button" className="button button-small" onClick={() => setRemoving(inst)}>
                Remove
              </button>
            </div>
            {inst.problem ? (
              <p className="note-warn" role="status" data-testid="kuma-problem">
                {inst.problem}
              </p>
            ) : (
              inst.stale && inst.monitors.length > 0 && <SilentNote lastDataAt={inst.lastDataAt} />
            )}
            {inst.error && !inst.problem && <ErrorMessage compact error={inst.error} />}
            {inst.warning && (
              <p className="note-warn" data-testid="kuma-warning">
                {inst.warning}
              </p>
            )}
            {inst.incidents.length > 0 && (
              <ul className="kuma-incidents" aria-label={`Incidents pinned on ${inst.name}`}>
                {inst.incidents.map((inc, i) => (
                  <li key={i} className={`kuma-incident kuma-incident-${INCIDENT_TONE[inc.style] ?? 'info'}`} data-testid="kuma-incident" data-style={inc.style}>
                    <strong>{inc.title || 'Incident'}</strong>
                    {inc.content && <span className="kuma-incident-text"> — {inc.content}</span>}
                  </li>
                ))}
              </ul>
            )}
            {inst.monitors.length === 0 ? (
              <p className="muted small">No monitors reported yet.</p>
            ) : (
              <table className="data-table kuma-monitors" aria-label={`Monitors of ${inst.name}`}>
                <thead>
                  <tr>
                    <th scope="col">Monitor</th>
                    <th scope="col">Target</th>
                    <th scope="col">Status</th>
                    <th scope="col">24 h</th>
                    <th scope="col">30 d</th>
                    <th scope="col">Latency</th>
                    <th scope="col">Last beat</th>
                    {inst.canPause && <th scope="col">Actions</th>}
                  </tr>
                </thead>
                <tbody>
                  {inst.monitors.map((m) => (
                    <tr key={m.id} data-testid="kuma-monitor" data-name={m.name} data-status={m.active ? m.status : 'paused'}>
                      <td>
                        <StateDot tone={m.active ? STATUS_TONE[m.status] : 'idle'} /> {m.name} <span className="muted small">{m.type}</span>
                      </td>
                      <td className="mono small muted" title={m.target ?? ''}>
                        {m.target ?? '—'}
                      </td>
                      <td className={`text-${m.active ? STATUS_TONE[m.status] : 'idle'}`} title={m.message}>
                        {m.active ? m.status : 'paused'}
                        {m.active && inst.stale && m.lastKnownStatus !== m.status && m.lastKnownStatus !== 'unknown' && (
                          <span className="muted small" data-testid="kuma-last-known">
                            {' '}
                            (last known: {m.lastKnownStatus})
                          </span>
                        )}
                      </td>
                      <td>{pct(m.uptime.day)}</td>
                      <td>{pct(m.uptime.month)}</td>
                      <td>{m.latencyMs === null ? '—' : `${Math.round(m.latencyMs)} ms`}</td>
                      <td className="muted small">{m.lastBeatAt ? formatAge(m.lastBeatAt) : '—'}</td>
                      {inst.canPause && (
                        <td>
                          <button
                            type="button"
                            className="button button-small"
                            disabled={busy[`${inst.id}/${m.id}`] || inst.state !== 'connected'}
                            onClick={() => void toggle(inst, m)}
                          >
                            {m.active ? 'Pause' : 'Resume'}
                            <span className="sr-only"> {m.name}</span>
                          </button>
                        </td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
        ))
      )}
      {adding && <ConnectKumaDialog onClose={() => setAdding(false)} />}
      {removing && (
        <ConfirmDialog
          title={`Remove ${removing.name}?`}
          confirmLabel="Remove"
          danger
          onCancel={() => setRemoving(null)}
          onConfirm={async () => {
            const inst = removing;
            setRemoving(null);
            try {
              await removeKuma({ id: inst.id });
            } catch (e) {
              appStore.getState().toastError('Could not remove the instance', e);
            }
          }}
        >
          Homeport stops watching it and forgets its saved session. Uptime Kuma itself is not changed.
        </ConfirmDialog>
      )}
    </section>
  );
}

/** While Homeport cannot hear an instance (and before it counts as a problem): how long since Kuma last sent anything, ticking. */
function SilentNote({ lastDataAt }: { lastDataAt: number | null }) {
  const now = useNow(true);
  return (
    <p className="note-warn" role="status" data-testid="kuma-silent">
      {lastDataAt === null ? 'No data from Uptime Kuma yet' : `No data from Uptime Kuma for ${formatDuration(Math.max(0, now - lastDataAt))}`}: the statuses below are
      unknown until it answers again.
    </p>
  );
}

const EMPTY: KumaAddInput = { name: '', url: '', mode: 'socket', username: '', password: '', totp: '', apiKey: '', slug: '', allowSelfSigned: false };

/** Connect an instance: sign in (with a 2FA code when asked), or read /metrics or a status page. */
export function ConnectKumaDialog({ onClose }: { onClose(): void }) {
  const [form, setForm] = useState<KumaAddInput>(EMPTY);
  const [needTotp, setNeedTotp] = useState(false);
  // (A field that changes takes away what was said about the last attempt: its cause may be gone.)
  const set = <K extends keyof KumaAddInput>(k: K, v: KumaAddInput[K]) => setForm((f) => ({ ...f, [k]: v }));

  const connect = useSubmit(async () => {
    const r = await addKuma({ ...form, url: form.url.trim() });
    if (r.status === 'totp-required') return setNeedTotp(true);
    appStore.getState().pushToast({ tone: 'success', title: `Connected ${r.instance.name}` });
    onClose();
  });
  const submit = () => {
    const url = /^https?:\/\/\S+$/i.test(form.url.trim()) ? undefined : 'Enter the address of Uptime Kuma, starting with http:// or https:// (e.g. http://nas:3001).';
    if (connect.check({ url })) void connect.run();
  };

  return (
    <FormDialog
      title="Connect Uptime Kuma"
      testId="connect-kuma-dialog"
      form={connect}
      onSubmit={submit}
      onClose={onClose}
      submitLabel={needTotp ? 'Verify and connect' : 'Connect'}
      errorTitle="Not connected"
    >
      <TextField name="url" label="Address" hint="Where you open Uptime Kuma in a browser." mono value={form.url} placeholder="http://nas:3001" spellCheck={false} onChange={(v) => set('url', v)} />
      <TextField label="Name (optional)" value={form.name} placeholder="Uptime Kuma on nas" onChange={(v) => set('name', v)} />
      <SelectField label="How to read it" value={form.mode} onChange={(v: KumaMode) => set('mode', v)}>
        <option value="socket">Sign in (live; pause and resume monitors)</option>
        <option value="metrics">/metrics with an API key (read-only)</option>
        <option value="status-page">A public status page (read-only)</option>
      </SelectField>
      {form.mode === 'socket' && (
        <>
          <TextField label="Username" autoComplete="username" value={form.username} onChange={(v) => set('username', v)} />
          <PasswordField label="Password" autoComplete="current-password" value={form.password} onChange={(v) => set('password', v)} />
          {needTotp && (
            <TextField
              label="2FA code"
              hint="This account has two-factor authentication: enter the current code from your authenticator app."
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={6}
              autoFocus
              value={form.totp}
              onChange={(v) => set('totp', v.replace(/\D/g, ''))}
            />
          )}
          <p className="muted small">Homeport keeps only the session Uptime Kuma gives back, encrypted like your keys; the password is not stored.</p>
        </>
      )}
      {form.mode === 'metrics' && (
        <PasswordField label="API key" hint="Settings → API Keys in Uptime Kuma (1.21 or later)." mono value={form.apiKey} onChange={(v) => set('apiKey', v)} />
      )}
      {form.mode === 'status-page' && (
        <TextField label="Status page slug" hint="The last part of the page’s address: http://nas:3001/status/<slug>." mono value={form.slug} onChange={(v) => set('slug', v)} />
      )}
      {form.url.trim().toLowerCase().startsWith('https://') && (
        <CheckboxField label=" Accept a self-signed certificate" checked={form.allowSelfSigned} onChange={(v) => set('allowSelfSigned', v)} />
      )}
    </FormDialog>
  );
}

/** Homeport's own heartbeat: something outside notices when Homeport itself stops. */
export function HeartbeatSection() {
  const { info, loadError } = useApp((s) => ({ info: s.heartbeat, loadError: s.heartbeatError }));
  const [url, setUrl] = useState('');
  const [interval, setIntervalSec] = useState('60');
  const change = useSubmit(async (f: () => Promise<void>) => {
    await f();
    setUrl('');
  });
  // Read as the section opens; heartbeat.changed keeps it current (wired once, in the store).
  useEffect(() => {
    void appStore.getState().loadHeartbeat();
  }, []);

  const seconds = Number(interval);
  const busy = change.busy;

  return (
    <section className="heartbeat" aria-labelledby="heartbeat-title" data-testid="heartbeat-section">
      <header className="section-header">
        <h2 id="heartbeat-title">Homeport’s own heartbeat</h2>
      </header>
      <p className="muted small">
        Paste the push URL of an Uptime Kuma push monitor, a Healthchecks check or a Better Stack heartbeat: Homeport calls it every interval, so
        that service alerts you when Homeport (or this computer) stops.
      </p>
      {info?.configured && (
        <p data-testid="heartbeat-status" className={info.lastError ? 'text-error' : 'text-ok'}>
          Sending to <span className="mono">{info.target}</span> every {info.intervalSec} s ·{' '}
          {info.lastError ? `last attempt failed: ${info.lastError.message}` : info.lastOkAt ? `last sent ${formatAge(info.lastOkAt)}` : 'not sent yet'} · {info.sent} sent
        </p>
      )}
      <Form className="heartbeat-form" form={change} onSubmit={() => void change.run(() => appStore.getState().setHeartbeat({ url: url.trim(), intervalSec: seconds }))}>
        <TextField
          label="Push URL"
          type="url"
          mono
          autoComplete="off"
          spellCheck={false}
          value={url}
          placeholder={info?.configured ? 'Paste a new URL to replace it' : 'https://…/api/push/…'}
          onChange={setUrl}
        />
        <NumberField label="Every (seconds)" error={Number.isInteger(seconds) && seconds >= 20 ? null : 'At least 20 seconds.'} min={20} value={interval} onChange={setIntervalSec} />
        <div className="heartbeat-actions">
          <button type="submit" className="button button-small" disabled={busy || !url.trim() || !(seconds >= 20)}>
            {info?.configured ? 'Replace' : 'Start sending'}
          </button>
          {info?.configured && (
            <>
              <button type="button" className="button button-small" disabled={busy} onClick={() => void change.run(() => appStore.getState().sendHeartbeat())}>
                Send one now
              </button>
              <button type="button" className="button button-small" disabled={busy} onClick={() => void change.run(() => appStore.getState().setHeartbeat({ url: null, intervalSec: seconds || 60 }))}>
                Stop
              </button>
            </>
          )}
        </div>
      </Form>
      {loadError && <ErrorMessage error={loadError} title="Could not read the heartbeat settings" />}
      {change.error && <ErrorMessage error={change.error} title="The heartbeat was not changed" />}
    </section>
  );
}
