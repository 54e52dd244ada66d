export function Spinner({ label, size = 'small' }: { label?: string; size?: 'small' | 'medium' }) {
  return (
    <span className={`spinner spinner-${size}`} role={label ? 'status' : undefined} aria-label={label} aria-hidden={label ? undefined : true} />
  );
}

/** What a screen shows in place of a list it is still loading. */
export function LoadingNote() {
  return (
    <div className="center-note">
      <Spinner size="medium" /> Loading…
    </div>
  );
}
