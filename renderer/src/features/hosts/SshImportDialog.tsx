import { useEffect, useState } from 'react';
import { formatAddress, type SshConfigScanInfo } from '../../../../shared/contract';
import { FormDialog } from '../../components/FormDialog';
import { Spinner } from '../../components/Spinner';
import { TableHead } from '../../components/TableHead';
import { useSubmit } from '../../components/use-submit';
import { appStore } from '../../store';
import { asHomeportError } from '../../lib/errors';
import { importSshConfig, scanSshConfig } from './api';

/** Pick hosts from ~/.ssh/config; the file's problems are listed with their line numbers. */
export function SshImportDialog({ onClose }: { onClose(): void }) {
  const [scan, setScan] = useState<SshConfigScanInfo | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const submit = useSubmit(async () => {
    if (!scan) return;
    // Keep the file's order.
    const aliases = scan.hosts.map((h) => h.alias).filter((a) => selected.has(a));
    const added = await importSshConfig({ aliases });
    appStore.getState().pushToast({
      tone: 'success',
      title: `Imported ${added.length} ${added.length === 1 ? 'host' : 'hosts'} from ${scan.path}`,
    });
    onClose();
  });
  const { setError } = submit;
  const error = submit.error;

  useEffect(() => {
    let live = true;
    scanSshConfig()
      .then((result) => {
        if (!live) return;
        setScan(result);
        setSelected(new Set(result.hosts.filter((h) => !h.existingHostId).map((h) => h.alias)));
      })
      .catch((e: unknown) => live && setError(asHomeportError(e).toInfo()));
    return () => {
      live = false;
    };
  }, [setError]);

  const toggle = (alias: string, on: boolean) =>
    setSelected((s) => {
      const next = new Set(s);
      if (on) next.add(alias);
      else next.delete(alias);
      return next;
    });

  return (
    <FormDialog
      title="Import from ~/.ssh/config"
      size="large"
      testId="ssh-import-dialog"
      form={submit}
      onSubmit={() => scan && selected.size > 0 && void submit.run()}
      onClose={onClose}
      submitLabel="Import"
      submitDisabled={!scan || selected.size === 0}
      errorAt="top"
      actions={
        scan &&
        scan.hosts.length > 0 && (
          <span className="muted small">
            {selected.size} of {scan.hosts.length} selected
          </span>
        )
      }
    >
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
              <TableHead columns={[{ label: <span className="sr-only">Import</span>, className: 'col-check' }, 'Alias', 'Address', 'Identity file']} />
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
    </FormDialog>
  );
}
