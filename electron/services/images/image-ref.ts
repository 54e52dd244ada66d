import { invalid, quote } from '../docker/engine-common';

/**
 * Image references (`[registry[:port]/]path[:tag][@digest]`) checked against the grammar of
 * distribution/reference before they reach the engine. They are data, never shell text — but the
 * engine, and the URL they travel in, would choke on spaces, `;`, `$(`, quotes or newlines, so
 * those get a clear VALIDATION error naming the offending character instead of an engine riddle.
 */
export interface ParsedRef {
  /** Everything before the tag/digest: `127.0.0.1:5555/lab/busybox`, `busybox`. */
  repository: string;
  /** Registry host[:port] when the first component names one, else null (Docker Hub). */
  domain: string | null;
  tag: string | null;
  digest: string | null;
}

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN = /^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
/** An image id as `docker images` shows it (12+ hex digits), with or without `sha256:`. */
const IMAGE_ID = /^(?:sha256:)?[0-9a-f]{12,64}$/;

const FIX = 'Write it like busybox, busybox:1.36, ghcr.io/owner/app:v2 or registry.lan:5000/team/app@sha256:<64 hex digits>.';

function badChar(ref: string): string | null {
   
  if (/[\r\n]/.test(ref)) return 'a line break';
   
  if (/[\u0000-\u001f\u007f]/.test(ref)) return 'a control character';
  if (/\s/.test(ref)) return 'a space';
  if (ref.includes('$(') || ref.includes('`')) return 'a command substitution ($( ) or `)';
  const m = /[;&|<>'"\\$*?#%!(){}[\],=~^]/.exec(ref.replace(/^\[[0-9a-fA-F:]+\]/, ''));
  return m ? `the character ${m[0]}` : null;
}

/** Parse and check a reference; throws VALIDATION with the reason. `field` names the input. */
export function parseImageRef(ref: unknown, field = 'ref'): ParsedRef {
  if (typeof ref !== 'string' || ref.trim() === '') throw invalid(field, 'An image name is required.', FIX);
  const bad = badChar(ref);
  if (bad) throw invalid(field, `The image name ${quote(ref)} contains ${bad}.`, FIX);
  if (ref.length > 512) throw invalid(field, `The image name is ${ref.length} characters long; the limit is 512.`, FIX);

  let rest = ref;
  let digest: string | null = null;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw invalid(field, `${quote(digest)} in ${quote(ref)} is not a digest.`, 'A digest looks like sha256: followed by 64 hex digits.');
  }
  let tag: string | null = null;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) {
      throw invalid(field, `${quote(tag)} in ${quote(ref)} is not a valid tag.`, 'Tags are up to 128 letters, digits, _ . and -, and do not start with . or -.');
    }
  }
  const parts = rest.split('/');
  let domain: string | null = null;
  if (parts.length > 1 && (parts[0]!.includes('.') || parts[0]!.includes(':') || parts[0] === 'localhost' || /[A-Z]/.test(parts[0]!))) {
    domain = parts.shift()!;
    if (!DOMAIN.test(domain)) throw invalid(field, `${quote(domain)} in ${quote(ref)} is not a registry address.`, FIX);
  }
  for (const p of parts) {
    if (!COMPONENT.test(p)) {
      const why = /[A-Z]/.test(p) ? ' (repository names must be lowercase)' : p === '' ? ' (an empty path component)' : '';
      throw invalid(field, `${quote(p)} in ${quote(ref)} is not a valid repository name${why}.`, FIX);
    }
  }
  const repository = (domain ? `${domain}/` : '') + parts.join('/');
  if (repository.length > 255) throw invalid(field, `The repository name in ${quote(ref)} is longer than 255 characters.`, FIX);
  return { repository, domain, tag, digest };
}

export function isImageId(s: string): boolean {
  return IMAGE_ID.test(s);
}

/** A reference or an image id (for remove/tag sources). Returns it unchanged when valid. */
export function validateImageRefOrId(s: unknown, field = 'image'): string {
  if (typeof s === 'string' && isImageId(s)) return s;
  parseImageRef(s, field);
  return s as string;
}

/**
 * The short form the engine lists in RepoTags: Docker Hub's `docker.io/library/` prefix dropped and
 * `:latest` added when neither tag nor digest is given.
 */
export function familiarRef(ref: string): string {
  const p = parseImageRef(ref);
  let repo = p.repository.replace(/^(?:docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, '');
  repo = repo.replace(/^library\/(?=[^/]+$)/, '');
  if (p.digest) return `${repo}@${p.digest}`;
  return `${repo}:${p.tag ?? 'latest'}`;
}
