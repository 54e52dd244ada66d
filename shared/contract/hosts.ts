import { z } from 'zod';
import { DEFAULT_DOCKER_SOCKET, parseAddress } from '../model/host';
import type { AcceptHostKeyInput, HostInfo, HostInput, HostTestResultInfo, SshConfigScanInfo } from '../model/host';
import type { HostId } from '../model/ids';
import { event, feature, none, stream } from './define';
import { absPath, between, hostId, keyId, noControl } from './fields';
import { terminalCols, terminalInput, terminalRows, type TerminalInput, type TerminalSize } from './terminal';

export interface HostsApi {
  list(): Promise<HostInfo[]>;
  add(input: HostInput): Promise<HostInfo>;
  update(input: { id: HostId; host: HostInput }): Promise<HostInfo>;
  remove(input: { id: HostId }): Promise<void>;
  /** Connect with these settings once, without saving them; `id` lets an edit reuse a stored password. */
  test(input: { id: HostId | null; host: HostInput }): Promise<HostTestResultInfo>;
  connect(input: { id: HostId }): Promise<void>;
  disconnect(input: { id: HostId }): Promise<void>;
  /** Trust the key a server presented (it must be the fingerprint the server showed). */
  acceptHostKey(input: AcceptHostKeyInput): Promise<void>;
  scanSshConfig(): Promise<SshConfigScanInfo>;
  importSshConfig(input: { aliases: string[] }): Promise<HostInfo[]>;
}

export const hostInputSchema = z
  .object({
    name: z.string().trim().min(1, 'Give the host a name.').max(64).refine(noControl, 'must not contain control characters'),
    kind: z.enum(['ssh', 'local']),
    address: z.string().trim().max(300),
    socketPath: absPath.default(DEFAULT_DOCKER_SOCKET),
    useAgent: z.boolean().default(true),
    keyId: keyId.nullable().default(null),
    identityFile: absPath.nullable().default(null),
    password: z.string().max(1024).optional(),
  })
  .superRefine((h, ctx) => {
    if (h.kind === 'ssh' && !parseAddress(h.address)) {
      ctx.addIssue({ code: 'custom', path: ['address'], message: 'Write the address as user@host or user@host:port.' });
    }
  }) satisfies z.ZodType<HostInput, unknown>;

export const hosts = feature<HostsApi>()({
  methods: {
    list: { input: none, action: 'list the hosts' },
    add: { input: hostInputSchema, action: 'add the host' },
    update: { input: z.object({ id: hostId, host: hostInputSchema }), action: 'save the host' },
    remove: { input: z.object({ id: hostId }), action: 'remove the host' },
    test: { input: z.object({ id: hostId.nullable(), host: hostInputSchema }), action: 'test the connection' },
    connect: { input: z.object({ id: hostId }), action: 'connect the host' },
    disconnect: { input: z.object({ id: hostId }), action: 'disconnect the host' },
    acceptHostKey: {
      input: z.object({
        hostname: z.string().min(1).max(255),
        port: between(1, 65535),
        fingerprint: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'is not a SHA256 fingerprint'),
      }),
      action: 'trust the host key',
    },
    scanSshConfig: { input: none, action: 'read ~/.ssh/config' },
    importSshConfig: { input: z.object({ aliases: z.array(z.string().min(1).max(255)).min(1).max(500) }), action: 'import the hosts' },
  },
  streams: {
    /** An interactive login shell on the host itself, over the host's one SSH connection. */
    'host.shell': stream<{ params: { hostId: HostId } & TerminalSize; data: string; input: TerminalInput }>({
      params: z.object({ hostId, cols: terminalCols, rows: terminalRows }),
      input: terminalInput,
      action: 'open a shell on the host',
    }),
  },
  events: {
    'hosts.changed': event<HostInfo[]>(),
  },
});
