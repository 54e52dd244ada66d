import { useState } from 'react';
import type { SettingsAction, SettingsProblemInfo } from '../../../../shared/contract';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { appStore, useApp } from '../../store';
import './settings.css';

const ACTION_LABEL: Record<SettingsAction, string> = {
  'check-again': 'Check again',
  'new-secret-key': 'Start over with a new key',
  discard: 'Remove',
};

const SHOWN = 4;

/**
 * Saved settings Homeport cannot read, above every view: which entry, why, what to do, and the
 * actions the services offer. Nothing is removed without a confirmation; until then each entry
 * stays in the settings file as it was.
 */
export function SettingsProblems() {
  const problems = useApp((s) => s.settingsProblems);
  const [all, setAll] = useState(false);
  const [confirm, setConfirm] = useState<{ problem: SettingsProblemInfo; action: SettingsAction } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  if (problems.length === 0) return null;

  const run = async (problem: SettingsProblemInfo, action: SettingsAction) => {
    setBusy(`${problem.id} ${action}`);
    try {
      await appStore.getState().resolveSettingsProblem(problem.id, action);
    } catch (e) {
      appStore.getState().toastError(`${ACTION_LABEL[action]}: ${problem.entry}`, e);
    } finally {
      setBusy(null);
    }
  };
  const shown = all ? problems : problems.slice(0, SHOWN);

  return (
    <section className="banner banner-warn settings-problems" role="region" aria-label="Saved settings that cannot be read" data-testid="settings-problems">
      <strong>
        {problems.length === 1 ? 'One saved setting cannot be read. It is kept as it was until you decide.' : `${problems.length} saved settings cannot be read. They are kept as they were until you decide.`}
      </strong>
      <ul>
        {shown.map((p) => (
          <li key={p.id} data-testid="settings-problem" data-id={p.id} data-area={p.area}>
            <div className="settings-problem-entry">{p.entry}</div>
            <div>{p.reason}</div>
            <div className="muted">{p.fix}</div>
            <div className="toolbar-group">
              {p.actions.map((a) => (
                <button
                  key={a}
                  type="button"
                  className={`button button-small${a === 'discard' ? ' button-danger-quiet' : ''}`}
                  disabled={busy !== null}
                  aria-label={`${ACTION_LABEL[a]}: ${p.entry}`}
                  onClick={() => (a === 'check-again' ? void run(p, a) : setConfirm({ problem: p, action: a }))}
                >
                  {ACTION_LABEL[a]}
                </button>
              ))}
            </div>
          </li>
        ))}
      </ul>
      {problems.length > SHOWN && (
        <button type="button" className="link-button" onClick={() => setAll(!all)}>
          {all ? 'Show fewer' : `Show all ${problems.length}`}
        </button>
      )}
      {confirm && (
        <ConfirmDialog
          title={confirm.action === 'discard' ? `Remove ${confirm.problem.entry}?` : 'Start over with a new key?'}
          confirmLabel={ACTION_LABEL[confirm.action]}
          danger
          onCancel={() => setConfirm(null)}
          onConfirm={async () => {
            await run(confirm.problem, confirm.action);
            setConfirm(null);
          }}
        >
          {confirm.action === 'discard' ? (
            <p>It is removed from the settings file for good. If you still have the original key file or a backup of the file, put it back first.</p>
          ) : (
            <p>
              Homeport makes a new key file. The secrets sealed with the old one cannot be opened by it: they stay listed here, to enter again or remove. If
              you still have the old key file, put it back and choose “Check again” instead.
            </p>
          )}
        </ConfirmDialog>
      )}
    </section>
  );
}
