import { describe, expect, it } from 'vitest';
import { connectionLabel, connectionTone } from './host-state';

describe('connectionLabel', () => {
  const err = { code: 'UNREACHABLE' as const, message: 'timed out' };
  it('says each state in a few words', () => {
    expect(connectionLabel({ status: 'disconnected' }, 0)).toBe('Disconnected');
    expect(connectionLabel({ status: 'connecting', attempt: 1 }, 0)).toBe('Connecting…');
    expect(connectionLabel({ status: 'connecting', attempt: 3 }, 0)).toBe('Connecting… (attempt 3)');
    expect(
      connectionLabel({ status: 'connected', since: 0, transport: 'dial-stdio', engine: { version: '27', apiVersion: '1.47', os: 'linux', name: 'x' } }, 0),
    ).toBe('Connected (dial-stdio)');
    expect(connectionLabel({ status: 'needs-hostkey', hostname: 'a', port: 22, keyType: 'ssh-ed25519', fingerprint: 'SHA256:x' }, 0)).toBe('Needs host key');
    expect(connectionLabel({ status: 'failed', error: err }, 0)).toBe('Failed');
  });

  it('counts down to the next reconnect attempt', () => {
    const s = { status: 'reconnecting' as const, attempt: 2, retryAt: 10_000, error: err };
    expect(connectionLabel(s, 5_200)).toBe('Reconnecting in 5s (attempt 2)');
    expect(connectionLabel(s, 10_500)).toBe('Reconnecting… (attempt 2)');
    expect(connectionTone(s)).toBe('busy');
  });
});
