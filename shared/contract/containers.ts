import { z } from 'zod';
import type { ContainerRef, HostContainersInfo, RemoveContainerInput } from '../model/container';
import type { ContainerInspectInfo, RevealEnvInput } from '../model/container-inspect';
import { STATS_LIMITS, type ContainerStatsParams, type ContainerStatsSampleInfo } from '../model/container-stats';
import type { HostId } from '../model/ids';
import { MAX_LOG_TAIL, type LogBatchInfo } from '../model/logs';
import type { RollbackResultInfo, UpgradeOptionsInfo, UpgradeProgressInfo } from '../model/upgrade';
import { event, feature, none, stream } from './define';
import { containerId, hostId, imageRef } from './fields';
import { terminalCols, terminalInput, terminalRows, type TerminalInput, type TerminalSize } from './terminal';

export interface ContainersApi {
  list(): Promise<HostContainersInfo[]>;
  start(input: ContainerRef): Promise<void>;
  stop(input: ContainerRef): Promise<void>;
  restart(input: ContainerRef): Promise<void>;
  remove(input: RemoveContainerInput): Promise<void>;
  /** What an upgrade of this container can pick from (upgrades run as `container.upgrade` streams). */
  upgradeOptions(input: ContainerRef): Promise<UpgradeOptionsInfo>;
  /** Puts back the container an upgrade kept; the upgraded one is removed once the old one runs. */
  rollback(input: ContainerRef): Promise<RollbackResultInfo>;
  /** Removes the container an upgrade kept (the upgrade is then final). */
  discardPrevious(input: ContainerRef): Promise<void>;
  /** Configuration and state of one container; secret-looking env values are masked. */
  inspect(input: ContainerRef): Promise<ContainerInspectInfo>;
  /** One env value, when the user asks to see it. */
  revealEnv(input: RevealEnvInput): Promise<{ value: string }>;
}

const ref = z.object({ hostId, containerId });

export const containers = feature<ContainersApi>()({
  methods: {
    list: { input: none, action: 'list the containers' },
    start: { input: ref, action: 'start the container' },
    stop: { input: ref, action: 'stop the container' },
    restart: { input: ref, action: 'restart the container' },
    remove: { input: ref.extend({ removeVolumes: z.boolean(), force: z.boolean() }), action: 'remove the container' },
    upgradeOptions: { input: ref, action: 'look up newer images' },
    rollback: { input: ref, action: 'roll the container back' },
    discardPrevious: { input: ref, action: 'remove the kept container' },
    inspect: { input: ref, action: 'inspect the container' },
    revealEnv: {
      // An environment variable's name as a container can hold it: anything but '=' and control characters.
      input: ref.extend({ name: z.string().min(1).max(1024).regex(/^[^=\u0000-\u001f\u007f]+$/, 'is not an environment variable name') }),
      action: 'reveal the variable',
    },
  },
  streams: {
    /**
     * Recreate a container from another image with the same configuration, keeping the old one for a
     * rollback. `pull`: pull even when the image is on the host (else only when missing). Steps and
     * pull progress as data; `stream.end` carries the error (after the old container was put back).
     */
    'container.upgrade': stream<{ params: { hostId: HostId; containerId: string; image: string; pull: boolean }; data: UpgradeProgressInfo }>({
      params: z.object({ hostId, containerId, image: imageRef, pull: z.boolean() }),
      action: 'upgrade the container',
    }),
    /** An interactive shell (bash, else sh) in a running container, on a TTY: output as text; ends when the shell exits. */
    'container.exec': stream<{ params: { hostId: HostId; containerId: string } & TerminalSize; data: string; input: TerminalInput }>({
      params: z.object({ hostId, containerId, cols: terminalCols, rows: terminalRows }),
      input: terminalInput,
      action: 'open the terminal',
    }),
    /** One-shot samples of the running ones among `containerIds`, every `periodMs`: one array per round. */
    'container.stats': stream<{ params: ContainerStatsParams; data: ContainerStatsSampleInfo[] }>({
      params: z.object({
        hostId,
        containerIds: z.array(containerId).min(1, 'Give at least one container.').max(STATS_LIMITS.maxContainers, `has too many entries (at most ${STATS_LIMITS.maxContainers})`),
        periodMs: z.number().int().min(STATS_LIMITS.minPeriodMs).max(STATS_LIMITS.maxPeriodMs).default(STATS_LIMITS.detailPeriodMs),
      }),
      action: 'read the container stats',
    }),
    /**
     * A container's log: the last `tail` lines (or 'all'), from `since` (unix seconds) if given, then
     * new lines while `follow`. Data: batches of lines; the stream ends by itself when the container
     * stops (follow) or the log is read (no follow); close stops the engine request.
     */
    'container.logs': stream<{
      params: { hostId: HostId; containerId: string; tail: number | 'all'; since: number | null; timestamps: boolean; follow: boolean };
      data: LogBatchInfo;
    }>({
      params: z.object({
        hostId,
        containerId,
        tail: z.union([z.literal('all'), z.number().int().min(0).max(MAX_LOG_TAIL)]),
        since: z.number().min(0).max(1e11).nullable(),
        timestamps: z.boolean(),
        follow: z.boolean(),
      }),
      action: 'open the log',
    }),
  },
  events: {
    'containers.changed': event<HostContainersInfo>(),
  },
});
