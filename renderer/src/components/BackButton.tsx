import { BackIcon } from './icons';

/** The Back button of a page opened from a list: `label` names where it goes, `title` how else to get there. */
export function BackButton({ label, title = 'Back (Esc)', onClick }: { label: string; title?: string; onClick(): void }) {
  return (
    <button type="button" className="icon-button" aria-label={label} title={title} onClick={onClick}>
      <BackIcon />
    </button>
  );
}
