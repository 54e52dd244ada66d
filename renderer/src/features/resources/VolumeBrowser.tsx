import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { ErrorInfo, VolumeDirInfo, VolumeEntryInfo, VolumeInfo } from '../../../../shared/contract';
import { CloseButton, Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Spinner } from '../../components/Spinner';
import { TableHead } from '../../components/TableHead';
import { formatBytes } from '../../lib/format';
import { toErrorInfo } from '../../lib/errors';
import { browseVolume } from './api';

const TYPE_LABEL: Record<VolumeEntryInfo['type'], string> = { file: 'File', directory: 'Folder', symlink: 'Link', hardlink: 'Hard link', other: 'Other' };

const parentOf = (p: string) => {
  const parts = p.split('/').filter(Boolean);
  parts.pop();
  return `/${parts.join('/')}`;
};
const when = (ms: number | null) => (ms === null ? '—' : new Date(ms).toLocaleString(undefined, { hour12: false }));

/**
 * A volume's files, read-only: one folder at a time (the services list it from the engine's
 * archive API, without starting anything). Enter or a click opens a folder; Backspace or Alt+Up
 * goes up; Up/Down move between rows.
 */
export function VolumeBrowser({ volume, onClose }: { volume: VolumeInfo; onClose(): void }) {
  const [path, setPath] = useState('/');
  const [dir, setDir] = useState<VolumeDirInfo | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [busy, setBusy] = useState(true);
  const listRef = useRef<HTMLTableSectionElement>(null);
  const cameFrom = useRef<string | null>(null);

  const load = useCallback(
    async (p: string) => {
      setBusy(true);
      try {
        const d = await browseVolume(volume.hostId, volume.name, p);
        setDir(d);
        setError(null);
      } catch (e) {
        setError(toErrorInfo(e));
      } finally {
        setBusy(false);
      }
    },
    [volume.hostId, volume.name],
  );
  useEffect(() => {
    void load(path);
  }, [load, path]);

  // After a listing, focus the folder we came up from, else the first row.
  useEffect(() => {
    if (!dir || busy) return;
    const rows = [...(listRef.current?.querySelectorAll<HTMLElement>('[data-entry]') ?? [])];
    const back = cameFrom.current ? rows.find((r) => r.dataset.entry === cameFrom.current) : null;
    (back ?? rows[0])?.focus();
    cameFrom.current = null;
  }, [dir, busy]);

  const go = (p: string) => {
    if (busy) return;
    setPath(p);
  };
  const up = () => {
    if (path === '/') return;
    cameFrom.current = path;
    go(parentOf(path));
  };
  const crumbs = path.split('/').filter(Boolean);

  const onKey = (e: KeyboardEvent<HTMLElement>) => {
    const rows = [...(listRef.current?.querySelectorAll<HTMLElement>('[data-entry]') ?? [])];
    const i = rows.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      if (e.altKey && e.key === 'ArrowUp') {
        e.preventDefault();
        return up();
      }
      if (rows.length === 0) return;
      e.preventDefault();
      rows[i < 0 ? 0 : Math.max(0, Math.min(rows.length - 1, i + (e.key === 'ArrowDown' ? 1 : -1)))]?.focus();
    } else if (e.key === 'Backspace' && !(e.target as HTMLElement).matches('input, textarea')) {
      e.preventDefault();
      up();
    } else if (e.key === 'Home' && rows.length) {
      e.preventDefault();
      rows[0]?.focus();
    } else if (e.key === 'End' && rows.length) {
      e.preventDefault();
      rows[rows.length - 1]?.focus();
    }
  };

  const open = (entry: VolumeEntryInfo) => {
    if (entry.type === 'directory') go(entry.path);
  };

  return (
    <Dialog
      title={`Files of ${volume.name}`}
      size="large"
      testId="volume-browser"
      onClose={onClose}
      footer={
        <CloseButton onClose={onClose} autoFocus={false}>
          Done
        </CloseButton>
      }
    >
      <div className="browser" onKeyDown={onKey}>
        <nav className="browser-path" aria-label="Folder">
          <button type="button" className="button button-small" onClick={up} disabled={path === '/' || busy} aria-label="Up one folder" title="Up (Backspace)">
            ↑ Up
          </button>
          <ol className="crumbs">
            <li>
              <button type="button" className="link-button mono" onClick={() => go('/')} aria-current={path === '/' ? 'location' : undefined}>
                {volume.name}
              </button>
            </li>
            {crumbs.map((c, i) => {
              const p = `/${crumbs.slice(0, i + 1).join('/')}`;
              return (
                <li key={p}>
                  <span aria-hidden="true">/</span>
                  <button type="button" className="link-button mono" onClick={() => go(p)} aria-current={p === path ? 'location' : undefined}>
                    {c}
                  </button>
                </li>
              );
            })}
          </ol>
          {busy && <Spinner />}
          <span className="muted small browser-readonly">Read-only</span>
        </nav>
        {error && <ErrorMessage error={error} title={`Could not list ${path}`} />}
        {dir?.note && <p className="note-warn">{dir.note}</p>}
        {dir && !error && dir.path === path && dir.entries.length === 0 && (
          <p className="muted browser-empty" data-testid="browser-empty">
            This folder is empty.
          </p>
        )}
        {dir && !error && dir.entries.length > 0 && (
          <div className="browser-scroll">
            <table className="data-table browser-table" aria-label={`Files in ${dir.path}`} data-path={dir.path}>
              <TableHead columns={['Name', 'Type', { label: 'Size', className: 'num' }, 'Modified']} />
              <tbody ref={listRef}>
                {dir.entries.map((e) => (
                  <tr
                    key={e.path}
                    data-testid="browser-entry"
                    data-entry={e.path}
                    data-name={e.name}
                    data-type={e.type}
                    tabIndex={-1}
                    className={e.type === 'directory' ? 'browser-dir' : undefined}
                    onDoubleClick={() => open(e)}
                    onKeyDown={(k) => {
                      if (k.key === 'Enter') {
                        k.preventDefault();
                        open(e);
                      }
                    }}
                  >
                    <td className="mono">
                      {e.type === 'directory' ? (
                        <button type="button" className="link-button" tabIndex={-1} onClick={() => open(e)}>
                          <span className="entry-icon entry-dir" aria-hidden="true" />
                          {e.name}/
                        </button>
                      ) : (
                        <span title={e.linkTarget ? `→ ${e.linkTarget}` : undefined}>
                          <span className={`entry-icon entry-${e.type}`} aria-hidden="true" />
                          {e.name}
                          {e.linkTarget && <span className="muted"> → {e.linkTarget}</span>}
                        </span>
                      )}
                    </td>
                    <td>{TYPE_LABEL[e.type]}</td>
                    <td className="num">{e.type === 'symlink' ? '—' : formatBytes(e.sizeBytes)}</td>
                    <td className="muted">{when(e.modifiedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {dir && <p className="muted small">{`${dir.entries.length} ${dir.entries.length === 1 ? 'entry' : 'entries'}${dir.truncated ? ' (truncated)' : ''}`}</p>}
      </div>
    </Dialog>
  );
}
