import { memo, type ReactNode } from 'react';
import { styleToCss } from './ansi';
import { segmentsOf, type LogLine, type Match } from './log-model';

/** "2026-11-25T07:09:57.754458780Z" → "2026-11-25 07:09:57.754" in local time. */
function formatTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

/** One line: time, the stderr mark, and its text in ANSI colours with the search matches marked. */
export const LogRow = memo(function LogRow({ line, showTime, matches, currentAbs }: { line: LogLine; showTime: boolean; matches: { match: Match; absMatch: number }[]; currentAbs: number }) {
  const segs = segmentsOf(line);
  // The styled pieces of [from, to) of the plain text.
  const styled = (from: number, to: number, keyBase: string): ReactNode[] => {
    const out: ReactNode[] = [];
    let offset = 0;
    segs.forEach((seg, i) => {
      const a = Math.max(from, offset);
      const b = Math.min(to, offset + seg.text.length);
      if (a < b) {
        out.push(
          <span key={`${keyBase}.${i}`} style={seg.style ? styleToCss(seg.style) : undefined}>
            {seg.text.slice(a - offset, b - offset)}
          </span>,
        );
      }
      offset += seg.text.length;
    });
    return out;
  };
  const total = line.plain.length;
  const parts: ReactNode[] = [];
  let pos = 0;
  for (const { match, absMatch } of matches) {
    if (match.start < pos) continue;
    if (match.start > pos) parts.push(...styled(pos, match.start, `t${pos}`));
    const cur = absMatch === currentAbs;
    parts.push(
      <mark key={`m${match.start}`} className={cur ? 'log-match log-match-current' : 'log-match'} data-testid={cur ? 'log-match-current' : 'log-match'}>
        {styled(match.start, match.end, `m${match.start}`)}
      </mark>,
    );
    pos = match.end;
  }
  if (pos < total || total === 0) parts.push(...styled(pos, total, `t${pos}`));
  return (
    <>
      {line.stream === 'stderr' && <span className="sr-only">stderr: </span>}
      {showTime && line.time && (
        <span className="log-time" title={line.time}>
          {formatTime(line.time)}
        </span>
      )}
      <span className="log-text">{parts}</span>
    </>
  );
});
