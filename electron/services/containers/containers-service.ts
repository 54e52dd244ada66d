import type {
  ContainerInspectInfo,
  ContainerRef,
  ContainersApi,
  HostContainersInfo,
  HostId,
  HostInfo,
  RemoveContainerInput,
  RevealEnvInput,
  RollbackResultInfo,
  UpgradeOptionsInfo,
} from '../../../shared/contract';
import type { EngineHub } from '../engines';
import type { Logger } from '../platform/platform';
import type { StartersOf } from '../streams/streams-service';
import { containerExecStream } from './exec-stream';
import { inspectContainer, revealEnv, type HostAddress } from './inspect';
import { containerLogsStream } from './logs-stream';
import { containerStatsStream } from './stats-stream';
import { ContainerUpgrader } from './upgrade';
import { containerUpgradeStream } from './upgrade-stream';

/**
 * The containers of every host. The list and the start/stop/restart/remove actions go through the
 * engine hub, which keeps each host's list current from its engine's events; upgrades keep the
 * old container for a rollback (the upgrade itself runs as the `container.upgrade` stream).
 */
export class ContainersService implements ContainersApi {
  readonly upgrader: ContainerUpgrader;

  constructor(
    private readonly hub: EngineHub,
    /** The saved hosts: where a browser on this computer reaches a host's published ports. */
    private readonly hosts: { list(): Promise<HostInfo[]> },
  ) {
    this.upgrader = new ContainerUpgrader({ dockerOf: (id) => hub.dockerOf(id), changed: (id) => hub.refresh(id) });
  }

  async list(): Promise<HostContainersInfo[]> {
    return this.hub.list();
  }

  start(ref: ContainerRef): Promise<void> {
    return this.hub.start(ref);
  }

  stop(ref: ContainerRef): Promise<void> {
    return this.hub.stop(ref);
  }

  restart(ref: ContainerRef): Promise<void> {
    return this.hub.restart(ref);
  }

  remove(input: RemoveContainerInput): Promise<void> {
    return this.hub.remove(input);
  }

  upgradeOptions(ref: ContainerRef): Promise<UpgradeOptionsInfo> {
    return this.upgrader.options(ref);
  }

  rollback(ref: ContainerRef): Promise<RollbackResultInfo> {
    return this.upgrader.rollback(ref);
  }

  discardPrevious(ref: ContainerRef): Promise<void> {
    return this.upgrader.discardPrevious(ref);
  }

  async inspect({ hostId, containerId }: ContainerRef): Promise<ContainerInspectInfo> {
    return inspectContainer(this.hub.dockerOf(hostId), hostId, containerId, await this.hostAddress(hostId));
  }

  revealEnv({ hostId, containerId, name }: RevealEnvInput): Promise<{ value: string }> {
    return revealEnv(this.hub.dockerOf(hostId), containerId, name);
  }

  /** Where a browser on this computer reaches the host's published ports. */
  private async hostAddress(hostId: HostId): Promise<HostAddress> {
    const h = (await this.hosts.list()).find((x) => x.id === hostId);
    return { kind: h?.kind ?? 'local', hostname: h?.hostname || 'localhost' };
  }
}

/** The containers' stream kinds: logs, stats, a terminal in the container, an upgrade's steps. */
export function containerStreams(containers: ContainersService, hub: EngineHub, logger: Logger): StartersOf<'containers'> {
  return {
    'container.logs': containerLogsStream(hub),
    'container.stats': containerStatsStream(hub, logger),
    'container.exec': containerExecStream(hub, logger),
    'container.upgrade': containerUpgradeStream(containers.upgrader, hub),
  };
}
