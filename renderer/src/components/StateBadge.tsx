import type { ReactNode } from 'react';

/** Colour family of a state (dots and badges); the only colours the lists use. */
export type Tone = 'ok' | 'warn' | 'error' | 'idle' | 'busy';

/** A small state pill: dot + text. Colour comes only from the tone. */
export function StateBadge({ tone, children, title }: { tone: Tone; children: ReactNode; title?: string }) {
  return (
    <span className={`badge tone-${tone}`} title={title}>
      <span className="dot" aria-hidden="true" />
      {children}
    </span>
  );
}

export function StateDot({ tone }: { tone: Tone }) {
  return <span className={`dot tone-${tone}`} aria-hidden="true" />;
}
