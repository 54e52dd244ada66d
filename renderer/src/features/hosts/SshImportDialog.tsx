import { useEffect, useState } from 'react';
import { formatAddress, type HomeportError, type SshConfigScanInfo } from '../../../../shared/contract';
import { client } from '../../api/client';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Spinner } from '../../components/Spinner';
import { appStore } from '../../store';
import { asHomeportError } from '../../store/errors';

/** Pick hosts from ~/.ssh/config; the file's problems are listed with their line numbers. */
export function SshImportDialog({ onClose }: { onClose(): void }) {
  const [scan, setScan] = useState<SshConfigScanInfo | null>(null);
  const [error, setError] = useState<HomeportError | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [importing, setImporting] = useState(false);

  useEffect(() => {
    let live = true;
    client()
      .hosts.scanSshConfig()
      .then((result) => {
        if (!live) return;
        setScan(result);
        setSelected(new Set(result.hosts.filter((h) => !h.existingHostId).map((h) => h.alias)));
      })
      .catch((e: unknown) => live && setError(asHomeportError(e)));
    return () => {
      live = false;
    };
  }, []);

  const toggle = (alias: string, on: boolean) =>
    setSelected((s) => {
      const next = new Set(s);
      if (on) next.add(alias);
      else next.delete(alias);
      return next;
    });

  const run = async () => {
    if (!scan || selected.size === 0 || importing) return;
    setImporting(true);
    setError(null);
    try {
      // Keep the file's order.
      const aliases = scan.hosts.map((h) => h.alias).filter((a) => selected.has(a));
      const added = await client().hosts.importSshConfig({ aliases });
      appStore.getState().pushToast({
        tone: 'success',
        title: `Imported ${added.length} ${added.length === 1 ? 'host' : 'hosts'} from ${scan.path}`,
      });
      onClose();
    } catch (e) {
      setError(asHomeportError(e));
    } finally {
      setImporting(false);
    }
  };

  return (
    <Dialog
      title="Import from ~/.ssh/config"
      size="large"
      onClose={() => !importing && onClose()}
      onSubmit={() => void run()}
      testId="ssh-import-dialog"
      footer={
        <>
          {scan && scan.hosts.length > 0 && (
            <span className="muted small">
              {selected.size} of {scan.hosts.length} selected
            </span>
          )}
          <span className="spacer" />
          <button type="button" className="button" onClick={onClose} disabled={importing}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={!scan || selected.size === 0 || importing}>
            {importing && <Spinner />}
            Import
          </button>
        </>
      }
    >
      {error && <ErrorMessage error={error} />}
      {!scan && !error && (
        <p className="center-note">
          <Spinner /> Reading ~/.ssh/config…
        </p>
      )}
      {scan && (
        <>
          <p className="muted small">
            From <span className="mono">{scan.path}</span>. Hosts already in Homeport are marked and not selected.
          </p>
          {scan.hosts.length === 0 ? (
            <p className="empty-inline">No concrete Host entries found (wildcard patterns are not hosts).</p>
          ) : (
            <table className="data-table import-table">
              <thead>
                <tr>
                  <th scope="col" className="col-check">
                    <span className="sr-only">Import</span>
                  </th>
                  <th scope="col">Alias</th>
                  <th scope="col">Address</th>
                  <th scope="col">Identity file</th>
                </tr>
              </thead>
              <tbody>
                {scan.hosts.map((h) => (
                  <tr key={h.alias} data-testid="ssh-config-host" data-alias={h.alias}>
                    <td className="col-check">
                      <input
                        type="checkbox"
                        aria-label={`Import ${h.alias}`}
                        checked={selected.has(h.alias)}
                        onChange={(e) => toggle(h.alias, e.target.checked)}
                      />
                    </td>
                    <td>
                      <strong>{h.alias}</strong>
                      {h.existingHostId && <span className="tag">already added</span>}
                    </td>
                    <td className="mono">{formatAddress(h.user, h.hostname, h.port)}</td>
                    <td className="mono muted">{h.identityFile ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {scan.problems.length > 0 && (
            <div className="problems" data-testid="ssh-config-problems">
              <h3>Problems in the file</h3>
              <ul>
                {scan.problems.map((p, i) => (
                  <li key={i}>
                    <span className="mono">line {p.line}</span>: {p.message}
                  </li>
                ))}
              </ul>
            </div>
          )}
        </>
      )}
    </Dialog>
  );
}
