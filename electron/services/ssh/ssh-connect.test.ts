import { timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import ssh2 from 'ssh2';
import type { AuthContext, Server } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HomeportError } from '../../../shared/contract';
import { fingerprintOf, KnownHosts } from './known-hosts';
import { connectSsh, hostPort, type SshTarget } from './ssh-connect';
import { MemoryStore } from '../test-support/memory-store';

/**
 * Unit tests against an in-process ssh2 Server (no lab): auth order, error mapping and host key
 * verdicts. The same cases against real OpenSSH are in ssh-connect.integration.test.ts.
 */

const { utils } = ssh2;
const hostKey = utils.generateKeyPairSync('ed25519');
const goodKey = utils.generateKeyPairSync('ed25519', { comment: 'good' });
const lockedKey = utils.generateKeyPairSync('ed25519', { comment: 'locked', passphrase: 'pp', cipher: 'aes256-ctr' });
const otherKey = utils.generateKeyPairSync('ed25519', { comment: 'other' });
const hostBlob = Buffer.from(hostKey.public.split(' ')[1]!, 'base64');
const goodPub = utils.parseKey(goodKey.public) as ssh2.ParsedKey;
const lockedPub = utils.parseKey(lockedKey.public) as ssh2.ParsedKey;

let server: Server;
let port: number;
/** Per-user policy of the fake server. */
const policy: Record<string, { keys: ssh2.ParsedKey[]; password?: string; methods?: string[]; partial?: boolean }> = {
  alice: { keys: [goodPub, lockedPub], password: 'secret' },
  bob: { keys: [], password: 'secret', methods: ['password'] },
  // keys only: a password would not even be offered
  carol: { keys: [goodPub], methods: ['publickey'] },
};
const attempts: string[] = [];

beforeAll(async () => {
  server = new ssh2.Server({ hostKeys: [hostKey.private] }, (conn) => {
    conn.on('error', () => {});
    conn.on('authentication', (ctx: AuthContext) => {
      const p = policy[ctx.username];
      const methods = (p?.methods ?? ['publickey', 'password']) as Parameters<typeof ctx.reject>[0];
      if (!p) return ctx.reject(methods);
      if (ctx.method === 'password') {
        attempts.push(`password:${ctx.username}`);
        if (p.password && Buffer.byteLength(ctx.password) === Buffer.byteLength(p.password) && timingSafeEqual(Buffer.from(ctx.password), Buffer.from(p.password))) {
          return ctx.accept();
        }
        return ctx.reject(methods);
      }
      if (ctx.method === 'publickey') {
        const k = p.keys.find((x) => x.getPublicSSH().equals(ctx.key.data));
        if (!ctx.signature) attempts.push(`publickey:${ctx.username}:${fingerprintOf(ctx.key.data)}`);
        if (!k) return ctx.reject(methods);
        if (!ctx.signature) return ctx.accept(); // "key is acceptable, prove it"
        return k.verify(ctx.blob!, ctx.signature, ctx.hashAlgo) ? ctx.accept() : ctx.reject(methods);
      }
      return ctx.reject(methods);
    });
    conn.on('ready', () => conn.end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const trustAll = () => {
  const kh = new KnownHosts({ store: new MemoryStore(), userKnownHostsFile: null });
  kh.accept('127.0.0.1', port, hostBlob);
  return (b: Buffer) => kh.check('127.0.0.1', port, b);
};
const t = (over: Partial<SshTarget>): SshTarget => ({
  hostname: '127.0.0.1',
  port,
  user: 'alice',
  agentSocket: null,
  keys: [],
  password: null,
  ...over,
});
const key = (label: string, k: { private: string }, passphrase: string | null = null) => ({ label, privateKey: Buffer.from(k.private), passphrase });

async function ok(target: SshTarget, verify = trustAll()): Promise<void> {
  const c = await connectSsh(target, { verifyHostKey: verify });
  c.end();
}
async function err(target: SshTarget, verify = trustAll()): Promise<HomeportError> {
  const e = await connectSsh(target, { verifyHostKey: verify }).then(
    (c) => {
      c.end();
      throw new Error('connected');
    },
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(HomeportError);
  expect(JSON.stringify((e as HomeportError).toInfo())).not.toMatch(/secret|PRIVATE KEY|wrongpass/);
  return e as HomeportError;
}

describe('hostPort', () => {
  it('brackets IPv6', () => {
    expect(hostPort('nas', 22)).toBe('nas:22');
    expect(hostPort('::1', 2222)).toBe('[::1]:2222');
  });
});

describe('connectSsh against an in-process server', () => {
  it('keys in order, then the password, on one connection', async () => {
    attempts.length = 0;
    await ok(t({ keys: [key('other', otherKey), key('good', goodKey)], password: 'secret' }));
    expect(attempts).toEqual([
      `publickey:alice:${fingerprintOf(Buffer.from(otherKey.public.split(' ')[1]!, 'base64'))}`,
      `publickey:alice:${fingerprintOf(goodPub.getPublicSSH())}`,
    ]);
    attempts.length = 0;
    await ok(t({ keys: [key('other', otherKey)], password: 'secret' }));
    expect(attempts.at(-1)).toBe('password:alice');
  });

  it('an unreachable agent is skipped', async () => {
    await ok(t({ agentSocket: '/nonexistent/agent.sock', keys: [key('good', goodKey)] }));
  });

  it('passphrase keys: unlocked with the right passphrase', async () => {
    await ok(t({ keys: [key('locked', lockedKey, 'pp')] }));
  });

  it('a locked key does not stop the password; without it, KEY_PASSPHRASE names the key', async () => {
    await ok(t({ keys: [key('locked', lockedKey, 'wrongpass')], password: 'secret' }));
    const e = await err(t({ keys: [key('locked', lockedKey, 'wrongpass')], password: 'wrongpass' }));
    expect(e.code).toBe('KEY_PASSPHRASE');
    expect(e.message).toContain('"locked"');
    expect(e.message).toContain('password');
  });

  it('AUTH_FAILED lists what was tried, and what the server does not accept', async () => {
    const e = await err(t({ user: 'bob', keys: [key('good', goodKey)], password: 'wrongpass' }));
    expect(e.code).toBe('AUTH_FAILED');
    expect(e.message).toContain('bob@127.0.0.1');
    expect(e.message).toMatch(/tried key "good", password|tried password/);
    const e2 = await err(t({ user: 'carol', keys: [key('other', otherKey)], password: 'wrongpass' }));
    expect(e2.code).toBe('AUTH_FAILED');
    expect(e2.message).toContain('not offered because the server does not accept them: password');
    expect(e2.fix).toContain('authorized_keys of carol');
  });

  it('HOSTKEY_UNKNOWN / HOSTKEY_CHANGED come from the verdict, never accepted', async () => {
    const empty = new KnownHosts({ store: new MemoryStore(), userKnownHostsFile: null });
    const u = await err(t({ keys: [key('good', goodKey)] }), (b) => empty.check('127.0.0.1', port, b));
    expect(u.code).toBe('HOSTKEY_UNKNOWN');
    expect(u.details).toMatchObject({ fingerprint: fingerprintOf(hostBlob), keyType: 'ssh-ed25519', port });
    const changed = new KnownHosts({ store: new MemoryStore(), userKnownHostsFile: null });
    changed.accept('127.0.0.1', port, Buffer.from(otherKey.public.split(' ')[1]!, 'base64'));
    const c = await err(t({ keys: [key('good', goodKey)] }), (b) => changed.check('127.0.0.1', port, b));
    expect(c.code).toBe('HOSTKEY_CHANGED');
    expect(c.message).toContain('man-in-the-middle');
    const revoked = await err(t({ keys: [key('good', goodKey)] }), () => ({
      verdict: 'changed',
      keyType: 'ssh-ed25519',
      fingerprint: fingerprintOf(hostBlob),
      expected: [],
      revoked: true,
    }));
    expect(revoked.code).toBe('HOSTKEY_CHANGED');
    expect(revoked.message).toContain('REVOKED');
  });
});
