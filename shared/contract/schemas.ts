import { z } from 'zod';
import { DEFAULT_DOCKER_SOCKET, parseAddress, type HostInput } from '../model/host';
import type { HostId, KeyId, StreamId } from '../model/ids';
import { STATS_LIMITS } from '../model/container-stats';
import { MAX_LOG_TAIL } from '../model/logs';
import type { ChannelConfigInput, MonitorConfigInput } from '../model/monitors';
import { MAX_COMPOSE_FILE_BYTES, STACK_ACTIONS } from '../model/stacks';
import type { InputOf, MethodName } from './services';
import { STREAM_KINDS, terminalCols, terminalRows } from './streams';

// Input validation for every method, run in main before a service sees the input.

const hostId = z.string().regex(/^h_[A-Za-z0-9_-]{4,40}$/, 'is not a host id').transform((s) => s as HostId);
const keyId = z.string().regex(/^k_[A-Za-z0-9_-]{4,40}$/, 'is not a key id').transform((s) => s as KeyId);
/** One-time transfer ids (see VolumeTransferInfo). */
const transferId = z.string().regex(/^t_[A-Za-z0-9_-]{16,64}$/, 'is not a transfer id');
const streamId = z.string().regex(/^s_[A-Za-z0-9_-]{4,40}$/, 'is not a stream id').transform((s) => s as StreamId);
/** Container ids or names as Docker accepts them; nothing else reaches the engine. */
const containerId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, 'is not a container id or name');
/** An image reference as Docker spells it: [registry[:port]/]path[:tag][@sha256:digest]; a registry has a dot, a port or is localhost. */
const IMAGE_REF_RE =
  /^(?:(?:localhost|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+|[A-Za-z0-9-]+(?=:))(?::[0-9]{1,5})?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;
const IMAGE_ID_RE = /^(?:sha256:)?[a-f0-9]{12,64}$/;
const imageRef = z.string().trim().min(1, 'Give an image reference.').max(512).regex(IMAGE_REF_RE, 'is not an image reference (for example nginx:1.27 or registry:5000/team/app:tag)');
const imageIdOrRef = z
  .string()
  .max(512)
  .refine((s) => IMAGE_ID_RE.test(s) || IMAGE_REF_RE.test(s), 'is not an image id or reference');
/** Volume and network names as Docker accepts them. */
const resourceName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/, 'may have only letters, digits, _ . and -, and must start with a letter or digit');
/** A whole number in a range a person is told in one go ("must be between 1 and 65535"). */
const between = (lo: number, hi: number) => {
  const range = `must be between ${lo} and ${hi}`;
  return z.number().int('must be a whole number').min(lo, range).max(hi, range);
};
const noControl = (s: string) => !/[\u0000-\u001f\u007f]/.test(s);
const absPath = z
  .string()
  .min(1)
  .max(4096)
  .refine((s) => s.startsWith('/') || /^[A-Za-z]:[\\/]/.test(s) || s.startsWith('~/'), 'must be an absolute path (starting with / or ~/)')
  .refine(noControl, 'must not contain control characters');

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

const ref = z.object({ hostId, containerId });

// Monitors and channels: only the shape is checked here; the monitors service's validators are
// the real validation (their VALIDATION errors carry details.field).
const monitorId = z.string().regex(/^m_[A-Za-z0-9_-]{4,40}$/, 'is not a monitor id');
const channelId = z.string().regex(/^c_[A-Za-z0-9_-]{4,40}$/, 'is not a channel id');
const monitorCommon = { name: z.string().max(200) };
const monitorConfigInput = z.discriminatedUnion('type', [
  z.looseObject({ ...monitorCommon, type: z.literal('http'), url: z.string().max(4096) }),
  z.looseObject({ ...monitorCommon, type: z.literal('tcp'), host: z.string().max(300), port: z.number() }),
  z.looseObject({ ...monitorCommon, type: z.literal('ping'), host: z.string().max(300) }),
  z.looseObject({ ...monitorCommon, type: z.literal('dns'), hostname: z.string().max(300) }),
  z.looseObject({ ...monitorCommon, type: z.literal('container'), hostId: z.string().max(200), container: z.string().max(300) }),
  z.looseObject({ ...monitorCommon, type: z.literal('ssh-command'), hostId: z.string().max(200), command: z.string().max(8192) }),
  z.looseObject({ ...monitorCommon, type: z.literal('push'), token: z.string().max(200).optional() }),
]) as unknown as z.ZodType<MonitorConfigInput, unknown>;
const channelConfigInput = z.looseObject({
  type: z.enum(['ntfy', 'webhook', 'discord', 'slack', 'telegram', 'gotify', 'email']),
  name: z.string().max(200),
  enabled: z.boolean().optional(),
}) as z.ZodType<ChannelConfigInput, unknown>;
const none = z.undefined();
const kumaId = z.string().regex(/^ku_[A-Za-z0-9_-]{4,40}$/, 'is not an Uptime Kuma instance id');
const kumaMonitorId = z.string().min(1).max(64).refine(noControl, 'is not a monitor id');
const kumaAddInput = z.object({
  name: z.string().trim().max(100).refine(noControl, 'must not contain control characters'),
  url: z.string().trim().min(1, 'Enter the address of Uptime Kuma, for example http://nas:3001.').max(2048),
  mode: z.enum(['socket', 'metrics', 'status-page']),
  username: z.string().max(200),
  password: z.string().max(1000),
  totp: z.string().trim().regex(/^(\d{6})?$/, 'A 2FA code is 6 digits.'),
  apiKey: z.string().max(1000),
  slug: z.string().trim().max(200).regex(/^[A-Za-z0-9_-]*$/, 'A status page slug has letters, digits, - and _ only.'),
  allowSelfSigned: z.boolean(),
});
/**
 * Stacks: the project names a host's labels carry (looked up among them, never run as given); a
 * path must be one of the project's own config files (checked by the service); file text is data.
 */
const project = z.string().min(1, 'Give a project name.').max(255).refine(noControl, 'must not contain control characters');
const stackRef = { hostId, project };
const stackPath = z.string().min(1).max(4096).refine(noControl, 'must not contain control characters').optional();
const composeText = z.string().max(MAX_COMPOSE_FILE_BYTES, 'A compose file of more than 1 MiB is not supported.');

const clock = z.string().regex(/^([01]?\d|2[0-3]):[0-5]\d$/, 'must be a time as HH:MM (24 h)');
const maintenanceWindow = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('once'), from: z.number().finite(), to: z.number().finite() }),
  z.object({ kind: z.literal('weekly'), days: z.array(z.number().int().min(0).max(6)).max(7), start: clock, end: clock, utcOffsetMinutes: z.number().int().min(-840).max(840) }),
]);

export const inputSchemas = {
  'app.info': none,
  'app.problems': none,
  'app.resolveProblem': z.object({
    id: z.string().min(1).max(300).refine(noControl, 'no control characters'),
    action: z.enum(['discard', 'check-again', 'new-secret-key']),
  }),
  'hosts.list': none,
  'hosts.add': hostInputSchema,
  'hosts.update': z.object({ id: hostId, host: hostInputSchema }),
  'hosts.remove': z.object({ id: hostId }),
  'hosts.test': z.object({ id: hostId.nullable(), host: hostInputSchema }),
  'hosts.connect': z.object({ id: hostId }),
  'hosts.disconnect': z.object({ id: hostId }),
  'hosts.acceptHostKey': z.object({
    hostname: z.string().min(1).max(255),
    port: between(1, 65535),
    fingerprint: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'is not a SHA256 fingerprint'),
  }),
  'hosts.scanSshConfig': none,
  'hosts.importSshConfig': z.object({ aliases: z.array(z.string().min(1).max(255)).min(1).max(500) }),
  'keys.list': none,
  'keys.import': z
    .object({
      name: z.string().trim().max(128),
      path: absPath.nullable(),
      privateKey: z.string().max(64 * 1024).nullable(),
      passphrase: z.string().max(1024).nullable(),
    })
    .refine((k) => (k.path === null) !== (k.privateKey === null), 'Give either a key file path or the key text.'),
  'keys.generate': z.object({
    comment: z.string().trim().max(128).refine(noControl, 'must not contain control characters'),
    passphrase: z.string().max(1024).nullable(),
  }),
  'keys.remove': z.object({ id: keyId }),
  'containers.list': none,
  'containers.start': ref,
  'containers.stop': ref,
  'containers.restart': ref,
  'containers.remove': ref.extend({ removeVolumes: z.boolean(), force: z.boolean() }),
  'containers.upgradeOptions': ref,
  'containers.rollback': ref,
  'containers.discardPrevious': ref,
  'containers.inspect': ref,
  // An environment variable's name as a container can hold it: anything but '=' and control characters.
  'containers.revealEnv': ref.extend({ name: z.string().min(1).max(1024).regex(/^[^=\u0000-\u001f\u007f]+$/, 'is not an environment variable name') }),
  'images.list': none,
  'images.remove': z.object({ hostId, id: imageIdOrRef, force: z.boolean() }),
  'images.prune': z.object({ hostId }),
  'volumes.list': none,
  'volumes.remove': z.object({ hostId, name: resourceName }),
  'volumes.browse': z.object({ hostId, name: resourceName, path: z.string().max(4096).refine(noControl, 'must not contain control characters') }),
  'volumes.prune': z.object({ hostId, all: z.boolean() }),
  'volumes.prepareBackup': z.object({ hostId, name: resourceName }),
  'volumes.prepareRestore': z.object({
    hostId,
    name: resourceName,
    mode: z.enum(['new', 'overwrite']),
    fileName: z.string().max(255).refine(noControl, 'must not contain control characters').nullable(),
    sizeBytes: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullable(),
    // Off unless asked: a restore clears setuid/setgid bits of files.
    keepSetuid: z.boolean().default(false),
  }),
  'networks.list': none,
  'networks.removeUnused': z.object({ hostId }),
  'networks.inspect': z.object({ hostId, id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/, 'is not a network id or name') }),
  'engines.overview': z.object({ hostId }),
  'engines.diskUsage': z.object({ hostId, refresh: z.boolean() }),
  'monitors.list': none,
  'monitors.add': monitorConfigInput,
  'monitors.update': z.object({ id: monitorId, config: monitorConfigInput }),
  'monitors.remove': z.object({ id: monitorId }),
  'monitors.pause': z.object({ id: monitorId }),
  'monitors.resume': z.object({ id: monitorId }),
  'monitors.suggestions': none,
  'monitors.addSuggested': z.object({ key: z.string().min(1).max(1024).refine(noControl, 'no control characters') }),
  'monitors.pushUrl': z.object({ id: monitorId }),
  'monitors.history': z.object({ id: monitorId, range: z.enum(['24h', '30d', '1y']) }),
  'monitors.listChannels': none,
  'monitors.addChannel': channelConfigInput,
  'monitors.removeChannel': z.object({ id: channelId }),
  'monitors.testChannel': z.object({ id: channelId }),
  'kuma.list': none,
  'kuma.add': kumaAddInput,
  'kuma.remove': z.object({ id: kumaId }),
  'kuma.pauseMonitor': z.object({ id: kumaId, monitorId: kumaMonitorId }),
  'kuma.resumeMonitor': z.object({ id: kumaId, monitorId: kumaMonitorId }),
  'kuma.heartbeat': none,
  'kuma.setHeartbeat': z.object({
    url: z.string().trim().min(1, 'Paste the push URL.').max(2048).nullable(),
    intervalSec: z.number().int().min(20, 'must be at least 20 seconds').max(86_400, 'must be at most 86400 seconds (once a day)'),
  }),
  'kuma.sendHeartbeat': none,
  'stacks.list': none,
  'stacks.file': z.object({ ...stackRef, path: stackPath }),
  'stacks.validateFile': z.object({ ...stackRef, path: stackPath, content: composeText }),
  'stacks.saveFile': z.object({ ...stackRef, path: stackPath, content: composeText }),
  'stacks.rollbackFile': z.object({ ...stackRef, path: stackPath }),
  'stacks.setServiceImage': z.object({ ...stackRef, service: z.string().min(1).max(255).refine(noControl, 'must not contain control characters'), image: imageRef }),
  'monitors.updateChannel': z.object({ id: channelId, config: channelConfigInput }),
  'monitors.mute': z.object({ id: monitorId.nullable(), preset: z.enum(['1h', '4h', '8h', 'tomorrow']), utcOffsetMinutes: z.number().int().min(-840).max(840) }),
  'monitors.unmute': z.object({ id: monitorId.nullable() }),
  'monitors.setMaintenance': z.object({ id: monitorId.nullable(), windows: z.array(maintenanceWindow).max(50) }),
  'monitors.setRouting': z.object({ id: monitorId, routing: z.object({ channelIds: z.array(channelId).max(50), includeDefaults: z.boolean() }).nullable() }),
  'monitors.setDefaultChannels': z.object({ channelIds: z.array(channelId).max(50) }),
  'monitors.alertSettings': none,
  'monitors.recentAlerts': none,
  'monitors.exportYaml': none,
  'monitors.importYaml': z.object({ yaml: z.string().max(1024 * 1024), dryRun: z.boolean() }),
  'streams.open': z.discriminatedUnion('kind', [
    z.object({ kind: z.literal(STREAM_KINDS[0]), hostId }),
    z.object({ kind: z.literal(STREAM_KINDS[1]), hostId, ref: imageRef }),
    z.object({ kind: z.literal('stack.run'), hostId, project, action: z.enum(STACK_ACTIONS), revertFile: stackPath }),
    z.object({ kind: z.literal('container.upgrade'), hostId, containerId, image: imageRef, pull: z.boolean() }),
    z.object({ kind: z.literal('container.exec'), hostId, containerId, cols: terminalCols, rows: terminalRows }),
    z.object({ kind: z.literal('host.shell'), hostId, cols: terminalCols, rows: terminalRows }),
    z.object({ kind: z.literal('volume.transfer'), transferId }),
    z.object({
      kind: z.literal('container.stats'),
      hostId,
      containerIds: z.array(containerId).min(1, 'Give at least one container.').max(STATS_LIMITS.maxContainers, `has too many entries (at most ${STATS_LIMITS.maxContainers})`),
      periodMs: z.number().int().min(STATS_LIMITS.minPeriodMs).max(STATS_LIMITS.maxPeriodMs).default(STATS_LIMITS.detailPeriodMs),
    }),
    z.object({
      kind: z.literal('container.logs'),
      hostId,
      containerId,
      tail: z.union([z.literal('all'), z.number().int().min(0).max(MAX_LOG_TAIL)]),
      since: z.number().min(0).max(1e11).nullable(),
      timestamps: z.boolean(),
      follow: z.boolean(),
    }),
  ]),
  'streams.close': z.object({ streamId }),
  // The data's shape depends on the stream's kind: the streams manager validates it against STREAM_INPUT_SCHEMAS.
  'streams.send': z.object({ streamId, data: z.unknown() }),
} satisfies { [M in MethodName]: z.ZodType<InputOf<M>, unknown> };
