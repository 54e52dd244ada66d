import { useCallback, useEffect, useState, type ReactNode } from 'react';
import type { ContainerInfo, ContainerInspectInfo, EnvVarInfo, ErrorInfo, HealthInfo } from '../../../../shared/contract';
import { copyText } from '../../components/clipboard';
import { ErrorMessage } from '../../components/ErrorMessage';
import { CopyIcon } from '../../components/icons';
import { Spinner } from '../../components/Spinner';
import { StateBadge } from '../../components/StateBadge';
import { TableHead } from '../../components/TableHead';
import { appStore } from '../../store';
import { toErrorInfo } from '../../lib/errors';
import { inspectContainer, revealEnv } from './api';

type Load = { kind: 'loading' } | { kind: 'error'; error: ErrorInfo } | { kind: 'ok'; info: ContainerInspectInfo };

const when = (t: number | null) => (t ? new Date(t).toLocaleString() : '—');
const argv = (a: string[]) => (a.length ? a.map((x) => (/[\s"'\\$]/.test(x) || x === '' ? JSON.stringify(x) : x)).join(' ') : '—');

async function copy(text: string, what: string) {
  if (await copyText(text)) appStore.getState().pushToast({ tone: 'success', title: `Copied ${what}` });
  else appStore.getState().pushToast({ tone: 'error', title: `Could not copy ${what}`, message: 'The clipboard is not available here; select the text and press Ctrl+C.' });
}

/** A container's configuration and state: env (secrets masked until revealed), ports, health, mounts, networks, labels, raw JSON. */
export function InspectTab({ container }: { container: ContainerInfo }) {
  const [load, setLoad] = useState<Load>({ kind: 'loading' });
  const ref = { hostId: container.hostId, containerId: container.id };
  const reload = useCallback(() => {
    let live = true;
    inspectContainer({ hostId: container.hostId, containerId: container.id })
      .then((info) => live && setLoad({ kind: 'ok', info }))
      .catch((e: unknown) => live && setLoad({ kind: 'error', error: toErrorInfo(e) }));
    return () => {
      live = false;
    };
  }, [container.hostId, container.id]);
  // Again when the container changes state (restarted, stopped, health…): the status text says so.
  useEffect(reload, [reload, container.status]);

  if (load.kind === 'loading')
    return (
      <p className="muted">
        <Spinner /> Inspecting…
      </p>
    );
  if (load.kind === 'error')
    return (
      <div className="inspect-tab">
        <ErrorMessage error={load.error} title="Could not inspect this container" />
        <button type="button" className="button" onClick={() => (setLoad({ kind: 'loading' }), reload())}>
          Retry
        </button>
      </div>
    );
  const i = load.info;
  return (
    <div className="inspect-tab" data-testid="inspect-tab">
      <Section title="Overview">
        <dl className="kv">
          <Row k="Image" v={<span className="mono">{i.image}</span>} />
          <Row k="Entrypoint" v={<span className="mono">{argv(i.entrypoint)}</span>} />
          <Row k="Command" v={<span className="mono">{argv(i.command)}</span>} />
          <Row k="Created" v={when(i.created)} />
          <Row k="Started" v={when(i.startedAt)} />
          {i.exitCode !== null && <Row k="Exit code" v={String(i.exitCode)} />}
          <Row
            k="Restart policy"
            v={`${i.restartPolicy.name}${i.restartPolicy.name === 'on-failure' && i.restartPolicy.maximumRetryCount ? ` (at most ${i.restartPolicy.maximumRetryCount} times)` : ''}${i.restartCount ? ` · restarted ${i.restartCount}×` : ''}`}
          />
          {i.workingDir && <Row k="Working dir" v={<span className="mono">{i.workingDir}</span>} />}
          {i.user && <Row k="User" v={<span className="mono">{i.user}</span>} />}
          <Row k="Id" v={<span className="mono">{i.id.slice(0, 12)}</span>} />
        </dl>
      </Section>
      {i.health && <HealthSection health={i.health} />}
      <Section title="Ports" count={i.ports.length} empty="No ports exposed or published.">
        <ul className="inspect-ports" data-testid="inspect-ports">
          {i.ports.map((p) => (
            <li key={`${p.privatePort}/${p.protocol}|${p.hostIp}|${p.hostPort}`}>
              <span className="mono">
                {p.hostPort !== null ? `${p.hostIp}:${p.hostPort} → ` : ''}
                {p.privatePort}/{p.protocol}
              </span>
              {p.url ? (
                <a className="port-link" href={p.url} target="_blank" rel="noopener noreferrer" title={`Open ${p.url} in the browser`}>
                  {p.url}
                </a>
              ) : (
                <span className="muted">{p.note}</span>
              )}
            </li>
          ))}
        </ul>
      </Section>
      <Section title="Environment" count={i.env.length} empty="No environment variables.">
        <table className="kv-table" data-testid="inspect-env">
          <tbody>
            {i.env.map((e, n) => (
              <EnvRow key={`${e.name}#${n}`} env={e} onReveal={() => revealEnv({ ...ref, name: e.name })} />
            ))}
          </tbody>
        </table>
      </Section>
      <Section title="Mounts" count={i.mounts.length} empty="No mounts.">
        <table className="kv-table">
          <TableHead columns={['Type', 'Source', 'In the container', 'Access']} />
          <tbody>
            {i.mounts.map((m) => (
              <tr key={m.destination}>
                <td>{m.type}</td>
                <td className="mono wrap">{m.name ?? m.source}</td>
                <td className="mono wrap">{m.destination}</td>
                <td>{m.readOnly ? 'read-only' : 'read-write'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
      <Section title="Networks" count={i.networks.length} empty={<>Network mode {i.networkMode || 'none'}; no networks.</>}>
        <table className="kv-table">
          <TableHead columns={['Network', 'IP address', 'Aliases', 'Gateway']} />
          <tbody>
            {i.networks.map((n) => (
              <tr key={n.name}>
                <td>{n.name}</td>
                <td className="mono">{[n.ipAddress, n.ipv6Address].filter(Boolean).join(', ') || '—'}</td>
                <td className="mono wrap">{n.aliases.join(', ') || '—'}</td>
                <td className="mono">{n.gateway || '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
      <Section title="Labels" count={i.labels.length} empty="No labels.">
        <table className="kv-table">
          <tbody>
            {i.labels.map((l) => (
              <tr key={l.key}>
                <th scope="row" className="mono wrap">{l.key}</th>
                <td className="mono wrap">{l.value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
      <details className="inspect-raw">
        <summary>Raw JSON</summary>
        <p className="muted">As the engine answered, with the masked environment values replaced.</p>
        <button type="button" className="button button-small" onClick={() => void copy(i.rawJson, 'the raw JSON')}>
          <CopyIcon /> Copy JSON
        </button>
        <pre className="mono" data-testid="inspect-raw">{i.rawJson}</pre>
      </details>
    </div>
  );
}

/** A titled part of the inspect view; with `empty`, a count of 0 shows that note instead of the children. */
function Section({ title, count, empty, children }: { title: string; count?: number; empty?: ReactNode; children: ReactNode }) {
  return (
    <section className="inspect-section" aria-label={title}>
      <h2>
        {title}
        {count !== undefined && <span className="count-summary"> {count}</span>}
      </h2>
      {count === 0 && empty !== undefined ? <p className="muted">{empty}</p> : children}
    </section>
  );
}

function Row({ k, v }: { k: string; v: ReactNode }) {
  return (
    <div className="kv-row">
      <dt>{k}</dt>
      <dd>{v}</dd>
    </div>
  );
}

/** One variable; a masked value is fetched only when the user asks, and hidden again on Hide. */
function EnvRow({ env, onReveal }: { env: EnvVarInfo; onReveal(): Promise<{ value: string }> }) {
  const [revealed, setRevealed] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const fetchValue = async (): Promise<string | null> => {
    if (!env.masked) return env.value ?? '';
    setBusy(true);
    try {
      const { value } = await onReveal();
      setError(null);
      return value;
    } catch (e) {
      setError(toErrorInfo(e));
      return null;
    } finally {
      setBusy(false);
    }
  };
  const shown = env.masked ? revealed : env.value;
  return (
    <tr data-testid="env-row" data-name={env.name}>
      <th scope="row" className="mono">{env.name}</th>
      <td className="mono wrap env-value">
        {shown !== null ? shown : <span className="masked" aria-label="hidden value">••••••••</span>}
        {error && <span className="text-error"> {error.message}</span>}
      </td>
      <td className="env-actions">
        {env.masked &&
          (revealed === null ? (
            <button
              type="button"
              className="button button-small"
              disabled={busy}
              aria-label={`Reveal ${env.name}`}
              onClick={async () => {
                const v = await fetchValue();
                if (v !== null) setRevealed(v);
              }}
            >
              {busy && <Spinner />}
              Reveal
            </button>
          ) : (
            <button type="button" className="button button-small" aria-label={`Hide ${env.name}`} onClick={() => setRevealed(null)}>
              Hide
            </button>
          ))}
        <button
          type="button"
          className="icon-button"
          aria-label={`Copy the value of ${env.name}`}
          title="Copy value"
          disabled={busy}
          onClick={async () => {
            const v = shown ?? (await fetchValue());
            if (v !== null) await copy(v, `the value of ${env.name}`);
          }}
        >
          <CopyIcon />
        </button>
      </td>
    </tr>
  );
}

function HealthSection({ health }: { health: HealthInfo }) {
  const tone = health.status === 'healthy' ? 'ok' : health.status === 'unhealthy' ? 'error' : health.status === 'starting' ? 'busy' : 'idle';
  return (
    <Section title="Health">
      <p className="health-line" data-testid="inspect-health">
        <StateBadge tone={tone}>{health.status === 'none' ? 'no result yet' : health.status}</StateBadge>
        {health.failingStreak > 0 && <span className="text-error"> failing {health.failingStreak}× in a row</span>}
        {health.test.length > 0 && (
          <span className="muted mono"> {health.test[0] === 'CMD-SHELL' ? health.test.slice(1).join(' ') : argv(health.test.slice(health.test[0] === 'CMD' ? 1 : 0))}</span>
        )}
      </p>
      {health.log.length > 0 && (
        <table className="kv-table health-log">
          <TableHead columns={['Checked', 'Exit', 'Output']} />
          <tbody>
            {[...health.log].reverse().map((l) => (
              <tr key={`${l.start}-${l.end}`}>
                <td>{new Date(l.start).toLocaleTimeString()}</td>
                <td className={l.exitCode === 0 ? 'text-ok' : 'text-error'}>{l.exitCode}</td>
                <td>
                  <pre className="mono health-output">{l.output.trim() || '—'}</pre>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}
