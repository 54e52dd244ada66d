import type { ReactNode } from 'react';

/**
 * The top of a screen: its title and a short summary, the toolbar's buttons, then whatever else the
 * screen puts in the header (a filter box).
 */
export function ViewHeader({ title, summary, toolbar, children }: { title: string; summary?: ReactNode; toolbar?: ReactNode; children?: ReactNode }) {
  return (
    <header className="view-header">
      <div className="view-title">
        <h1>{title}</h1>
        {summary && <span className="view-summary">{summary}</span>}
      </div>
      {toolbar && <div className="toolbar">{toolbar}</div>}
      {children}
    </header>
  );
}
