/**
 * A small JSONPath subset — enough to point at one value in a health endpoint's answer, and small
 * enough to parse with certainty at the form:
 *
 *   $                the whole document
 *   .key             a member; key = [A-Za-z_$][A-Za-z0-9_$-]*   ($.status, $.app-version)
 *   ['key'] ["key"]  a member with any name; \\ \' \" escape inside the quotes
 *   [n]              an array element, n an integer; a negative n counts from the end ([-1] = last)
 *
 * e.g. `$.items[0].ok`, `$['checks']["db-main"].status`, `$.nodes[-1]`. Whitespace is not allowed.
 * Not supported: wildcards (*), recursive descent (..), slices, filters, unions — a path selects
 * exactly one value or nothing. Only own properties are read (`__proto__` in a path reads a member
 * named "__proto__", never the prototype).
 */

export type JsonPathSegment = { kind: 'key'; key: string } | { kind: 'index'; index: number };

export const JSON_PATH_MAX_LENGTH = 500;
const MAX_SEGMENTS = 64;

export class JsonPathError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
    this.name = 'JsonPathError';
  }
}

const IDENT_START = /[A-Za-z_$]/;
const IDENT_PART = /[A-Za-z0-9_$-]/;

/** Parses a path of the subset above; throws JsonPathError naming the position and the problem. */
export function parseJsonPath(path: string): JsonPathSegment[] {
  if (path.length > JSON_PATH_MAX_LENGTH) throw new JsonPathError(`is longer than ${JSON_PATH_MAX_LENGTH} characters`, JSON_PATH_MAX_LENGTH);
  if (path[0] !== '$') throw new JsonPathError('must start with $', 0);
  const out: JsonPathSegment[] = [];
  let i = 1;
  while (i < path.length) {
    if (out.length >= MAX_SEGMENTS) throw new JsonPathError(`has more than ${MAX_SEGMENTS} steps`, i);
    const c = path[i];
    if (c === '.') {
      if (path[i + 1] === '.') throw new JsonPathError('uses recursive descent (..), which is not supported', i);
      let j = i + 1;
      if (j >= path.length || !IDENT_START.test(path[j]!)) {
        if (path[j] === '*') throw new JsonPathError('uses a wildcard (*), which is not supported', j);
        throw new JsonPathError(`expects a member name after "." at position ${j}`, j);
      }
      while (j < path.length && IDENT_PART.test(path[j]!)) j++;
      out.push({ kind: 'key', key: path.slice(i + 1, j) });
      i = j;
    } else if (c === '[') {
      const q = path[i + 1];
      if (q === "'" || q === '"') {
        let j = i + 2;
        let key = '';
        for (;;) {
          if (j >= path.length) throw new JsonPathError(`has an unterminated ${q}…${q} name starting at position ${i}`, i);
          const d = path[j]!;
          if (d === '\\') {
            const e = path[j + 1];
            if (e !== '\\' && e !== "'" && e !== '"') throw new JsonPathError(`has an unknown escape \\${e ?? ''} at position ${j}`, j);
            key += e;
            j += 2;
          } else if (d === q) {
            j++;
            break;
          } else {
            key += d;
            j++;
          }
        }
        if (path[j] !== ']') throw new JsonPathError(`expects "]" at position ${j}`, j);
        out.push({ kind: 'key', key });
        i = j + 1;
      } else {
        const m = /^-?(0|[1-9][0-9]{0,8})\]/.exec(path.slice(i + 1, i + 13));
        if (!m) {
          if (q === '*') throw new JsonPathError('uses a wildcard (*), which is not supported', i + 1);
          if (q === '?') throw new JsonPathError('uses a filter ([?…]), which is not supported', i + 1);
          throw new JsonPathError(`expects an index [n] or a quoted name ['name'] at position ${i}`, i);
        }
        out.push({ kind: 'index', index: Number(m[0].slice(0, -1)) });
        i += 1 + m[0].length;
      }
    } else {
      throw new JsonPathError(`has an unexpected "${c}" at position ${i}; steps are .name, ['name'] or [n]`, i);
    }
  }
  return out;
}

/** The selected value, or `undefined` when the path selects nothing. */
export function evaluateJsonPath(doc: unknown, segments: readonly JsonPathSegment[]): unknown {
  let cur: unknown = doc;
  for (const s of segments) {
    if (s.kind === 'key') {
      if (typeof cur !== 'object' || cur === null || Array.isArray(cur) || !Object.hasOwn(cur, s.key)) return undefined;
      cur = (cur as Record<string, unknown>)[s.key];
    } else {
      if (!Array.isArray(cur)) return undefined;
      const idx = s.index < 0 ? cur.length + s.index : s.index;
      if (idx < 0 || idx >= cur.length) return undefined;
      cur = cur[idx];
    }
  }
  return cur;
}

/**
 * The string a selected value is compared as: strings as they are, numbers/booleans/null as JSON
 * (`42`, `true`, `null`), objects and arrays as compact JSON.
 */
export function jsonValueAsText(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}
