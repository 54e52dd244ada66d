import { useEffect, useRef, useState } from 'react';
import type { MonitorId, MutePreset } from '../../../../shared/contract';
import { appStore } from '../../store';
import { toErrorInfo } from '../../lib/errors';
import { formatUntil } from './monitors-ui';
import { muteMonitor, unmuteMonitor } from './api';

const PRESETS: Array<[MutePreset, string]> = [
  ['1h', 'For 1 hour'],
  ['4h', 'For 4 hours'],
  ['8h', 'For 8 hours'],
  ['tomorrow', 'Until tomorrow 08:00'],
];

/**
 * Mute one monitor (`id`) or every notification (`id` null): 1 / 4 / 8 hours or until the next
 * 08:00 here (the offset of this computer is sent, so "tomorrow" is the user's morning even when
 * the services run elsewhere). Checks go on; only notifications stop.
 */
export function MuteMenu({ id, mutedUntil, label, compact = false, onChanged }: { id: MonitorId | null; mutedUntil: number | null; label: string; compact?: boolean; onChanged(): void }) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    root.current?.querySelector<HTMLButtonElement>('[role="menuitem"]')?.focus();
    const onDoc = (e: MouseEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDoc);
    return () => document.removeEventListener('mousedown', onDoc);
  }, [open]);
  const run = async (f: () => Promise<unknown>, what: string) => {
    setOpen(false);
    setBusy(true);
    try {
      await f();
      onChanged();
    } catch (e) {
      const info = toErrorInfo(e);
      appStore.getState().pushToast({ tone: 'error', title: `Could not ${what}`, message: info.message, ...(info.fix ? { fix: info.fix } : {}) });
    } finally {
      setBusy(false);
    }
  };
  const onKey = (e: React.KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      setOpen(false);
      root.current?.querySelector<HTMLButtonElement>('button')?.focus();
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      const items = [...(root.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]') ?? [])];
      const i = items.indexOf(document.activeElement as HTMLButtonElement);
      items[(i + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length]?.focus();
      e.preventDefault();
    }
  };
  const muted = mutedUntil !== null && mutedUntil > Date.now();
  return (
    <div className="menu-anchor" ref={root} onKeyDown={onKey}>
      <button
        type="button"
        className={`button button-small${muted ? ' button-muted-on' : ''}`}
        aria-haspopup="menu"
        aria-expanded={open}
        disabled={busy}
        title={muted ? `Muted ${formatUntil(mutedUntil)}` : undefined}
        aria-label={muted ? `Muted ${formatUntil(mutedUntil)}` : label}
        onClick={() => setOpen((o) => !o)}
      >
        {muted ? (compact ? 'Muted' : `Muted ${formatUntil(mutedUntil)}`) : label}
      </button>
      {open && (
        <div className="menu" role="menu" aria-label={id === null ? 'Mute all notifications' : 'Mute this monitor'}>
          {PRESETS.map(([preset, text]) => (
            <button
              key={preset}
              type="button"
              role="menuitem"
              className="menu-item"
              onClick={() => void run(() => muteMonitor({ id, preset, utcOffsetMinutes: -new Date().getTimezoneOffset() }), 'mute')}
            >
              {text}
            </button>
          ))}
          {muted && (
            <button type="button" role="menuitem" className="menu-item" onClick={() => void run(() => unmuteMonitor({ id }), 'unmute')}>
              Unmute
            </button>
          )}
        </div>
      )}
    </div>
  );
}
