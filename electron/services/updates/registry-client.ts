import { createHash } from 'node:crypto';
import { HomeportError } from '../../../shared/contract';
import { parseImageRef } from '../images';

/**
 * A small client of the registry HTTP API (the Distribution spec), asked from the computer that runs
 * Homeport: a tag's manifest digest by HEAD and a repository's tag list. It never pulls: no blob is
 * ever requested, and the only manifest body it reads is an index's, and only to pick a platform.
 */

export interface RegistryCredentials {
  username: string;
  password: string;
}

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface DigestAnswer {
  /**
   * The digest of what the tag points at: for a multi-platform image, the index's (manifest list's)
   * own digest. That is what the engine records: pulling `repo:tag` stores `repo@<this digest>` in
   * the image's RepoDigests whether the tag names an index or a single manifest, so comparing it
   * with the running image's RepoDigests tells whether the tag moved.
   */
  digest: string;
  mediaType: string;
  /** The platform's own manifest, read from the index when a platform was asked for; else null. */
  platformDigest: string | null;
}

export type RegistryFailure = 'RATE_LIMITED' | 'AUTH_REFUSED' | 'NOT_FOUND' | 'UNREACHABLE' | 'TIMEOUT' | 'BAD_ANSWER';

export interface RegistryClientOptions {
  /** Credentials for a registry host (as written in image names: `ghcr.io`, `docker.io`, `reg.lan:5000`). */
  credentials?: (registry: string) => RegistryCredentials | null | undefined;
  timeoutMs?: number;
  /** Longest Retry-After the client waits for (once); a longer one fails at once with RATE_LIMITED. */
  maxRetryAfterMs?: number;
  /** Largest body read (index, tag list page, token answer). */
  maxBodyBytes?: number;
  /** Tags asked per page (registries may send fewer and a Link to the next page). */
  tagPageSize?: number;
  /** Hard stop for tag list paging. */
  maxTagPages?: number;
  now?: () => number;
}

const INDEX_TYPES = ['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json'];
const MANIFEST_TYPES = ['application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v2+json'];
const ACCEPT = [...INDEX_TYPES, ...MANIFEST_TYPES].join(', ');
const DIGEST = /^sha256:[0-9a-f]{64}$/;

const CODES = { RATE_LIMITED: 'LIMIT', AUTH_REFUSED: 'AUTH_FAILED', NOT_FOUND: 'NOT_FOUND', UNREACHABLE: 'UNREACHABLE', TIMEOUT: 'UNREACHABLE', BAD_ANSWER: 'UNREACHABLE' } as const;

/** A registry's failure: `details.reason` says which kind, for the update status of the row. */
export function registryError(reason: RegistryFailure, message: string, fix: string, registry: string, cause?: unknown): HomeportError {
  return new HomeportError({ code: CODES[reason], message, fix, details: { reason, registry } }, cause === undefined ? undefined : { cause });
}

export function registryFailure(e: unknown): RegistryFailure | null {
  const r = e instanceof HomeportError ? e.details?.reason : undefined;
  return typeof r === 'string' && r in CODES ? (r as RegistryFailure) : null;
}

/** Where an image reference is asked: the registry as the user wrote it, the API origin, the repository path. */
export interface RegistryTarget {
  registry: string;
  origin: string;
  repository: string;
  tag: string | null;
  digest: string | null;
}

function isLoopback(host: string): boolean {
  const h = host.replace(/:\d+$/, '');
  return h === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(h) || h === '[::1]';
}

/**
 * Docker Hub's names are short (`busybox`, `user/app`): the API lives at registry-1.docker.io and
 * an official image's path gets `library/`. Loopback registries speak plain HTTP, as the engine
 * allows by default (127.0.0.0/8 is an insecure registry out of the box); every other one HTTPS.
 */
export function targetOf(ref: string): RegistryTarget {
  const p = parseImageRef(ref);
  const hub = p.domain === null || p.domain === 'docker.io' || p.domain === 'index.docker.io' || p.domain === 'registry-1.docker.io';
  let path = p.domain === null ? p.repository : p.repository.slice(p.domain.length + 1);
  if (hub && !path.includes('/')) path = `library/${path}`;
  const registry = hub ? 'docker.io' : p.domain!;
  const host = hub ? 'registry-1.docker.io' : p.domain!;
  const origin = `${isLoopback(host) ? 'http' : 'https'}://${host}`;
  return { registry, origin, repository: path, tag: p.tag, digest: p.digest };
}

interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** `Bearer realm="…",service="…",scope="…"` (quoted values may hold commas). */
export function parseChallenge(header: string): Challenge | null {
  const m = /^\s*([A-Za-z]+)\s*(.*)$/s.exec(header);
  if (!m) return null;
  const params: Record<string, string> = {};
  const re = /([A-Za-z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*,?\s*/g;
  let x: RegExpExecArray | null;
  while ((x = re.exec(m[2]!)) !== null) {
    if (x[0] === '') break;
    params[x[1]!.toLowerCase()] = x[2] !== undefined ? x[2].replace(/\\(.)/g, '$1') : x[3]!;
  }
  return { scheme: m[1]!.toLowerCase(), params };
}

/** The `rel="next"` target of a Link header, or null. */
export function nextLink(header: string | null): string | null {
  if (!header) return null;
  for (const part of header.split(/,(?=\s*<)/)) {
    const m = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (m && /;\s*rel="?next"?/i.test(m[2]!)) return m[1]!;
  }
  return null;
}

/** Seconds or an HTTP date, as milliseconds from now; null when absent or unreadable. */
function retryAfterMs(header: string | null, now: number): number | null {
  if (!header) return null;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const t = Date.parse(header);
  return Number.isNaN(t) ? null : Math.max(0, t - now);
}

async function readBounded(res: Response, max: number, what: string, registry: string): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > max) {
    await res.body?.cancel().catch(() => undefined);
    throw registryError('BAD_ANSWER', `The registry ${registry} sent ${what} of ${declared} bytes; Homeport reads at most ${max}.`, 'This is not what a registry sends; check that the address names a container registry.', registry);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  if (res.body) {
    for await (const chunk of res.body) {
      size += (chunk as Uint8Array).byteLength;
      if (size > max) {
        throw registryError('BAD_ANSWER', `The registry ${registry} sent more than ${max} bytes for ${what}.`, 'This is not what a registry sends; check that the address names a container registry.', registry);
      }
      chunks.push(Buffer.from(chunk as Uint8Array));
    }
  }
  return Buffer.concat(chunks);
}

function parseJson(buf: Buffer, what: string, registry: string): unknown {
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch (e) {
    throw registryError('BAD_ANSWER', `The registry ${registry} answered ${what} with something that is not JSON.`, 'Check that the address names a container registry (not a web page or a proxy\'s error page).', registry, e);
  }
}

interface CachedToken {
  token: string;
  expires: number;
}

export class RegistryClient {
  private readonly tokens = new Map<string, CachedToken>();
  private readonly timeoutMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly maxBody: number;
  private readonly maxPages: number;
  private readonly now: () => number;
  /** Requests sent (token requests included), for the caller's figures. */
  requests = 0;

  constructor(private readonly opts: RegistryClientOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? 15_000;
    this.maxRetryAfterMs = opts.maxRetryAfterMs ?? 60_000;
    this.maxBody = opts.maxBodyBytes ?? 1024 * 1024;
    this.maxPages = opts.maxTagPages ?? 100;
    this.now = opts.now ?? Date.now;
  }

  /** The digest a tag (or a digest reference) points at, by HEAD; an index is read only to pick `platform`. */
  async digestOf(ref: string, platform?: Platform): Promise<DigestAnswer> {
    const t = targetOf(ref);
    const reference = t.digest ?? t.tag ?? 'latest';
    const url = `${t.origin}/v2/${t.repository}/manifests/${reference}`;
    const name = `${t.repository}:${reference}`;
    let res = await this.send(t, url, 'HEAD', { accept: ACCEPT }, name);
    if (res.status === 404) throw this.drop(res, registryError('NOT_FOUND', `The registry ${t.registry} has no ${name} (the tag may have been removed).`, 'Check the image name and tag; pick another tag if this one is gone.', t.registry));
    this.expectOk(res, t, name);
    const mediaType = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
    let digest = res.headers.get('docker-content-digest');
    let body: Buffer | null = null;
    if (!digest) {
      // Some registries leave the header off HEAD answers: the digest is the hash of the manifest
      // exactly as served, so one bounded GET gives it.
      res = await this.send(t, url, 'GET', { accept: ACCEPT }, name);
      this.expectOk(res, t, name);
      body = await readBounded(res, this.maxBody, `the manifest of ${name}`, t.registry);
      digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
    }
    digest = digest.trim();
    if (!DIGEST.test(digest)) throw registryError('BAD_ANSWER', `The registry ${t.registry} gave ${name} the digest ${JSON.stringify(digest.slice(0, 80))}, which is not a sha256 digest.`, 'Check that the address names a container registry.', t.registry);
    if (!INDEX_TYPES.includes(mediaType) && !MANIFEST_TYPES.includes(mediaType)) {
      throw registryError('BAD_ANSWER', `The registry ${t.registry} answered ${name} with ${mediaType === '' ? 'no content type' : JSON.stringify(mediaType.slice(0, 80))}, not an image manifest.`, 'Check that the address names a container registry; old schema-1 images are not supported.', t.registry);
    }
    let platformDigest: string | null = null;
    if (platform && INDEX_TYPES.includes(mediaType)) {
      if (!body) {
        const r = await this.send(t, `${t.origin}/v2/${t.repository}/manifests/${digest}`, 'GET', { accept: ACCEPT }, name);
        this.expectOk(r, t, name);
        body = await readBounded(r, this.maxBody, `the index of ${name}`, t.registry);
      }
      platformDigest = pickPlatform(parseJson(body, `the index of ${name}`, t.registry), platform, t.registry, name);
    } else if (platform) {
      platformDigest = digest;
    }
    return { digest, mediaType, platformDigest };
  }

  /** Every tag of the repository (`ref`'s tag and digest are ignored), following the Link pages. */
  async tags(ref: string): Promise<string[]> {
    const t = targetOf(ref);
    const all: string[] = [];
    const seen = new Set<string>();
    let url = `${t.origin}/v2/${t.repository}/tags/list?n=${this.opts.tagPageSize ?? 1000}`;
    for (let page = 0; ; page++) {
      if (page >= this.maxPages) throw registryError('BAD_ANSWER', `The registry ${t.registry} kept sending more pages of tags for ${t.repository} (more than ${this.maxPages}).`, 'Check the registry; Homeport stops there rather than loop forever.', t.registry);
      seen.add(url);
      const res = await this.send(t, url, 'GET', { accept: 'application/json' }, t.repository);
      if (res.status === 404) throw this.drop(res, registryError('NOT_FOUND', `The registry ${t.registry} has no repository ${t.repository}.`, 'Check the image name.', t.registry));
      this.expectOk(res, t, t.repository);
      const body = parseJson(await readBounded(res, this.maxBody, `the tags of ${t.repository}`, t.registry), `the tags of ${t.repository}`, t.registry) as { tags?: unknown };
      const tags = body?.tags;
      if (tags !== null && tags !== undefined && (!Array.isArray(tags) || tags.some((x) => typeof x !== 'string'))) {
        throw registryError('BAD_ANSWER', `The registry ${t.registry} sent a tag list for ${t.repository} that is not a list of names.`, 'Check that the address names a container registry.', t.registry);
      }
      all.push(...((tags as string[] | null | undefined) ?? []));
      const next = nextLink(res.headers.get('link'));
      if (!next) return all;
      const nextUrl = new URL(next, url);
      // The credentials go with the next request: it must stay on the registry's own origin.
      if (nextUrl.origin !== t.origin) throw registryError('BAD_ANSWER', `The registry ${t.registry} pointed the next page of tags to another address (${nextUrl.origin}).`, 'Homeport does not send your credentials elsewhere; check the registry.', t.registry);
      if (seen.has(nextUrl.href)) return all;
      url = nextUrl.href;
    }
  }

  private expectOk(res: Response, t: RegistryTarget, name: string): void {
    if (res.ok) return;
    // An error page is never read: its body is dropped so the connection is freed.
    void res.body?.cancel().catch(() => undefined);
    if (res.status === 401 || res.status === 403) {
      throw registryError('AUTH_REFUSED', `The registry ${t.registry} refused access to ${name} (HTTP ${res.status}).`, `Check the user name and password or token saved for ${t.registry}, and that it may read this repository.`, t.registry);
    }
    if (res.status < 200 || res.status >= 300) {
      throw registryError('BAD_ANSWER', `The registry ${t.registry} answered ${name} with HTTP ${res.status}.`, 'The registry may be down or failing; try again later.', t.registry);
    }
  }

  private drop(res: Response, e: HomeportError): HomeportError {
    void res.body?.cancel().catch(() => undefined);
    return e;
  }

  /** One request with authentication, one wait on 429, timeouts and network errors in words. */
  private async send(t: RegistryTarget, url: string, method: 'HEAD' | 'GET', headers: Record<string, string>, name: string): Promise<Response> {
    let waited = false;
    let authTried = false;
    let auth = await this.cachedAuth(t, name);
    for (;;) {
      const res = await this.raw(t, url, method, auth ? { ...headers, authorization: auth } : headers);
      if (res.status === 429) {
        await res.body?.cancel().catch(() => undefined);
        const wait = retryAfterMs(res.headers.get('retry-after'), this.now()) ?? 1000;
        if (waited || wait > this.maxRetryAfterMs) {
          const when = Math.ceil(wait / 1000);
          throw registryError('RATE_LIMITED', `The registry ${t.registry} is limiting requests (HTTP 429)${waited ? ' again after Homeport waited' : ''}; it asks to wait ${when} s.`, `Wait and check again later${t.registry === 'docker.io' ? '; signing in to Docker Hub raises its limit' : ''}.`, t.registry);
        }
        waited = true;
        await new Promise((r) => setTimeout(r, wait));
        continue;
      }
      if (res.status === 401 && !authTried) {
        authTried = true;
        const challenge = parseChallenge(res.headers.get('www-authenticate') ?? '');
        await res.body?.cancel().catch(() => undefined);
        auth = await this.authorize(t, challenge, name);
        if (auth) continue;
        throw registryError('AUTH_REFUSED', `The registry ${t.registry} asks for credentials to read ${name}.`, `Save a user name and password or token for ${t.registry}.`, t.registry);
      }
      return res;
    }
  }

  /**
   * The authorization to send first: a live token for the repository; else, when the registry has
   * already shown its Bearer challenge, a new token fetched before asking (so a repository costs no
   * extra 401 round trip); else Basic credentials the registry asked for before.
   */
  private async cachedAuth(t: RegistryTarget, name: string): Promise<string | null> {
    const c = this.tokens.get(this.scopeKey(t));
    if (c && c.expires > this.now()) return `Bearer ${c.token}`;
    const challenge = this.challenges.get(t.origin);
    if (challenge) return this.authorize(t, challenge, name);
    return this.basicCache.get(t.registry) ?? null;
  }

  private readonly basicCache = new Map<string, string>();
  private readonly challenges = new Map<string, Challenge>();

  private scopeKey(t: RegistryTarget): string {
    return `${t.origin} repository:${t.repository}:pull`;
  }

  private async authorize(t: RegistryTarget, challenge: Challenge | null, name: string): Promise<string | null> {
    const creds = this.opts.credentials?.(t.registry) ?? null;
    const basic = creds ? `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}` : null;
    if (challenge?.scheme === 'basic') {
      if (basic) this.basicCache.set(t.registry, basic);
      return basic;
    }
    if (challenge?.scheme !== 'bearer' || !challenge.params.realm) {
      throw registryError('BAD_ANSWER', `The registry ${t.registry} asked for credentials in a way Homeport does not know.`, 'Homeport speaks the Basic and Bearer token schemes that Docker registries use.', t.registry);
    }
    let realm: URL;
    try {
      realm = new URL(challenge.params.realm);
    } catch (e) {
      throw registryError('BAD_ANSWER', `The registry ${t.registry} named a token service that is not an address.`, 'Check the registry.', t.registry, e);
    }
    if (realm.protocol !== 'https:' && !(realm.protocol === 'http:' && isLoopback(realm.host))) {
      throw registryError('BAD_ANSWER', `The registry ${t.registry} named a token service without HTTPS (${realm.origin}).`, 'Homeport does not send credentials over plain HTTP.', t.registry);
    }
    this.challenges.set(t.origin, challenge);
    if (challenge.params.service) realm.searchParams.set('service', challenge.params.service);
    // The scope is ours, not the challenge's: read access to this repository, nothing more.
    realm.searchParams.set('scope', `repository:${t.repository}:pull`);
    const res = await this.raw(t, realm.href, 'GET', basic ? { authorization: basic } : {});
    if (res.status === 401 || res.status === 403) {
      await res.body?.cancel().catch(() => undefined);
      throw registryError('AUTH_REFUSED', `The token service of ${t.registry} refused ${creds ? 'the saved credentials' : 'anonymous access'} for ${name}.`, creds ? `Check the user name and password or token saved for ${t.registry}.` : `The repository may be private: save credentials for ${t.registry}.`, t.registry);
    }
    if (res.status === 429) throw registryError('RATE_LIMITED', `The token service of ${t.registry} is limiting requests (HTTP 429).`, 'Wait and check again later.', t.registry);
    if (res.status < 200 || res.status >= 300) throw registryError('BAD_ANSWER', `The token service of ${t.registry} answered HTTP ${res.status}.`, 'The registry may be down or failing; try again later.', t.registry);
    const body = parseJson(await readBounded(res, 64 * 1024, 'a token', t.registry), 'a token request', t.registry) as Record<string, unknown> | null;
    const token = typeof body?.token === 'string' && body.token ? body.token : typeof body?.access_token === 'string' ? body.access_token : '';
    if (!token) throw registryError('BAD_ANSWER', `The token service of ${t.registry} answered without a token.`, 'Check the registry.', t.registry);
    // The spec's default lifetime is 60 s; a few seconds are kept back so a token does not expire in flight.
    const life = typeof body?.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 60;
    this.tokens.set(this.scopeKey(t), { token, expires: this.now() + Math.max(0, life - 5) * 1000 });
    return `Bearer ${token}`;
  }

  private async raw(t: RegistryTarget, url: string, method: 'HEAD' | 'GET', headers: Record<string, string>): Promise<Response> {
    this.requests++;
    try {
      return await fetch(url, { method, headers, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (e) {
      const err = e as Error & { cause?: { code?: string } };
      if (err.name === 'TimeoutError' || err.name === 'AbortError') {
        throw registryError('TIMEOUT', `The registry ${t.registry} did not answer within ${Math.round(this.timeoutMs / 1000)} s.`, 'The registry may be down or slow; try again later.', t.registry, e);
      }
      const code = err.cause?.code ? ` (${err.cause.code})` : '';
      throw registryError('UNREACHABLE', `The registry ${t.registry} cannot be reached${code}.`, 'Check the registry address and this computer\'s network.', t.registry, e);
    }
  }
}

function pickPlatform(index: unknown, p: Platform, registry: string, name: string): string {
  const manifests = (index as { manifests?: unknown } | null)?.manifests;
  if (!Array.isArray(manifests)) throw registryError('BAD_ANSWER', `The registry ${registry} sent an index for ${name} without a list of manifests.`, 'Check the registry.', registry);
  const matches = manifests.filter((m: { digest?: unknown; platform?: Platform }) =>
    typeof m?.digest === 'string' && m.platform?.os === p.os && m.platform?.architecture === p.architecture && (p.variant === undefined || m.platform?.variant === undefined || m.platform.variant === p.variant),
  ) as { digest: string }[];
  if (matches.length === 0) {
    throw registryError('NOT_FOUND', `${name} has no image for ${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}.`, 'Pick a tag that is built for the host\'s platform.', registry);
  }
  return matches[0]!.digest;
}
