/**
 * A small ANSI escape parser for log lines: SGR (colours 8/16/256/truecolor for foreground and
 * background, bold, dim, italic, underline, inverse, reset) becomes styled segments; every other
 * escape sequence (cursor moves, OSC titles…) is dropped. The output is plain data, rendered as
 * text spans — never as HTML.
 */
export interface AnsiStyle {
  fg?: string;
  bg?: string;
  bold?: boolean;
  dim?: boolean;
  italic?: boolean;
  underline?: boolean;
  inverse?: boolean;
}

export interface AnsiSegment {
  text: string;
  style: AnsiStyle | null;
}

/** The 16 basic colours, tuned for the dark theme. */
export const BASIC_COLOURS = [
  '#3b4048', '#ee5d52', '#3fb26b', '#d6a338', '#3d8fe0', '#c06fd8', '#39b3c2', '#c8ccd2',
  '#6b737d', '#ff7b72', '#56d68a', '#ecc15c', '#79b8ff', '#d99cf0', '#66d9e8', '#ffffff',
] as const;

const hex2 = (n: number) => Math.max(0, Math.min(255, n | 0)).toString(16).padStart(2, '0');
const rgb = (r: number, g: number, b: number) => `#${hex2(r)}${hex2(g)}${hex2(b)}`;

/** xterm's 256-colour palette. */
export function colour256(n: number): string | undefined {
  if (!Number.isInteger(n) || n < 0 || n > 255) return undefined;
  if (n < 16) return BASIC_COLOURS[n];
  if (n < 232) {
    const i = n - 16;
    const level = (v: number) => (v === 0 ? 0 : 55 + v * 40);
    return rgb(level(Math.floor(i / 36)), level(Math.floor(i / 6) % 6), level(i % 6));
  }
  const g = 8 + (n - 232) * 10;
  return rgb(g, g, g);
}

// CSI … final byte | OSC … BEL/ST | a two-byte escape. Bare ESC at the end is dropped too.
const ESCAPE = /\x1b(?:\[([0-9;:?<=>]*)[ -/]*([@-~])|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_]|$)/g;
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f]/g;
const HAS_CONTROL = /[\x00-\x08\x0b-\x1f\x7f]/;

/** The line's text without escape sequences (what search and download use). */
export function stripAnsi(text: string): string {
  if (text.indexOf('\x1b') === -1) return HAS_CONTROL.test(text) ? text.replace(CONTROL, '') : text;
  return text.replace(ESCAPE, '').replace(CONTROL, '');
}

/** Parses SGR parameters into a new style (the old one is not changed). */
export function applySgr(style: AnsiStyle, params: string): AnsiStyle {
  const s: AnsiStyle = { ...style };
  // "38:2::r:g:b" (colon form) and "38;2;r;g;b" (semicolon form) both mean truecolor.
  const parts = params === '' ? ['0'] : params.split(';');
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (part.includes(':')) {
      const sub = part.split(':').map((x) => (x === '' ? NaN : Number(x)));
      const [code, mode] = sub;
      if (code === 38 || code === 48) {
        let colour: string | undefined;
        if (mode === 5) colour = colour256(sub[2]!);
        else if (mode === 2) {
          const c = sub.length >= 6 ? sub.slice(3, 6) : sub.slice(2, 5);
          if (c.length === 3 && c.every((v) => Number.isFinite(v))) colour = rgb(c[0]!, c[1]!, c[2]!);
        }
        if (colour) s[code === 38 ? 'fg' : 'bg'] = colour;
      } else if (code === 4) s.underline = mode !== 0;
      continue;
    }
    const n = part === '' ? 0 : Number(part);
    if (n === 0) {
      for (const k of Object.keys(s) as (keyof AnsiStyle)[]) delete s[k];
    } else if (n === 1) s.bold = true;
    else if (n === 2) s.dim = true;
    else if (n === 3) s.italic = true;
    else if (n === 4) s.underline = true;
    else if (n === 7) s.inverse = true;
    else if (n === 22) {
      delete s.bold;
      delete s.dim;
    } else if (n === 23) delete s.italic;
    else if (n === 24) delete s.underline;
    else if (n === 27) delete s.inverse;
    else if (n >= 30 && n <= 37) s.fg = BASIC_COLOURS[n - 30];
    else if (n === 39) delete s.fg;
    else if (n >= 40 && n <= 47) s.bg = BASIC_COLOURS[n - 40];
    else if (n === 49) delete s.bg;
    else if (n >= 90 && n <= 97) s.fg = BASIC_COLOURS[n - 90 + 8];
    else if (n >= 100 && n <= 107) s.bg = BASIC_COLOURS[n - 100 + 8];
    else if (n === 38 || n === 48) {
      const key = n === 38 ? 'fg' : 'bg';
      const mode = Number(parts[i + 1]);
      if (mode === 5) {
        const c = colour256(Number(parts[i + 2]));
        if (c) s[key] = c;
        i += 2;
      } else if (mode === 2) {
        const [r, g, b] = [parts[i + 2], parts[i + 3], parts[i + 4]].map(Number);
        if ([r, g, b].every((v) => Number.isFinite(v))) s[key] = rgb(r!, g!, b!);
        i += 4;
      } else i += 1;
    }
  }
  return s;
}

const isEmpty = (s: AnsiStyle) => Object.keys(s).length === 0;

/** Splits a line into styled segments; the segments' texts joined are `stripAnsi(text)`. */
export function parseAnsi(text: string): AnsiSegment[] {
  if (text.indexOf('\x1b') === -1) return [{ text: stripAnsi(text), style: null }];
  const out: AnsiSegment[] = [];
  let style: AnsiStyle = {};
  let last = 0;
  const push = (t: string) => {
    const clean = HAS_CONTROL.test(t) ? t.replace(CONTROL, '') : t;
    if (!clean) return;
    const prev = out[out.length - 1];
    const st = isEmpty(style) ? null : style;
    if (prev && prev.style === st) prev.text += clean;
    else out.push({ text: clean, style: st });
  };
  ESCAPE.lastIndex = 0;
  for (let m = ESCAPE.exec(text); m; m = ESCAPE.exec(text)) {
    push(text.slice(last, m.index));
    last = m.index + m[0].length;
    if (m[2] === 'm' && !/[?<=>]/.test(m[1] ?? '')) style = applySgr(style, m[1] ?? '');
  }
  push(text.slice(last));
  return out.length ? out : [{ text: '', style: null }];
}

/** The CSS for a style (inverse swaps the colours). */
export function styleToCss(s: AnsiStyle): Record<string, string> {
  const css: Record<string, string> = {};
  let fg = s.fg;
  let bg = s.bg;
  if (s.inverse) [fg, bg] = [bg ?? 'var(--log-bg)', fg ?? 'var(--text)'];
  if (fg) css.color = fg;
  if (bg) css.backgroundColor = bg;
  if (s.bold) css.fontWeight = '700';
  if (s.dim) css.opacity = '0.6';
  if (s.italic) css.fontStyle = 'italic';
  if (s.underline) css.textDecoration = 'underline';
  return css;
}
