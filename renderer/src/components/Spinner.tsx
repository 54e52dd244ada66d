export function Spinner({ label, size = 'small' }: { label?: string; size?: 'small' | 'medium' }) {
  return (
    <span className={`spinner spinner-${size}`} role={label ? 'status' : undefined} aria-label={label} aria-hidden={label ? undefined : true} />
  );
}
