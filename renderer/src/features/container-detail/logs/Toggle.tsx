/** A button that stays pressed (the log's Follow, Timestamps, Wrap and the search's options). */
export function Toggle({ pressed, onChange, label, ariaLabel, title }: { pressed: boolean; onChange(v: boolean): void; label: string; ariaLabel?: string; title?: string }) {
  return (
    <button
      type="button"
      className={`button button-small logs-toggle${pressed ? ' on' : ''}`}
      aria-pressed={pressed}
      aria-label={ariaLabel}
      title={title}
      onClick={() => onChange(!pressed)}
    >
      {label}
    </button>
  );
}
