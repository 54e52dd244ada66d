/** Commands for the palette, and how a query ranks them (pure; tested on its own). */

export type CommandGroup = 'Go to' | 'Containers' | 'Stacks' | 'Hosts' | 'Images' | 'Volumes' | 'Networks' | 'Monitors' | 'Help';

export interface Command {
  id: string;
  title: string;
  group: CommandGroup;
  /** Shown on the right: a host name, a state, a shortcut. */
  hint?: string;
  /** More words it answers to (not shown). */
  keywords?: string;
  run(): void | Promise<void>;
}

const norm = (s: string) => s.toLowerCase();

/**
 * How well `text` answers one query token: a word that starts with it beats a substring, which
 * beats letters in order (fuzzy); 0 when it does not match at all.
 */
function tokenScore(text: string, token: string): number {
  const i = text.indexOf(token);
  if (i >= 0) {
    const atWord = i === 0 || /[\s/_.:@-]/.test(text[i - 1]!);
    return (atWord ? 3 : 2) + (i === 0 ? 1 : 0);
  }
  let at = 0;
  for (const ch of token) {
    at = text.indexOf(ch, at);
    if (at < 0) return 0;
    at++;
  }
  return 1;
}

/** Every token must match the title or the keywords; titles count more. */
export function scoreCommand(cmd: Command, query: string): number {
  const tokens = norm(query).split(/\s+/).filter(Boolean);
  if (tokens.length === 0) return 1;
  const title = norm(cmd.title);
  const extra = norm(`${cmd.group} ${cmd.hint ?? ''} ${cmd.keywords ?? ''}`);
  let total = 0;
  for (const t of tokens) {
    const s = Math.max(tokenScore(title, t) * 2, tokenScore(extra, t));
    if (s === 0) return 0;
    total += s;
  }
  // Shorter titles win ties ("Open web" before "Open web-old").
  return total + 1 / (1 + title.length);
}

/** The best matches, best first; with no query, the commands in their given order. */
export function rankCommands(commands: readonly Command[], query: string, limit = 60): Command[] {
  if (!query.trim()) return commands.slice(0, limit);
  return commands
    .map((c, i) => ({ c, i, s: scoreCommand(c, query) }))
    .filter((x) => x.s > 0)
    .sort((a, b) => b.s - a.s || a.i - b.i)
    .slice(0, limit)
    .map((x) => x.c);
}

export interface Shortcut {
  keys: string[];
  what: string;
}

export const SHORTCUTS: Shortcut[] = [
  { keys: ['Ctrl/⌘', 'K'], what: 'Command palette: find any host, container, stack, image, volume or monitor and run its actions' },
  { keys: ['?'], what: 'This list of shortcuts' },
  { keys: ['/'], what: 'Filter the list (also Ctrl/⌘ F)' },
  { keys: ['↑', '↓'], what: 'Move in a list or the sidebar; Home / End jump to the ends' },
  { keys: ['Enter'], what: 'Open the focused container' },
  { keys: ['←', '→'], what: 'Switch tabs on a container’s page' },
  { keys: ['Esc'], what: 'Close a dialog, or go back from a container’s page' },
];
