import { describe, expect, it } from 'vitest';
import { METHOD_NAMES, type ErrorInfo, type MethodName } from '../../../shared/contract';
import type { Logger } from '../platform/platform';
import { createDispatcher, type ContractImpl } from './dispatcher';

// Refused input, as the person who typed it reads it: what they were doing, which field, why, in
// their words. The contract's real schemas; every service method answers with what it was given.

const logged: Array<{ message: string; fields?: Record<string, unknown> }> = [];
const logger: Logger = {
  info: () => undefined,
  warn: (message, fields) => void logged.push({ message, ...(fields ? { fields } : {}) }),
  error: (message, fields) => void logged.push({ message, ...(fields ? { fields } : {}) }),
} as Logger;

let thrown: unknown = null;
const impl = new Proxy(
  {},
  {
    get: () =>
      new Proxy(
        {},
        {
          get: () => async (input: unknown) => {
            if (thrown) throw thrown;
            return input;
          },
        },
      ),
  },
) as ContractImpl;
const dispatch = createDispatcher(impl, logger);

async function refusal(method: MethodName, input: unknown): Promise<ErrorInfo> {
  const r = await dispatch(method, input, { clientId: 'c1' });
  if (r.ok) throw new Error(`${method} accepted ${JSON.stringify(input)}`);
  return r.error;
}

const HOST = { name: 'nas', kind: 'ssh', address: 'root@nas', socketPath: '/var/run/docker.sock', useAgent: true, keyId: null, identityFile: null };
const HOST_ID = 'h_abcdef';
/** Words a user does not know: contract methods, stream kinds, schema paths and zod's own phrasing. */
const INTERNAL = /\b(?:app|hosts|keys|containers|images|volumes|networks|engines|monitors|kuma|stacks|streams)\.[a-z]\w*|image\.pull|container\.\w+|Invalid input|Too (?:big|small)|expected (?:string|number)|highlighted|hostId|socketPath/;

describe('refused input', () => {
  it.each<[string, MethodName, unknown, string, string, string]>([
    [
      'a port out of range',
      'hosts.acceptHostKey',
      { hostname: 'nas', port: 70000, fingerprint: `SHA256:${'A'.repeat(43)}` },
      'Could not trust the host key: the port must be between 1 and 65535.',
      'Correct the port and try again.',
      'port',
    ],
    [
      'a relative socket path',
      'hosts.add',
      { ...HOST, socketPath: 'docker.sock' },
      'Could not add the host: the Docker socket path must be an absolute path (starting with / or ~/).',
      'Correct the Docker socket path and try again.',
      'socketPath',
    ],
    [
      'a field inside the host being saved',
      'hosts.update',
      { id: HOST_ID, host: { ...HOST, name: '' } },
      'Could not save the host: give the host a name.',
      'Correct the name and try again.',
      'host.name',
    ],
    [
      'an image reference (a stream: named by what it does)',
      'streams.open',
      { kind: 'image.pull', hostId: HOST_ID, ref: 'Bad Ref!' },
      'Could not pull the image: the image reference is not an image reference (for example nginx:1.27 or registry:5000/team/app:tag).',
      'Correct the image reference and try again.',
      'ref',
    ],
    [
      'text that is too long',
      'keys.generate',
      { comment: 'x'.repeat(200), passphrase: null },
      'Could not generate the key: the comment is too long (at most 128 characters).',
      'Correct the comment and try again.',
      'comment',
    ],
    [
      'a rule about the whole input',
      'keys.import',
      { name: 'k', path: null, privateKey: null, passphrase: null },
      'Could not import the key: give either a key file path or the key text.',
      'Change what you entered and try again.',
      '',
    ],
    [
      'a missing field',
      'kuma.setHeartbeat',
      { url: 'https://status.example/api/push/x' },
      'Could not save the heartbeat: the interval is missing.',
      'Correct the interval and try again.',
      'intervalSec',
    ],
  ])('%s: says what, where and why in words, and names the field it is about', async (_what, method, input, message, fix, field) => {
    const e = await refusal(method, input);
    expect(e.code).toBe('VALIDATION');
    expect(e.message).toBe(message);
    expect(e.fix).toBe(fix);
    expect(e.details?.field ?? '').toBe(field);
    expect(`${e.message} ${e.fix}`).not.toMatch(INTERNAL);
  });

  it('tells input only Homeport fills in (ids, kinds) as a bug of its own, and logs where', async () => {
    logged.length = 0;
    const e = await refusal('streams.open', { kind: 'container.logs', hostId: 'not-an-id', containerId: 'web', tail: 100, since: null, timestamps: false, follow: true });
    expect(e.message).toBe('Could not open the log: Homeport’s window sent a request its services refuse.');
    expect(e.fix).toMatch(/^This is a bug in Homeport, not a mistake of yours\./);
    expect(e.details?.field).toBe('hostId');
    expect(logged).toEqual([{ message: 'input refused', fields: { method: 'streams.open', field: 'hostId' } }]);
  });

  it('never puts a method name or zod’s phrasing in front of the user, for any method', async () => {
    for (const method of METHOD_NAMES) {
      for (const input of [{ bogus: true }, 42, 'x', [1]]) {
        const r = await dispatch(method, input, { clientId: 'c1' });
        if (r.ok) continue; // methods without input ignore it
        expect(`${r.error.message} ${r.error.fix ?? ''}`, `${method} ${JSON.stringify(input)}`).not.toMatch(INTERNAL);
        expect(r.error.message, method).toMatch(/^Could not [a-z]/);
      }
    }
  });

  it('tells an unexpected failure by what the user was doing, not by the method’s name', async () => {
    thrown = new TypeError('Cannot read properties of undefined');
    try {
      const r = await dispatch('streams.open', { kind: 'image.pull', hostId: HOST_ID, ref: 'busybox' }, { clientId: 'c1' });
      expect(r).toEqual({
        ok: false,
        error: { code: 'INTERNAL', message: 'Homeport hit an unexpected error trying to pull the image.', fix: 'This is a bug; the log has the details. Try again, and report it if it repeats.' },
      });
    } finally {
      thrown = null;
    }
  });
});
