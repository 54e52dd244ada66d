import { describe, expect, it } from 'vitest';
import { HomeportError, HostId, type ConnectionState, type ErrorInfo } from '../../../shared/contract';
import { createConsoleLogger } from '../platform/logger';
import { HostConnection, type Link } from './host-connection';

// The connection state machine on its own, with a connector the test controls (the real one is
// proven against the lab in app.integration.test.ts).

function fakeLink(): Link & { drop(e?: ErrorInfo): void } {
  const listeners: Array<(e: ErrorInfo | null) => void> = [];
  const docker = { version: async () => ({ Version: '20.10', ApiVersion: '1.41', Os: 'linux', Arch: 'amd64' }) };
  return {
    docker: docker as never,
    transport: 'streamlocal',
    onClose: (l) => void listeners.push(l),
    fail: (e) => listeners.forEach((l) => l(e)),
    close: () => {},
    shell: () => Promise.reject(new Error('no shell in this test')),
    drop: (e) => listeners.forEach((l) => l(e ?? null)),
  };
}

function harness(connector: () => Promise<Link>) {
  const states: ConnectionState[] = [];
  const ups: number[] = [];
  const c = new HostConnection(
    HostId('h_test1'),
    connector,
    { state: (s) => states.push(s), up: () => ups.push(1), down: () => ups.push(-1) },
    createConsoleLogger('test'),
    { delayMs: () => 10 },
  );
  return { c, states, ups };
}

const settle = () => new Promise((r) => setTimeout(r, 50));

describe('HostConnection', () => {
  it('connects, and reconnects with backoff after a drop', async () => {
    let link = fakeLink();
    const { c, states, ups } = harness(async () => (link = fakeLink()));
    c.start();
    await settle();
    expect(c.state.status).toBe('connected');
    link.drop();
    await settle();
    expect(states.map((s) => s.status)).toEqual(['connecting', 'connected', 'reconnecting', 'connecting', 'connected']);
    expect(ups).toEqual([1, -1, 1]);
  });

  it('hands the link to its owner before it announces "connected", on every connection', async () => {
    let link = fakeLink();
    const order: string[] = [];
    const c = new HostConnection(
      HostId('h_test2'),
      async () => (link = fakeLink()),
      { state: (s) => order.push(s.status), up: () => order.push('up'), down: () => order.push('down') },
      createConsoleLogger('test'),
      { delayMs: () => 10 },
    );
    c.start();
    await settle();
    link.drop();
    await settle();
    expect(order).toEqual(['connecting', 'up', 'connected', 'down', 'reconnecting', 'connecting', 'up', 'connected']);
  });

  it('retries what retrying can fix, and waits for the user on what it cannot', async () => {
    let n = 0;
    const refused = harness(async () => {
      if (++n < 3) throw new HomeportError({ code: 'CONNECTION_REFUSED', message: 'refused' });
      return fakeLink();
    });
    refused.c.start();
    await settle();
    await settle();
    expect(refused.c.state.status).toBe('connected');
    expect(refused.states.filter((s) => s.status === 'reconnecting')).toHaveLength(2);

    const auth = harness(async () => {
      throw new HomeportError({ code: 'AUTH_FAILED', message: 'no' });
    });
    auth.c.start();
    await settle();
    expect(auth.c.state).toMatchObject({ status: 'failed', error: { code: 'AUTH_FAILED' } });
  });

  it('asks about an unknown host key instead of retrying', async () => {
    const h = harness(async () => {
      throw new HomeportError({
        code: 'HOSTKEY_UNKNOWN',
        message: 'unknown',
        details: { hostname: 'nas', port: 22, keyType: 'ssh-ed25519', fingerprint: 'SHA256:x' },
      });
    });
    h.c.start();
    await settle();
    expect(h.c.state).toEqual({ status: 'needs-hostkey', hostname: 'nas', port: 22, keyType: 'ssh-ed25519', fingerprint: 'SHA256:x', knownKeys: [] });
  });

  it('stops cleanly, and a late result of an abandoned attempt is dropped', async () => {
    let release!: (l: Link) => void;
    const h = harness(() => new Promise<Link>((r) => (release = r)));
    h.c.start();
    h.c.stop();
    release(fakeLink());
    await settle();
    expect(h.c.state.status).toBe('disconnected');
    expect(h.ups).toEqual([]);
    expect(() => h.c.docker).toThrow(/disconnected/);
  });
});
