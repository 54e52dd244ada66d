/**
 * Which tags of a repository are newer versions of the tag a container runs. A tag's "line" is its
 * shape: the `v` prefix or not, how many numbers (`16`, `16.4`, `16.4.1`) and the suffix after the
 * numbers (`-alpine`, `-bookworm`): only tags of the same line are offered, so `1.2.3-alpine` is
 * never told to move to `1.3.0` (Debian) or to `1.3.0-rc1`.
 */

export type Change = 'major' | 'minor' | 'patch';

export interface VersionTag {
  prefix: string;
  numbers: number[];
  suffix: string;
}

export interface NewerTag {
  tag: string;
  change: Change;
}

export interface TagCheck {
  /**
   * True when the tag follows a moving target (`latest`, `stable`, or a major-only `16`): what tells
   * of an update is the tag's digest changing, not another tag.
   */
  floating: boolean;
  /** Newer tags of the same line, newest first; empty for tags that are not versions. */
  newer: NewerTag[];
}

const VERSION = /^(v?)(\d{1,9})(?:\.(\d{1,9}))?(?:\.(\d{1,9}))?(-[A-Za-z0-9][A-Za-z0-9._-]*)?$/;

export function parseVersionTag(tag: string): VersionTag | null {
  const m = VERSION.exec(tag);
  if (!m) return null;
  const numbers = [m[2], m[3], m[4]].filter((x): x is string => x !== undefined).map(Number);
  return { prefix: m[1]!, numbers, suffix: m[5] ?? '' };
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

function sameLine(a: VersionTag, b: VersionTag): boolean {
  return a.prefix === b.prefix && a.suffix === b.suffix && a.numbers.length === b.numbers.length;
}

export function newerTags(current: string, tags: readonly string[]): TagCheck {
  const cur = parseVersionTag(current);
  if (!cur) return { floating: true, newer: [] };
  const found = new Map<string, { v: VersionTag; tag: string }>();
  for (const tag of tags) {
    const v = parseVersionTag(tag);
    if (!v || !sameLine(cur, v) || compare(v.numbers, cur.numbers) <= 0) continue;
    // `1.02` and `1.2` are the same version; keep the first spelling seen.
    const key = v.numbers.join('.');
    if (!found.has(key)) found.set(key, { v, tag });
  }
  const newer = [...found.values()]
    .sort((a, b) => compare(b.v.numbers, a.v.numbers))
    .map(({ v, tag }) => ({ tag, change: (v.numbers[0] !== cur.numbers[0] ? 'major' : v.numbers[1] !== cur.numbers[1] ? 'minor' : 'patch') as Change }));
  return { floating: cur.numbers.length === 1, newer };
}
