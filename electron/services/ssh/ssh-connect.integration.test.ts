import { execFileSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HomeportError } from '../../../shared/contract';
import { KnownHosts } from './known-hosts';
import { connectSsh, type SshTarget } from './ssh-connect';
import { MemoryStore } from '../test-support/memory-store';
import { requireLab, type Lab } from '../test-support/lab';

let lab: Lab;
let dir: string;
let labHostBlob: Buffer;

beforeAll(async () => {
  lab = await requireLab();
  dir = mkdtempSync(join(tmpdir(), 'hp-sshc-'));
  labHostBlob = Buffer.from(lab.ssh.hostPublicKey.split(' ')[1]!, 'base64');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Host key check that trusts exactly the lab's key. */
function trustLab(): (blob: Buffer) => ReturnType<KnownHosts['check']> {
  const kh = new KnownHosts({ store: new MemoryStore(), userKnownHostsFile: null });
  kh.accept(lab.ssh.host, lab.ssh.port, labHostBlob);
  kh.accept(lab.ssh.host, lab.ssh.noForwardPort, labHostBlob);
  return (blob) => kh.check(lab.ssh.host, lab.ssh.port, blob);
}

function target(over: Partial<SshTarget>): SshTarget {
  return { hostname: lab.ssh.host, port: lab.ssh.port, user: 'root', agentSocket: null, keys: [], password: null, ...over };
}
const key = (label: string, file: string, passphrase: string | null = null) => ({ label, privateKey: readFileSync(file), passphrase });

function run(client: Client, cmd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    client.exec(cmd, (err, ch) => {
      if (err) return reject(err);
      let out = '';
      ch.on('data', (d: Buffer) => (out += d.toString()));
      ch.stderr.resume();
      ch.on('close', () => resolve(out.trim()));
    });
  });
}

async function whoami(t: SshTarget): Promise<string> {
  const c = await connectSsh(t, { verifyHostKey: trustLab() });
  try {
    return await run(c, 'id -un');
  } finally {
    c.end();
  }
}

async function failure(t: SshTarget, verify = trustLab(), readyTimeoutMs?: number): Promise<HomeportError> {
  const e = await connectSsh(t, { verifyHostKey: verify, ...(readyTimeoutMs ? { readyTimeoutMs } : {}) }).then(
    (c) => {
      c.end();
      throw new Error('connected, but a failure was expected');
    },
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(HomeportError);
  const err = e as HomeportError;
  // no secret ever appears in what crosses the contract
  const text = JSON.stringify(err.toInfo());
  for (const secret of [lab.keys.passphraseText, lab.users.password.password, 'PRIVATE KEY', 'wrong-pass-123']) {
    expect(text).not.toContain(secret);
  }
  expect(err.fix).toBeTruthy();
  return err;
}

describe('connectSsh: authentication', () => {
  it('logs in with the ssh-agent', async () => {
    expect(await whoami(target({ agentSocket: lab.agentSock }))).toBe('root');
  });

  it('logs in with a plain key', async () => {
    expect(await whoami(target({ keys: [key('plain', lab.keys.plain)] }))).toBe('root');
  });

  it('logs in with a passphrase-protected key', async () => {
    expect(await whoami(target({ keys: [key('pass', lab.keys.passphrase, lab.keys.passphraseText)] }))).toBe('root');
  });

  it('logs in with a legacy PEM-encrypted RSA key', async () => {
    expect(await whoami(target({ keys: [key('rsa', lab.keys.rsaPem, lab.keys.passphraseText)] }))).toBe('root');
  });

  it('logs in with a password', async () => {
    const { user, password } = lab.users.password;
    expect(await whoami(target({ user, password }))).toBe(user);
  });

  it('tries agent, then keys, then password on one connection (OpenSSH order)', async () => {
    const { user, password } = lab.users.password;
    // the agent's key is authorised for hpuser too, so use a bogus agent socket to reach the password
    const who = await whoami(
      target({
        user,
        agentSocket: join(dir, 'no-agent.sock'),
        keys: [key('wrong', lab.keys.wrong), key('locked', lab.keys.passphrase, null)],
        password,
      }),
    );
    expect(who).toBe(user);
  });

  it('a key without its passphrase is skipped when another method works', async () => {
    expect(await whoami(target({ agentSocket: lab.agentSock, keys: [key('locked', lab.keys.passphrase, null)] }))).toBe('root');
  });

  it('wrong key → AUTH_FAILED naming what was tried', async () => {
    const e = await failure(target({ keys: [key('my wrong key', lab.keys.wrong)] }));
    expect(e.code).toBe('AUTH_FAILED');
    expect(e.message).toContain('root@127.0.0.1:');
    expect(e.message).toContain('key "my wrong key"');
    expect(e.fix).toContain('~/.ssh/authorized_keys of root');
  });

  it('wrong passphrase → KEY_PASSPHRASE naming the key', async () => {
    const e = await failure(target({ keys: [key('laptop key', lab.keys.passphrase, 'wrong-pass-123')] }));
    expect(e.code).toBe('KEY_PASSPHRASE');
    expect(e.message).toContain('"laptop key"');
    expect(e.details).toMatchObject({ key: 'laptop key' });
    const missing = await failure(target({ keys: [key('rsa', lab.keys.rsaPem, null)] }));
    expect(missing.code).toBe('KEY_PASSPHRASE');
    expect(missing.message).toMatch(/protected by a passphrase/);
  });

  it('wrong password → AUTH_FAILED', async () => {
    const e = await failure(target({ user: lab.users.password.user, password: 'wrong-pass-123' }));
    expect(e.code).toBe('AUTH_FAILED');
    expect(e.message).toContain('password');
  });

  it('no credentials → AUTH_FAILED saying so', async () => {
    const e = await failure(target({}));
    expect(e.code).toBe('AUTH_FAILED');
    expect(e.message).toContain('no credentials were configured');
  });
});

describe('connectSsh: network failures', () => {
  it('refused port → CONNECTION_REFUSED', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const e = await failure(target({ port, agentSocket: lab.agentSock }));
    expect(e.code).toBe('CONNECTION_REFUSED');
    expect(e.message).toContain(`127.0.0.1:${port}`);
  });

  it('a silent server → UNREACHABLE after the ready timeout', async () => {
    const sockets: net.Socket[] = [];
    const server = net.createServer((s) => sockets.push(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const t0 = Date.now();
      const e = await failure(target({ port, agentSocket: lab.agentSock }), trustLab(), 600);
      expect(e.code).toBe('UNREACHABLE');
      expect(e.message).toMatch(/within 1 s/);
      expect(Date.now() - t0).toBeLessThan(5000);
    } finally {
      for (const s of sockets) s.destroy();
      server.close();
    }
  });

  it('an unknown host name → UNREACHABLE (DNS)', async () => {
    const e = await failure(target({ hostname: 'homeport-no-such-host.invalid', agentSocket: lab.agentSock }), trustLab(), 5000);
    expect(e.code).toBe('UNREACHABLE');
  });
});

describe('connectSsh: host keys', () => {
  it('unknown host key → HOSTKEY_UNKNOWN with the lab fingerprint', async () => {
    const kh = new KnownHosts({ store: new MemoryStore(), userKnownHostsFile: null });
    const e = await failure(target({ agentSocket: lab.agentSock }), (b) => kh.check(lab.ssh.host, lab.ssh.port, b));
    expect(e.code).toBe('HOSTKEY_UNKNOWN');
    expect(e.details).toEqual({
      hostname: '127.0.0.1',
      port: lab.ssh.port,
      keyType: lab.ssh.hostKeyType,
      fingerprint: lab.ssh.hostKeyFingerprint,
    });
    expect(e.message).toBe(`The host key of 127.0.0.1:${lab.ssh.port} is not known yet (ED25519 ${lab.ssh.hostKeyFingerprint}).`);
    expect(e.fix).toContain('ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub');
    // the user accepts it (by fingerprint, as the UI does) and the next connection works
    kh.acceptFingerprint(lab.ssh.host, lab.ssh.port, lab.ssh.hostKeyFingerprint);
    const c = await connectSsh(target({ agentSocket: lab.agentSock }), { verifyHostKey: (b) => kh.check(lab.ssh.host, lab.ssh.port, b) });
    c.end();
  });

  it('changed host key → HOSTKEY_CHANGED, loudly, with both fingerprints', async () => {
    const kh = new KnownHosts({ store: new MemoryStore(), userKnownHostsFile: null });
    const other = join(dir, 'other_host_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
    const otherBlob = Buffer.from(readFileSync(other + '.pub', 'utf8').split(' ')[1]!, 'base64');
    kh.accept(lab.ssh.host, lab.ssh.port, otherBlob);
    const e = await failure(target({ agentSocket: lab.agentSock }), (b) => kh.check(lab.ssh.host, lab.ssh.port, b));
    expect(e.code).toBe('HOSTKEY_CHANGED');
    const expectedFp = execFileSync('ssh-keygen', ['-lf', other + '.pub'], { encoding: 'utf8' }).split(' ')[1]!;
    expect(e.details).toMatchObject({ fingerprint: lab.ssh.hostKeyFingerprint, expected: expectedFp, keyType: 'ssh-ed25519' });
    expect(e.message).toContain(lab.ssh.hostKeyFingerprint);
    expect(e.message).toContain(expectedFp);
    expect(e.message).toContain('man-in-the-middle');
    expect(e.fix).toContain(`ssh-keygen -R '[127.0.0.1]:${lab.ssh.port}'`);
  });

  it('honours ~/.ssh/known_hosts, plain and hashed', async () => {
    const plain = join(dir, 'known_hosts');
    writeFileSync(plain, `[127.0.0.1]:${lab.ssh.port} ${lab.ssh.hostPublicKey}\n`);
    const salt = randomBytes(20);
    const hmac = createHmac('sha1', salt).update(`[127.0.0.1]:${lab.ssh.port}`).digest();
    const hashed = join(dir, 'known_hosts_hashed');
    writeFileSync(hashed, `|1|${salt.toString('base64')}|${hmac.toString('base64')} ${lab.ssh.hostPublicKey}\n`);
    for (const file of [plain, hashed]) {
      const kh = new KnownHosts({ store: new MemoryStore(), userKnownHostsFile: file });
      const c = await connectSsh(target({ agentSocket: lab.agentSock }), { verifyHostKey: (b) => kh.check(lab.ssh.host, lab.ssh.port, b) });
      expect(await run(c, 'echo ok')).toBe('ok');
      c.end();
    }
  });

  it('a throwing verifier refuses the connection', async () => {
    const e = await failure(target({ agentSocket: lab.agentSock }), () => {
      throw new Error('boom');
    });
    expect(e.code).toBe('INTERNAL');
  });
});
