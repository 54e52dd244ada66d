import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real HTTP server on 127.0.0.1 in front of the lab registry, speaking the registry protocol the
 * way Docker Hub does: `/v2/…` answers 401 with a Bearer challenge until the request carries a token
 * the front issued for that repository's pull scope; `/token` hands tokens out (to anyone, or only
 * for the right Basic credentials). Other modes: Basic auth in front of the registry, an answer of
 * garbage, 429 with Retry-After a number of times before proxying.
 */
export interface FrontOptions {
  upstream: string; // host:port of the lab registry
  mode: 'bearer' | 'basic' | 'garbage' | 'rate-limit';
  /** bearer: required at /token; basic: required at /v2. */
  user?: { username: string; password: string };
  tokenLifetimeS?: number;
  /** rate-limit: how many 429s before answering, and the Retry-After sent. */
  limitCount?: number;
  retryAfter?: string;
  /** garbage: what the manifest HEAD/GET and the tag list answer. */
  garbage?: 'html' | 'bad-digest' | 'huge' | 'hang';
  /**
   * Serve tag lists in pages of this size with a `Link: <…>; rel="next"` header, as Docker Hub and
   * distribution v3 do (the lab's registry sends every tag at once).
   */
  tagPageSize?: number;
}

export interface Front {
  host: string; // 127.0.0.1:<port>
  tokenRequests: { scope: string | null; service: string | null; authorized: boolean }[];
  registryRequests: { method: string; path: string; auth: string | null }[];
  close(): Promise<void>;
}

export async function startRegistryFront(o: FrontOptions): Promise<Front> {
  const tokens = new Map<string, { scope: string; expires: number }>();
  const front: Front = { host: '', tokenRequests: [], registryRequests: [], close: async () => undefined };
  let limited = 0;
  const basicOk = (h: string | undefined): boolean =>
    !!o.user && h === `Basic ${Buffer.from(`${o.user.username}:${o.user.password}`).toString('base64')}`;
  const hanging = new Set<http.ServerResponse>();

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${front.host}`);
    if (url.pathname === '/token') {
      const authorized = basicOk(req.headers.authorization);
      front.tokenRequests.push({ scope: url.searchParams.get('scope'), service: url.searchParams.get('service'), authorized });
      if (o.user && !authorized) {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"errors":[{"code":"UNAUTHORIZED"}]}');
        return;
      }
      const token = randomBytes(16).toString('hex');
      const life = o.tokenLifetimeS ?? 300;
      tokens.set(token, { scope: url.searchParams.get('scope') ?? '', expires: Date.now() + life * 1000 });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token, expires_in: life, issued_at: new Date().toISOString() }));
      return;
    }
    front.registryRequests.push({ method: req.method ?? '', path: url.pathname + url.search, auth: req.headers.authorization ?? null });
    const repo = /^\/v2\/(.+?)\/(?:manifests|tags)\//.exec(url.pathname)?.[1] ?? '';
    if (o.mode === 'bearer') {
      const t = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const entry = t ? tokens.get(t) : undefined;
      if (!entry || entry.expires < Date.now() || entry.scope !== `repository:${repo}:pull`) {
        res
          .writeHead(401, { 'www-authenticate': `Bearer realm="http://${front.host}/token",service="lab-front",scope="repository:${repo}:pull"`, 'content-type': 'application/json' })
          .end('{"errors":[{"code":"UNAUTHORIZED"}]}');
        return;
      }
    }
    if (o.mode === 'basic' && !basicOk(req.headers.authorization)) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="lab-front"' }).end();
      return;
    }
    if (o.mode === 'rate-limit' && limited < (o.limitCount ?? 1)) {
      limited++;
      res.writeHead(429, { 'retry-after': o.retryAfter ?? '1', 'content-type': 'application/json' }).end('{"errors":[{"code":"TOOMANYREQUESTS"}]}');
      return;
    }
    if (o.mode === 'garbage') {
      if (o.garbage === 'hang') {
        hanging.add(res);
        return;
      }
      if (o.garbage === 'bad-digest') {
        res.writeHead(200, { 'content-type': 'application/vnd.oci.image.index.v1+json', 'docker-content-digest': 'not-a-digest' }).end();
        return;
      }
      if (o.garbage === 'huge') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(`{"name":"x","tags":[${'"a",'.repeat(2_000_000)}"b"]}`);
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Welcome to nginx!</body></html>');
      return;
    }
    if (o.tagPageSize && url.pathname.endsWith('/tags/list')) {
      void servePage(o.upstream, url, o.tagPageSize, res);
      return;
    }
    const up = http.request(
      { host: o.upstream.split(':')[0], port: Number(o.upstream.split(':')[1]), method: req.method, path: req.url, headers: { accept: req.headers.accept ?? '*/*' } },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    up.on('error', () => res.writeHead(502).end());
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  front.host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  front.close = () =>
    new Promise<void>((resolve) => {
      for (const r of hanging) r.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return front;
}

async function servePage(upstream: string, url: URL, size: number, res: http.ServerResponse): Promise<void> {
  const r = await fetch(`http://${upstream}${url.pathname}`);
  if (!r.ok) {
    res.writeHead(r.status, { 'content-type': 'application/json' }).end(await r.text());
    return;
  }
  const body = (await r.json()) as { name: string; tags: string[] };
  const all = [...body.tags].sort();
  const last = url.searchParams.get('last');
  const start = last === null ? 0 : all.findIndex((t) => t > last);
  const page = start < 0 ? [] : all.slice(start, start + size);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (start >= 0 && start + size < all.length) headers.link = `<${url.pathname}?n=${size}&last=${encodeURIComponent(page.at(-1)!)}>; rel="next"`;
  res.writeHead(200, headers).end(JSON.stringify({ name: body.name, tags: page }));
}
