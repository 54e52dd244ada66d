import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLab } from '../test-support/lab';
import { RegistryClient, registryFailure } from './registry-client';
import { newerTags } from './semver-tags';
import { startRegistryFront, type Front, type FrontOptions } from './test-support/test-registry-front';

// Against the lab registry: images pushed under a repository name unique to this run, tags moved,
// an OCI index put by hand; and real HTTP fronts on 127.0.0.1 for the token flow, Basic auth,
// garbage and rate limits.

const run = promisify(execFile);
const docker = async (...args: string[]): Promise<string> => (await run('docker', args, { maxBuffer: 8 << 20 })).stdout.trim();

const lab = loadLab();
const REG = lab.registry;
const ID = `${process.pid}-${randomBytes(3).toString('hex')}`;
const REPO = `hp-updates-${ID}/app`;
const OTHER = `hp-updates-${ID}/other`;
const local: string[] = [];
const fronts: Front[] = [];

async function build(label: string): Promise<string> {
  const tag = `hp-updates-build-${ID}:${label}`;
  await run('sh', ['-c', `printf 'FROM ${lab.image}:latest\\nLABEL homeport.test.run=${ID} homeport.test.v=${label}\\n' | docker build -q -t ${tag} -`]);
  local.push(tag);
  return tag;
}

async function push(src: string, ref: string): Promise<string> {
  await docker('tag', src, ref);
  local.push(ref);
  await docker('push', '-q', ref);
  // What the engine records after a push or pull: the oracle the registry client must agree with.
  const digests = JSON.parse(await docker('image', 'inspect', '--format', '{{json .RepoDigests}}', ref)) as string[];
  const repo = ref.slice(0, ref.lastIndexOf(':'));
  const d = digests.find((x) => x.startsWith(`${repo}@`));
  if (!d) throw new Error(`no RepoDigest for ${ref}: ${digests.join(', ')}`);
  return d.slice(d.indexOf('@') + 1);
}

async function front(o: Omit<FrontOptions, 'upstream'>): Promise<Front> {
  const f = await startRegistryFront({ upstream: REG, ...o });
  fronts.push(f);
  return f;
}

async function failure(p: Promise<unknown>): Promise<{ reason: string | null; message: string; fix: string | undefined }> {
  try {
    await p;
  } catch (e) {
    const err = e as Error & { fix?: string };
    return { reason: registryFailure(e), message: err.message, fix: err.fix };
  }
  throw new Error('expected a failure');
}

let imgA = '';
let imgB = '';
let digestA = '';
let digestB = '';
let indexDigest = '';

beforeAll(async () => {
  imgA = await build('a');
  imgB = await build('b');
  digestA = await push(imgA, `${REG}/${REPO}:1.0.0`);
  digestB = await push(imgB, `${REG}/${REPO}:1.1.0`);
  await push(imgA, `${REG}/${REPO}:latest`);
  await push(imgB, `${REG}/${OTHER}:1.0.0`);
}, 120_000);

afterAll(async () => {
  await Promise.all(fronts.map((f) => f.close()));
  // The lab registry deletes manifests (its catalog keeps the empty repository names); a registry
  // that refuses (405) leaves them, and the names are unique to this run either way.
  for (const [repo, d] of [[REPO, indexDigest], [REPO, digestA], [REPO, digestB], [OTHER, digestA], [OTHER, digestB]] as const) {
    if (d) await fetch(`http://${REG}/v2/${repo}/manifests/${d}`, { method: 'DELETE' }).catch(() => undefined);
  }
  if (local.length) await run('docker', ['rmi', ...local]).catch(() => undefined);
});

describe('registry client against the lab registry', () => {
  it('gives the digest the engine records in RepoDigests, and sees a moved tag', async () => {
    const client = new RegistryClient();
    expect((await client.digestOf(`${REG}/${REPO}:latest`)).digest).toBe(digestA);
    expect((await client.digestOf(`${REG}/${REPO}:1.1.0`)).digest).toBe(digestB);
    // Move latest to the other image: the same tag now names another digest.
    await push(imgB, `${REG}/${REPO}:latest`);
    const moved = await client.digestOf(`${REG}/${REPO}:latest`);
    expect(moved.digest).toBe(digestB);
    expect(moved.digest).not.toBe(digestA);
  });

  it('lists tags, and finds the newer version', async () => {
    const tags = await new RegistryClient().tags(`${REG}/${REPO}:1.0.0`);
    expect(tags.sort()).toEqual(['1.0.0', '1.1.0', 'latest']);
    expect(newerTags('1.0.0', tags).newer).toEqual([{ tag: '1.1.0', change: 'minor' }]);
  });

  it('follows Link pages of tags (as Docker Hub pages them), each page with the token', async () => {
    const f = await front({ mode: 'bearer', tagPageSize: 1 });
    const client = new RegistryClient({ tagPageSize: 1 });
    const tags = await client.tags(`${f.host}/${OTHER}`);
    await push(imgA, `${REG}/${OTHER}:1.0.1`);
    await push(imgA, `${REG}/${OTHER}:2.0.0`);
    const more = await client.tags(`${f.host}/${OTHER}`);
    expect(tags).toEqual(['1.0.0']);
    expect(more).toEqual(['1.0.0', '1.0.1', '2.0.0']);
    const pages = f.registryRequests.filter((r) => r.path.includes('/tags/list') && r.auth !== null);
    expect(pages.map((r) => r.path)).toEqual([
      `/v2/${OTHER}/tags/list?n=1`,
      `/v2/${OTHER}/tags/list?n=1`,
      `/v2/${OTHER}/tags/list?n=1&last=1.0.0`,
      `/v2/${OTHER}/tags/list?n=1&last=1.0.1`,
    ]);
  });

  it('gives an OCI index its own digest, and picks the platform manifest from it', async () => {
    const manifest = async (d: string) => {
      const r = await fetch(`http://${REG}/v2/${REPO}/manifests/${d}`, { headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json' } });
      return { mediaType: r.headers.get('content-type')!, digest: d, size: (await r.arrayBuffer()).byteLength };
    };
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [
          { ...(await manifest(digestA)), platform: { os: 'linux', architecture: 'amd64' } },
          { ...(await manifest(digestB)), platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
        ],
      }),
    );
    const put = await fetch(`http://${REG}/v2/${REPO}/manifests/multi`, { method: 'PUT', headers: { 'content-type': 'application/vnd.oci.image.index.v1+json' }, body: index });
    expect(put.status).toBe(201);
    indexDigest = `sha256:${createHash('sha256').update(index).digest('hex')}`;

    const client = new RegistryClient();
    const plain = await client.digestOf(`${REG}/${REPO}:multi`);
    expect(plain).toEqual({ digest: indexDigest, mediaType: 'application/vnd.oci.image.index.v1+json', platformDigest: null });
    expect((await client.digestOf(`${REG}/${REPO}:multi`, { os: 'linux', architecture: 'arm64' })).platformDigest).toBe(digestB);
    expect((await client.digestOf(`${REG}/${REPO}:multi`, { os: 'linux', architecture: 'amd64' })).platformDigest).toBe(digestA);
    const none = await failure(client.digestOf(`${REG}/${REPO}:multi`, { os: 'windows', architecture: 'amd64' }));
    expect(none.reason).toBe('NOT_FOUND');
    expect(none.message).toContain('windows/amd64');
  });

  it('says a tag or a repository is gone, clearly', async () => {
    const client = new RegistryClient();
    const tag = await failure(client.digestOf(`${REG}/${REPO}:9.9.9`));
    expect(tag.reason).toBe('NOT_FOUND');
    expect(tag.message).toContain(`${REPO}:9.9.9`);
    const repo = await failure(client.tags(`${REG}/hp-updates-${ID}/missing`));
    expect(repo.reason).toBe('NOT_FOUND');
  });

  it('says a registry that does not listen cannot be reached', async () => {
    const s = http.createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const port = (s.address() as AddressInfo).port;
    await new Promise<void>((r) => s.close(() => r()));
    const f = await failure(new RegistryClient().digestOf(`127.0.0.1:${port}/x/y:1`));
    expect(f.reason).toBe('UNREACHABLE');
    expect(f.message).toContain('cannot be reached');
  });
});

describe('authentication', () => {
  it('follows the Bearer challenge anonymously, and caches the token per repository until it expires', async () => {
    const f = await front({ mode: 'bearer' });
    let clock = Date.now();
    const client = new RegistryClient({ now: () => clock });
    expect((await client.digestOf(`${f.host}/${REPO}:1.1.0`)).digest).toBe(digestB);
    expect((await client.digestOf(`${f.host}/${REPO}:1.0.0`)).digest).toBe(digestA);
    expect(await client.tags(`${f.host}/${REPO}`)).toEqual(expect.arrayContaining(['1.0.0', '1.1.0', 'latest']));
    expect(f.tokenRequests).toEqual([{ scope: `repository:${REPO}:pull`, service: 'lab-front', authorized: false }]);
    // Another repository is another scope: its own token, fetched before asking (no second 401).
    const unauthorized = f.registryRequests.filter((r) => r.auth === null).length;
    await client.digestOf(`${f.host}/${OTHER}:1.0.0`);
    expect(f.registryRequests.filter((r) => r.auth === null).length).toBe(unauthorized);
    expect(f.tokenRequests.map((t) => t.scope)).toEqual([`repository:${REPO}:pull`, `repository:${OTHER}:pull`]);
    // Past the token's lifetime the client asks for a new one before sending: one registry request.
    clock += 301_000;
    const before = f.registryRequests.length;
    await client.digestOf(`${f.host}/${REPO}:1.1.0`);
    expect(f.tokenRequests).toHaveLength(3);
    expect(f.registryRequests.length - before).toBe(1);
  });

  it('sends saved credentials to the token service, and says when they are refused', async () => {
    const user = { username: 'lab', password: `pw-${ID}` };
    const f = await front({ mode: 'bearer', user });
    const good = new RegistryClient({ credentials: (r) => (r === f.host ? user : null) });
    expect((await good.digestOf(`${f.host}/${REPO}:1.1.0`)).digest).toBe(digestB);
    expect(f.tokenRequests.at(-1)?.authorized).toBe(true);

    const wrong = await failure(new RegistryClient({ credentials: () => ({ username: 'lab', password: 'nope' }) }).digestOf(`${f.host}/${REPO}:1.1.0`));
    expect(wrong.reason).toBe('AUTH_REFUSED');
    expect(wrong.message).toContain('refused the saved credentials');
    const anon = await failure(new RegistryClient().digestOf(`${f.host}/${REPO}:1.1.0`));
    expect(anon.reason).toBe('AUTH_REFUSED');
    expect(anon.fix).toContain('save credentials');
  });

  it('uses Basic auth where the registry asks for it', async () => {
    const user = { username: 'lab', password: `pw-${ID}` };
    const f = await front({ mode: 'basic', user });
    const client = new RegistryClient({ credentials: () => user });
    expect((await client.digestOf(`${f.host}/${REPO}:1.0.0`)).digest).toBe(digestA);
    expect((await client.tags(`${f.host}/${REPO}`)).length).toBeGreaterThanOrEqual(3);
    const none = await failure(new RegistryClient().digestOf(`${f.host}/${REPO}:1.0.0`));
    expect(none.reason).toBe('AUTH_REFUSED');
    expect(none.message).toContain('asks for credentials');
    const wrong = await failure(new RegistryClient({ credentials: () => ({ ...user, password: 'nope' }) }).digestOf(`${f.host}/${REPO}:1.0.0`));
    expect(wrong.reason).toBe('AUTH_REFUSED');
  });
});

describe('bad answers', () => {
  it('waits once for Retry-After on 429, then answers', async () => {
    const f = await front({ mode: 'rate-limit', limitCount: 1, retryAfter: '1' });
    const t0 = Date.now();
    expect((await new RegistryClient().digestOf(`${f.host}/${REPO}:1.1.0`)).digest).toBe(digestB);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
  });

  it('fails with RATE_LIMITED when the limit holds after the wait, or the wait is too long', async () => {
    const twice = await front({ mode: 'rate-limit', limitCount: 2, retryAfter: '1' });
    const again = await failure(new RegistryClient().digestOf(`${twice.host}/${REPO}:1.1.0`));
    expect(again.reason).toBe('RATE_LIMITED');
    expect(again.message).toContain('again after Homeport waited');
    const long = await front({ mode: 'rate-limit', limitCount: 1, retryAfter: '3600' });
    const t0 = Date.now();
    const f = await failure(new RegistryClient().tags(`${long.host}/${REPO}`));
    expect(f.reason).toBe('RATE_LIMITED');
    expect(f.message).toContain('3600 s');
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it('turns a web page, a bad digest, a huge body and silence into clear errors', async () => {
    const html = await front({ mode: 'garbage', garbage: 'html' });
    const page = await failure(new RegistryClient().digestOf(`${html.host}/${REPO}:1.0.0`));
    expect(page.reason).toBe('BAD_ANSWER');
    expect(page.message).toContain('"text/html", not an image manifest');
    const list = await failure(new RegistryClient().tags(`${html.host}/${REPO}`));
    expect(list.message).toContain('not JSON');

    const bad = await front({ mode: 'garbage', garbage: 'bad-digest' });
    expect((await failure(new RegistryClient().digestOf(`${bad.host}/${REPO}:1.0.0`))).message).toContain('not a sha256 digest');

    const huge = await front({ mode: 'garbage', garbage: 'huge' });
    const big = await failure(new RegistryClient().tags(`${huge.host}/${REPO}`));
    expect(big.reason).toBe('BAD_ANSWER');
    expect(big.message).toMatch(/at most 1048576|more than 1048576/);

    const hang = await front({ mode: 'garbage', garbage: 'hang' });
    const slow = await failure(new RegistryClient({ timeoutMs: 1000 }).digestOf(`${hang.host}/${REPO}:1.0.0`));
    expect(slow.reason).toBe('TIMEOUT');
    expect(slow.message).toContain('did not answer within 1 s');
  });
});
