import { useState } from 'react';
import type { MaintenanceWindowInfo, MonitorId } from '../../../../shared/contract';
import { FormDialog } from '../../components/FormDialog';
import { useSubmit } from '../../components/use-submit';
import { setMaintenance } from './api';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const HOUR = 3_600_000;

/** A window as the form edits it: one-off ranges as datetime-local text, weekly ones as days and HH:MM. */
type Draft =
  | { kind: 'once'; from: string; to: string }
  | { kind: 'weekly'; days: number[]; start: string; end: string; utcOffsetMinutes: number };

const pad = (n: number) => String(n).padStart(2, '0');
/** epoch ms → the value of an <input type="datetime-local"> in this computer's time. */
export function toLocalInput(t: number): string {
  const d = new Date(t);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
const fromLocalInput = (s: string): number => (s ? new Date(s).getTime() : NaN);

function toDraft(w: MaintenanceWindowInfo): Draft {
  return w.kind === 'once' ? { kind: 'once', from: toLocalInput(w.from), to: toLocalInput(w.to) } : { ...w, days: [...w.days] };
}

/** The first problem of a window (the services check again), or null. */
export function draftProblem(d: Draft): string | null {
  if (d.kind === 'once') {
    const from = fromLocalInput(d.from);
    const to = fromLocalInput(d.to);
    if (!Number.isFinite(from) || !Number.isFinite(to)) return 'Give a start and an end.';
    if (to <= from) return 'The end must be after the start.';
    return null;
  }
  if (d.days.length === 0) return 'Pick at least one day.';
  if (!/^\d{2}:\d{2}$/.test(d.start) || !/^\d{2}:\d{2}$/.test(d.end)) return 'Give a start and an end time.';
  return null;
}

/**
 * Maintenance windows of one monitor (or, `monitorId` null, of every monitor): during a window
 * checks go on, the monitor shows "maintenance", and nothing is notified.
 */
export function MaintenanceDialog({ monitorId, name, windows, onClose, onSaved }: { monitorId: MonitorId | null; name: string; windows: MaintenanceWindowInfo[]; onClose(): void; onSaved(): void }) {
  const [drafts, setDrafts] = useState<Draft[]>(() => windows.map(toDraft));
  const [tried, setTried] = useState(false);
  const offset = -new Date().getTimezoneOffset();
  const problems = drafts.map(draftProblem);
  const save = useSubmit(async () => {
    const out: MaintenanceWindowInfo[] = drafts.map((d) => (d.kind === 'once' ? { kind: 'once', from: fromLocalInput(d.from), to: fromLocalInput(d.to) } : { ...d, utcOffsetMinutes: offset }));
    await setMaintenance({ id: monitorId, windows: out });
    onSaved();
    onClose();
  });
  const set = (i: number, d: Draft) => {
    setDrafts((all) => all.map((x, j) => (j === i ? d : x)));
    // The refusal was about the windows before this change.
    save.edited();
  };
  const submit = () => {
    setTried(true);
    if (problems.some(Boolean)) return;
    void save.run();
  };

  return (
    <FormDialog
      title={monitorId === null ? 'Maintenance for all monitors' : `Maintenance: ${name}`}
      testId="maintenance-dialog"
      form={save}
      onSubmit={submit}
      onClose={onClose}
      submitLabel="Save"
      errorTitle="The windows were not saved"
    >
      <p className="muted">During a window checks go on, the monitor shows “maintenance”, and no alert is sent. Times are this computer’s.</p>
      {drafts.length === 0 && <p className="muted" data-testid="maintenance-empty">No maintenance windows.</p>}
      <ol className="maintenance-list">
        {drafts.map((d, i) => (
          <li key={i} className="maintenance-window" aria-label={`Window ${i + 1}`}>
            {d.kind === 'once' ? (
              <div className="maintenance-row">
                <label>
                  From <input type="datetime-local" value={d.from} onChange={(e) => set(i, { ...d, from: e.target.value })} />
                </label>
                <label>
                  To <input type="datetime-local" value={d.to} onChange={(e) => set(i, { ...d, to: e.target.value })} />
                </label>
              </div>
            ) : (
              <div className="maintenance-row">
                <fieldset className="weekdays">
                  <legend>Every</legend>
                  {DAYS.map((name, day) => (
                    <label key={day} className="weekday">
                      <input
                        type="checkbox"
                        checked={d.days.includes(day)}
                        onChange={(e) => set(i, { ...d, days: e.target.checked ? [...d.days, day].sort() : d.days.filter((x) => x !== day) })}
                      />
                      {name}
                    </label>
                  ))}
                </fieldset>
                <label>
                  From <input type="time" value={d.start} onChange={(e) => set(i, { ...d, start: e.target.value })} />
                </label>
                <label>
                  To <input type="time" value={d.end} onChange={(e) => set(i, { ...d, end: e.target.value })} />
                </label>
              </div>
            )}
            <button type="button" className="button button-small" aria-label={`Remove window ${i + 1}`} onClick={() => setDrafts((all) => all.filter((_, j) => j !== i))}>
              Remove
            </button>
            {tried && problems[i] && (
              <p className="field-error" role="alert">
                Window {i + 1}: {problems[i]}
              </p>
            )}
          </li>
        ))}
      </ol>
      <div className="button-row">
        <button
          type="button"
          className="button button-small"
          onClick={() => {
            const now = Date.now();
            setDrafts((all) => [...all, { kind: 'once', from: toLocalInput(now), to: toLocalInput(now + 2 * HOUR) }]);
          }}
        >
          Add one-off window
        </button>
        <button type="button" className="button button-small" onClick={() => setDrafts((all) => [...all, { kind: 'weekly', days: [0], start: '03:00', end: '04:00', utcOffsetMinutes: offset }])}>
          Add weekly window
        </button>
      </div>
    </FormDialog>
  );
}
