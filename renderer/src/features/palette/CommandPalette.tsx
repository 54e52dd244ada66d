import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { CloseButton, Dialog } from '../../components/Dialog';
import { SearchIcon } from '../../components/icons';
import { Spinner } from '../../components/Spinner';
import { allHosts, appStore, HOST_LIST_KINDS, stackKey, useApp, type AppState, type HostListOf, type View } from '../../store';
import { availableActions } from '../containers';
import { STACK_ACTIONS } from '../stacks';
import { rankCommands, SHORTCUTS, type Command } from './palette-model';
import './palette.css';

const VIEWS: { view: View; label: string }[] = [
  { view: 'containers', label: 'Containers' },
  { view: 'stacks', label: 'Stacks' },
  { view: 'images', label: 'Images' },
  { view: 'volumes', label: 'Volumes' },
  { view: 'networks', label: 'Networks' },
  { view: 'monitors', label: 'Monitors' },
  { view: 'hosts', label: 'Hosts' },
  { view: 'keys', label: 'Keys' },
];

type Resources = { [K in keyof HostListOf]: HostListOf[K][] };

/** A command that asks before it runs (a destructive compose action). */
interface Confirmation {
  title: string;
  body: string;
  label: string;
  danger: boolean;
  run(): void;
}

function isTyping(t: EventTarget | null): boolean {
  const el = t as HTMLElement | null;
  return !!el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName) || !!el.closest?.('.xterm'));
}

/** Every command the palette offers, from what the store knows (its per-host lists listed again as the palette opens). */
function buildCommands(s: AppState, res: Resources, openShortcuts: () => void, ask: (c: Confirmation) => void): Command[] {
  const st = appStore.getState;
  const hostName = new Map(s.hosts.map((h) => [h.id, h.name]));
  const out: Command[] = VIEWS.map((v) => ({ id: `go:${v.view}`, title: `Go to ${v.label}`, group: 'Go to', run: () => st().setView(v.view) }));

  for (const info of Object.values(s.containers)) {
    for (const c of info?.containers ?? []) {
      const ref = { hostId: c.hostId, containerId: c.id, name: c.name };
      const hint = `${hostName.get(c.hostId) ?? ''}${c.project ? ` · ${c.project}` : ''}`;
      const keywords = `${c.image} ${c.state} container`;
      const can = availableActions(c.state);
      out.push(
        { id: `c:${c.id}:open`, title: `Open ${c.name}`, group: 'Containers', hint, keywords, run: () => st().openDetail(ref, 'logs') },
        { id: `c:${c.id}:term`, title: `Terminal in ${c.name}`, group: 'Containers', hint, keywords: `${keywords} shell exec`, run: () => st().openDetail(ref, 'terminal') },
        { id: `c:${c.id}:stats`, title: `Stats of ${c.name}`, group: 'Containers', hint, keywords: `${keywords} cpu memory`, run: () => st().openDetail(ref, 'stats') },
        { id: `c:${c.id}:inspect`, title: `Inspect ${c.name}`, group: 'Containers', hint, keywords: `${keywords} env ports`, run: () => st().openDetail(ref, 'inspect') },
      );
      if (can.start) out.push({ id: `c:${c.id}:start`, title: `Start ${c.name}`, group: 'Containers', hint, keywords, run: () => void st().runContainerAction(ref, 'start') });
      if (can.stop) out.push({ id: `c:${c.id}:stop`, title: `Stop ${c.name}`, group: 'Containers', hint, keywords, run: () => void st().runContainerAction(ref, 'stop') });
      if (can.restart) out.push({ id: `c:${c.id}:restart`, title: `Restart ${c.name}`, group: 'Containers', hint, keywords, run: () => void st().runContainerAction(ref, 'restart') });
    }
  }

  const stacks = new Map<string, string>();
  for (const info of Object.values(s.containers)) for (const c of info?.containers ?? []) if (c.project) stacks.set(`${c.hostId}/${c.project}`, `${c.project}|${hostName.get(c.hostId) ?? ''}`);
  for (const [key, v] of stacks) {
    const [project, host] = v.split('|');
    out.push({ id: `s:${key}`, title: `Stack ${project}`, group: 'Stacks', hint: host, keywords: 'compose project up down', run: () => st().setView('stacks') });
  }
  // The compose actions of every stack Homeport can run compose for; the output shows on Stacks.
  for (const hs of res.stacks)
    for (const stack of hs.stacks) {
      if (stack.configFiles.length === 0 || !stack.workingDir) continue;
      const hint = hostName.get(hs.hostId) ?? '';
      for (const a of STACK_ACTIONS) {
        const start = () => {
          st().setView('stacks');
          // One compose command at a time per stack (as its buttons are disabled meanwhile).
          if (st().stackRuns[stackKey(stack.hostId, stack.project)]?.state === 'running') {
            st().pushToast({ tone: 'warning', title: `A compose command is still running on ${stack.project}`, fix: 'Wait for it to finish (its output is on the Stacks screen), then try again.' });
            return;
          }
          void st().startStackRun(stack.hostId, stack.project, a.action, { title: `${a.label} ${stack.project}` });
        };
        const confirm = a.confirm;
        out.push({
          id: `s:${hs.hostId}/${stack.project}:${a.action}`,
          title: `${a.label} stack ${stack.project}`,
          group: 'Stacks',
          hint,
          keywords: 'compose project',
          run: confirm ? () => ask({ title: confirm.title(stack.project), body: confirm.body, label: confirm.label, danger: !!confirm.danger, run: start }) : start,
        });
      }
    }

  for (const h of s.hosts) {
    const status = h.state.status;
    out.push({ id: `h:${h.id}:edit`, title: `Edit host ${h.name}`, group: 'Hosts', hint: h.address, keywords: 'settings ssh', run: () => st().openHostDialog({ open: true, mode: 'edit', hostId: h.id }) });
    if (status === 'disconnected' || status === 'failed') out.push({ id: `h:${h.id}:connect`, title: `Connect ${h.name}`, group: 'Hosts', hint: h.address, run: () => void st().connectHost(h.id) });
    if (status === 'connected' || status === 'connecting' || status === 'reconnecting') out.push({ id: `h:${h.id}:disconnect`, title: `Disconnect ${h.name}`, group: 'Hosts', hint: h.address, run: () => void st().disconnectHost(h.id) });
  }
  out.push({ id: 'h:add', title: 'Add host…', group: 'Hosts', keywords: 'new server ssh', run: () => st().openHostDialog({ open: true, mode: 'add' }) });

  for (const hi of res.images)
    for (const img of hi.images)
      // One entry per tag (an image tagged twice is found by either name).
      for (const name of img.repoTags.length ? img.repoTags : [img.id.slice(7, 19)])
        out.push({ id: `i:${hi.hostId}:${img.id}:${name}`, title: `Image ${name}`, group: 'Images', hint: hostName.get(hi.hostId) ?? '', keywords: img.containers.join(' '), run: () => st().setView('images') });
  for (const hv of res.volumes)
    for (const v of hv.volumes) {
      const hint = hostName.get(hv.hostId) ?? '';
      const ask = (action: 'browse' | 'backup' | 'restore' | 'remove') => () => st().requestVolumeAction({ action, hostId: hv.hostId, name: v.name });
      out.push(
        { id: `v:${hv.hostId}:${v.name}`, title: `Volume ${v.name}`, group: 'Volumes', hint, keywords: 'backup restore browse', run: () => st().setView('volumes') },
        { id: `v:${hv.hostId}:${v.name}:browse`, title: `Browse volume ${v.name}`, group: 'Volumes', hint, keywords: 'files', run: ask('browse') },
        { id: `v:${hv.hostId}:${v.name}:backup`, title: `Back up volume ${v.name}`, group: 'Volumes', hint, keywords: 'backup download tar', run: ask('backup') },
        { id: `v:${hv.hostId}:${v.name}:restore`, title: `Restore into volume ${v.name}…`, group: 'Volumes', hint, keywords: 'restore upload tar', run: ask('restore') },
        { id: `v:${hv.hostId}:${v.name}:remove`, title: `Remove volume ${v.name}…`, group: 'Volumes', hint, keywords: 'delete', run: ask('remove') },
      );
    }
  for (const hn of res.networks)
    for (const n of hn.networks) out.push({ id: `n:${hn.hostId}:${n.id}`, title: `Network ${n.name}`, group: 'Networks', hint: hostName.get(hn.hostId) ?? '', run: () => st().setView('networks') });

  for (const m of s.monitors) out.push({ id: `m:${m.id}`, title: `Monitor ${m.name}`, group: 'Monitors', hint: m.state, keywords: m.target, run: () => st().showMonitor(m.id) });

  out.push({ id: 'help:shortcuts', title: 'Keyboard shortcuts', group: 'Help', hint: '?', keywords: 'keys help', run: openShortcuts });
  return out;
}

/** Ctrl/Cmd+K anywhere: find anything and act on it. `?` lists the shortcuts. */
export function CommandPalette() {
  const [open, setOpen] = useState(false);
  const [help, setHelp] = useState(false);
  const [confirm, setConfirm] = useState<Confirmation | null>(null);

  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'k') {
        // The terminal keeps its keys (Ctrl+K clears a line in a shell).
        if ((e.target as HTMLElement | null)?.closest?.('.xterm')) return;
        e.preventDefault();
        setHelp(false);
        setOpen((o) => !o);
      } else if (e.key === '?' && !e.ctrlKey && !e.metaKey && !e.altKey && !isTyping(e.target) && !document.querySelector('[aria-modal="true"]')) {
        e.preventDefault();
        setHelp(true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <>
      {open && <Palette onClose={() => setOpen(false)} onShortcuts={() => { setOpen(false); setHelp(true); }} onConfirm={setConfirm} />}
      {help && !open && <ShortcutsDialog onClose={() => setHelp(false)} />}
      {confirm && !open && (
        <ConfirmDialog
          title={confirm.title}
          confirmLabel={confirm.label}
          danger={confirm.danger}
          onCancel={() => setConfirm(null)}
          onConfirm={() => {
            setConfirm(null);
            confirm.run();
          }}
        >
          <p>{confirm.body}</p>
        </ConfirmDialog>
      )}
    </>
  );
}

function Palette({ onClose, onShortcuts, onConfirm }: { onClose(): void; onShortcuts(): void; onConfirm(c: Confirmation): void }) {
  const state = useApp((s) => ({ hosts: s.hosts, containers: s.containers, monitors: s.monitors }));
  const lists = useApp((s) => s.lists);
  const res = useMemo<Resources>(
    () => ({
      images: allHosts(lists.images),
      volumes: allHosts(lists.volumes),
      networks: allHosts(lists.networks),
      stacks: allHosts(lists.stacks),
    }),
    [lists],
  );
  const [listed, setListed] = useState(false);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const listRef = useRef<HTMLUListElement>(null);

  // Images, volumes, networks and stacks are listed again when the palette opens (a list that
  // cannot be read offers nothing; its view says why).
  useEffect(() => {
    let live = true;
    void Promise.all(HOST_LIST_KINDS.map((kind) => appStore.getState().loadList(kind))).then(() => live && setListed(true));
    return () => {
      live = false;
    };
  }, []);

  const commands = useMemo(() => buildCommands(appStore.getState(), res, onShortcuts, onConfirm), [state, res, onShortcuts, onConfirm]);
  const shown = useMemo(() => rankCommands(commands, query), [commands, query]);
  const current = Math.min(active, Math.max(0, shown.length - 1));

  useEffect(() => {
    listRef.current?.querySelector<HTMLElement>(`[data-index="${current}"]`)?.scrollIntoView?.({ block: 'nearest' });
  }, [current]);

  const run = (cmd: Command | undefined) => {
    if (!cmd) return;
    onClose();
    void Promise.resolve(cmd.run()).catch(() => undefined);
  };

  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const n = shown.length;
      if (n) setActive((current + (e.key === 'ArrowDown' ? 1 : n - 1)) % n);
    } else if (e.key === 'PageDown' || e.key === 'PageUp') {
      e.preventDefault();
      setActive(Math.max(0, Math.min(shown.length - 1, current + (e.key === 'PageDown' ? 8 : -8))));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      run(shown[current]);
    }
  };

  return (
    <Dialog title="Command palette" size="medium" testId="command-palette" onClose={onClose}>
      <div className="palette-search">
        <SearchIcon />
        <input
          data-autofocus
          role="combobox"
          aria-expanded="true"
          aria-controls="palette-list"
          aria-activedescendant={shown[current] ? `palette-item-${current}` : undefined}
          aria-label="Find a host, container, stack, image, volume, monitor or action"
          placeholder="Find a host, container, stack, image, volume… or an action"
          value={query}
          spellCheck={false}
          autoComplete="off"
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
          }}
          onKeyDown={onKey}
        />
      </div>
      {shown.length === 0 ? (
        <p className="muted palette-empty" data-testid="palette-empty">
          Nothing matches “{query.trim()}”.
        </p>
      ) : (
        <ul className="palette-list" id="palette-list" role="listbox" aria-label="Commands" ref={listRef}>
          {shown.map((c, i) => (
            <li
              key={c.id}
              id={`palette-item-${i}`}
              data-index={i}
              role="option"
              aria-selected={i === current}
              className={`palette-item${i === current ? ' active' : ''}`}
              onMouseMove={() => i !== current && setActive(i)}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => run(c)}
            >
              <span className="palette-group">{c.group}</span>
              <span className="palette-title">{c.title}</span>
              {c.hint && <span className="palette-hint muted">{c.hint}</span>}
            </li>
          ))}
        </ul>
      )}
      {!listed && (
        <p className="muted small" role="status" data-testid="palette-loading">
          <Spinner /> Listing images, volumes, networks and stacks…
        </p>
      )}
      <p className="palette-footer muted small">
        <kbd>↑</kbd> <kbd>↓</kbd> to move · <kbd>Enter</kbd> to run · <kbd>Esc</kbd> to close · <kbd>?</kbd> for all shortcuts
      </p>
    </Dialog>
  );
}

export function ShortcutsDialog({ onClose }: { onClose(): void }) {
  return (
    <Dialog
      title="Keyboard shortcuts"
      size="medium"
      testId="shortcuts-dialog"
      onClose={onClose}
      footer={<CloseButton onClose={onClose}>Close</CloseButton>}
    >
      <table className="shortcuts">
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.what}>
              <td className="nowrap">
                {s.keys.map((k, i) => (
                  <span key={k}>
                    {i > 0 && ' '}
                    <kbd>{k}</kbd>
                  </span>
                ))}
              </td>
              <td>{s.what}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Dialog>
  );
}
