import { useId, useState } from 'react';
import type { HostInfo, HostStacksInfo, StackAction, StackInfo, StackServiceInfo } from '../../../../shared/contract';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { HostHeader } from '../../components/HostHeader';
import { Spinner } from '../../components/Spinner';
import { StateBadge } from '../../components/StateBadge';
import { appStore, stackKey, useApp, useHostList } from '../../store';
import { containerStateLabel, containerStateTone } from '../containers';
import { useFilteredHostLists } from '../../components/HostListsView';
import { ListView } from '../../components/ListView';
import { TableHead } from '../../components/TableHead';
import { ChangeImageDialog } from './ChangeImageDialog';
import { ComposeFileDialog } from './ComposeFileDialog';
import { StackOutput } from './StackOutput';
import './stacks.css';

export const ACTIONS: Array<{ action: StackAction; label: string; confirm?: { title: (p: string) => string; body: string; label: string; danger?: boolean } }> = [
  { action: 'up', label: 'Up' },
  {
    action: 'down',
    label: 'Down',
    confirm: {
      title: (p) => `Bring ${p} down?`,
      body: 'docker compose down stops and removes the stack’s containers and networks. Named volumes are kept. “Up” brings it back.',
      label: 'Bring down',
      danger: true,
    },
  },
  { action: 'restart', label: 'Restart' },
  { action: 'pull', label: 'Pull' },
  {
    action: 'recreate',
    label: 'Recreate',
    confirm: {
      title: (p) => `Recreate ${p}?`,
      body: 'Every container of the stack is removed and created again from the compose file (up -d --force-recreate). Data not in volumes is lost.',
      label: 'Recreate',
      danger: true,
    },
  },
];

const STATUS_TONE = { running: 'ok', partial: 'warn', stopped: 'idle' } as const;

function statusText(s: StackInfo): string {
  if (s.total === 0) return 'Down — no containers';
  if (s.status === 'running') return `Running ${s.running}/${s.total}`;
  if (s.status === 'partial') return `Partly running ${s.running}/${s.total}`;
  return `Stopped 0/${s.total}`;
}

const stacksOf = (l: HostStacksInfo) => l.stacks;
const stackFields = (s: StackInfo) => [s.project, s.workingDir, ...s.services.map((x) => x.name)];

/**
 * Every compose project on every host, whoever deployed it (by hand, Ansible or Homeport): its
 * status, services, the compose actions with their output, the compose file editor and image
 * changes with rollback.
 */
export function StacksView() {
  const hosts = useApp((s) => s.hosts);
  // Containers changing (ours or anyone's compose run) changes the stacks: the store lists them
  // again while this view shows them.
  const { byHost: lists, error } = useHostList('stacks');
  const reload = () => appStore.getState().loadList('stacks');


  const { filter, setFilter, shown, total, placeholder } = useFilteredHostLists(hosts, lists, stacksOf, stackFields, 'stacks');

  return (
    <ListView
      title="Stacks"
      summary={lists ? `${total} ${total === 1 ? 'stack' : 'stacks'}` : null}
      filter={filter}
      setFilter={setFilter}
      what="stacks"
      loadError={error}
      onRetry={() => void reload()}
    >
      {placeholder ??
        shown.map((g) => <HostStacks key={g.host.id} host={g.host} info={g.info} stacks={g.items} />)}
    </ListView>
  );
}

function HostStacks({ host, info, stacks }: { host: HostInfo; info: HostStacksInfo | undefined; stacks: StackInfo[] }) {
  const headingId = useId();
  const connected = host.state.status === 'connected';
  let note = null;
  if (!connected) note = <p className="host-note muted">Not connected. Connect it on the Hosts screen to see its stacks.</p>;
  else if (info?.error) note = <div className="host-note"><ErrorMessage error={info.error} title="Could not list stacks" /></div>;
  else if (stacks.length === 0)
    note = <p className="host-note muted" data-testid="stacks-none">No compose projects on this host. Stacks appear here as soon as a project is deployed with docker compose — by hand, by Ansible or any other way.</p>;
  return (
    <section className="host-section" data-testid="host-section" data-host={host.name} aria-labelledby={headingId}>
      <HostHeader host={host} headingId={headingId}>
        {stacks.length > 0 && <span className="count-summary">{stacks.length}</span>}
      </HostHeader>
      {note}
      {connected && stacks.length > 0 && (
        <ul className="stack-list" aria-label={`Stacks on ${host.name}`}>
          {stacks.map((s) => (
            <StackCard key={s.project} stack={s} />
          ))}
        </ul>
      )}
    </section>
  );
}

function StackCard({ stack }: { stack: StackInfo }) {
  const key = stackKey(stack.hostId, stack.project);
  const run = useApp((s) => s.stackRuns[key]);
  const busy = run?.state === 'running';
  const [confirm, setConfirm] = useState<(typeof ACTIONS)[number] | null>(null);
  const [editing, setEditing] = useState(false);
  const [changing, setChanging] = useState<StackServiceInfo | null>(null);
  const titleId = useId();
  const canAct = stack.configFiles.length > 0 && !!stack.workingDir;

  const start = (action: StackAction, label: string) => void appStore.getState().startStackRun(stack.hostId, stack.project, action, { title: label });

  return (
    <li className="stack-card" data-testid="stack-card" data-project={stack.project} data-status={stack.status} aria-labelledby={titleId}>
      <div className="stack-head">
        <div className="stack-title">
          <h3 id={titleId} title={stack.project}>
            {stack.project}
          </h3>
          <StateBadge tone={STATUS_TONE[stack.status]}>
            <span data-testid="stack-status">{statusText(stack)}</span>
          </StateBadge>
          {stack.workingDir && (
            <span className="mono muted stack-dir" title={stack.configFiles.join('\n')}>
              {stack.workingDir}
            </span>
          )}
        </div>
        <div className="stack-actions" role="group" aria-label={`Actions for ${stack.project}`}>
          {ACTIONS.map((a) => (
            <button
              key={a.action}
              type="button"
              className={`button button-small${a.action === 'up' && stack.status !== 'running' ? ' button-primary' : ''}`}
              disabled={busy || !canAct}
              aria-label={`${a.label} ${stack.project}`}
              onClick={() => (a.confirm ? setConfirm(a) : start(a.action, `${a.label} ${stack.project}`))}
            >
              {busy && run?.action === a.action && <Spinner />}
              {a.label}
            </button>
          ))}
          <button type="button" className="button button-small" disabled={busy || !canAct} onClick={() => setEditing(true)} aria-label={`Compose file of ${stack.project}`}>
            Compose file
          </button>
        </div>
      </div>
      {!canAct && <p className="muted stack-note">Its containers do not say where the compose file is (no working_dir / config_files labels), so Homeport cannot run compose for it.</p>}
      <table className="stack-services" aria-label={`Services of ${stack.project}`}>
        <TableHead className="sr-only" columns={['Service', 'Image', 'Containers', 'Actions']} />
        <tbody>
          {stack.services.map((svc) => (
            <tr key={svc.name} data-testid="stack-service" data-service={svc.name}>
              <td className="svc-name" title={svc.name}>
                {svc.name}
              </td>
              <td className="svc-image mono" title={svc.image}>
                {svc.image || <span className="muted">—</span>}
              </td>
              <td>
                <div className="svc-states">
                  {svc.containers.length === 0 ? (
                    <span className="muted">no container</span>
                  ) : (
                    svc.containers.map((c) => (
                      <StateBadge key={c.id} tone={containerStateTone(c.state)} title={`${c.name}: ${c.status}`}>
                        <span data-testid="service-state">{containerStateLabel(c.state)}</span>
                      </StateBadge>
                    ))
                  )}
                </div>
              </td>
              <td className="svc-actions">
                <button type="button" className="button button-small" disabled={busy || !canAct} onClick={() => setChanging(svc)} aria-label={`Change image of ${svc.name}`}>
                  Change image…
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {run && <StackOutput run={run} />}
      {confirm?.confirm && (
        <ConfirmDialog
          title={confirm.confirm.title(stack.project)}
          confirmLabel={confirm.confirm.label}
          danger={!!confirm.confirm.danger}
          onCancel={() => setConfirm(null)}
          onConfirm={() => {
            const a = confirm;
            setConfirm(null);
            start(a.action, `${a.label} ${stack.project}`);
          }}
        >
          <p>{confirm.confirm.body}</p>
        </ConfirmDialog>
      )}
      {editing && <ComposeFileDialog stack={stack} onClose={() => setEditing(false)} />}
      {changing && <ChangeImageDialog stack={stack} service={changing} onClose={() => setChanging(null)} />}
    </li>
  );
}
