import path from 'node:path';
import type { HostId, HostInfo } from '../../shared/contract';
import { TrayFeed } from './alerts/tray-feed';
import { EngineHub } from './engines/engine-hub';
import { HostsService } from './hosts/hosts-service';
import { KeysService } from './hosts/keys-service';
import type { Platform } from './platform/platform';
import { createDispatcher, type ContractImpl, type Dispatch } from './rpc/dispatcher';
import { EventBus, type ClientId } from './rpc/event-bus';
import { KeyVault } from './ssh/key-vault';
import { KnownHosts } from './ssh/known-hosts';
import { createResourceServices } from './resources/resources-service';
import { KumaManager } from './kuma/kuma-manager';
import { MonitorsManager, type MonitorsManagerOptions } from './monitors/monitors-service';
import { createMonitorsService, toAlertInfo, toMonitorInfo } from './monitors/monitors-rpc';
import { dockerVia, hostExecVia, monitorSuggestions, referenceTargetsFromEnv, wireMonitors } from './monitors/monitors-wiring';
import { diskUsage, hostOverview } from './engines/overview';
import { VolumeTransfers } from './volumes/transfers';
import { ResourceWatch } from './engines/resource-watch';
import { engineEventsStream, imagePullStream } from './streams/engine-streams';
import { containerStatsStream } from './containers/stats-stream';
import { inspectContainer, revealEnv, type HostAddress } from './containers/inspect';
import { StreamsService } from './streams/streams-service';
import { stackRunStream } from './stacks/stack-run-stream';
import { StacksService } from './stacks/stacks-service';
import { ContainerUpgrader } from './containers/upgrade';
import { containerUpgradeStream } from './containers/upgrade-stream';
import { containerExecStream } from './containers/exec-stream';
import { hostShellStream } from './hosts/shell-stream';
import { containerLogsStream } from './containers/logs-stream';
import { SettingsHealth } from './settings/settings-health';

export interface Services {
  impl: ContractImpl;
  events: EventBus;
  /** The handler table: allowlist, validation, envelope. Transports call only this. */
  dispatch: Dispatch;
  hosts: HostsService;
  engines: EngineHub;
  monitors: MonitorsManager;
  /** The tray's model and notifications (the Electron shell draws them). */
  tray: TrayFeed;
  /** Volume backups and restores to and from the user's computer (headless: served over HTTP). */
  transfers: VolumeTransfers;
  /** The open streams (logs, stats, terminals…) of every client. */
  streams: StreamsService;
  /** A UI client went away (window closed, WebSocket dropped): close the streams it owned. */
  clientGone(clientId: ClientId): void;
  dispose(): Promise<void>;
}

/** Builds every service from what the host process provides, and connects the saved hosts. */
export async function createServices(
  platform: Platform,
  /** Test-only knobs for the monitors (short intervals and policy windows). */
  testing: { monitors?: Pick<MonitorsManagerOptions, 'intervalScale' | 'policyOptions' | 'referenceTargets' | 'referenceIntervalMs'>; labelDebounceMs?: number } = {},
): Promise<Services> {
  const events = new EventBus();
  const engines = new EngineHub(events, platform.logger);
  const knownHosts = new KnownHosts({ store: platform.store, userKnownHostsFile: path.join(platform.homeDir, '.ssh', 'known_hosts') });
  const vault = new KeyVault(platform.store, platform.secrets);
  const hosts = new HostsService(platform, knownHosts, vault, engines, events);
  const keys = new KeysService(vault, events, platform.homeDir, (id) => hosts.forgetKey(id));
  const stacks = new StacksService(hosts, engines, platform.store, platform.logger);
  const upgrader = new ContainerUpgrader({ dockerOf: (id) => engines.dockerOf(id), changed: (id) => engines.refresh(id) });
  const transfers = new VolumeTransfers(engines, platform.files ?? null);
  const resourceWatch = new ResourceWatch(engines, events, platform.logger);
  const streams = new StreamsService(
    {
      'engine.events': engineEventsStream(engines),
      'image.pull': imagePullStream(engines),
      'stack.run': stackRunStream(stacks),
      'container.upgrade': containerUpgradeStream(upgrader, (id) => engines.dockerOf(id)),
      'container.exec': containerExecStream(engines, platform.logger),
      'host.shell': hostShellStream((hostId, size) => hosts.openShell(hostId, size)),
      'volume.transfer': transfers.stream(),
      'container.stats': containerStatsStream(engines, platform.logger),
      'container.logs': containerLogsStream(engines),
    },
    events,
  );
  const monitors = new MonitorsManager({
    platform,
    historyFile: path.join(platform.dataDir, 'history.sqlite'),
    // ssh-command monitors borrow the host's SSH connection; container monitors its engine (events).
    hostExec: hostExecVia(hosts),
    dockerFor: dockerVia(engines),
    // This computer's own network (default gateway, DNS servers): while it is down, alerts are held.
    referenceTargets: referenceTargetsFromEnv(),
    onChange: ({ changed, removed }) => events.emit('monitors.changed', { changed: changed.map(toMonitorInfo), removed }),
    // Back online: hosts waiting out a long backoff reconnect now (a host is not unreachable for our own outage).
    onNetworkBack: () => hosts.reconnectNow(),
    ...testing.monitors,
  });
  monitors.onAlert((alert) => events.emit('alerts.fired', toAlertInfo(alert)));
  const kuma = new KumaManager({
    platform,
    onChange: (list) => events.emit('kuma.changed', list),
    onHeartbeat: (info) => events.emit('heartbeat.changed', info),
    onAlert: (alert) => monitors.raise(alert),
  });
  // Host reachability (one grouped alert per unreachable host), engine up/down for container
  // monitors, label-declared monitors, and an hourly history prune.
  const monitorsWiring = wireMonitors({ monitors, hosts, engines, events, logger: platform.logger, ...(testing.labelDebounceMs !== undefined ? { labelDebounceMs: testing.labelDebounceMs } : {}) });

  /** Where a browser on this computer reaches the host's published ports. */
  const hostAddress = async (hostId: HostInfo['id']): Promise<HostAddress> => {
    const h = (await hosts.list()).find((x) => x.id === hostId);
    return { kind: h?.kind ?? 'local', hostname: h?.hostname || 'localhost' };
  };

  // Saved settings that cannot be read: listed for the user, kept until they decide.
  const health = new SettingsHealth({
    platform,
    monitors,
    events,
    removeKey: (id) => keys.remove({ id }),
    hosts: () => hosts.list(),
    clearHostPassword: async (h) => {
      await hosts.update({ id: h.id, host: { name: h.name, kind: h.kind, address: h.address, socketPath: h.socketPath, useAgent: h.useAgent, keyId: h.keyId, identityFile: h.identityFile, password: '' } });
    },
  });

  const impl: ContractImpl = {
    app: {
      info: async () => ({ version: platform.version, mode: platform.mode, platform: process.platform, dataDir: platform.dataDir, files: transfers.mode }),
      problems: async () => health.problems(),
      resolveProblem: ({ id, action }) => health.resolve(id, action),
    },
    // Class instances serve as they are: the dispatcher binds each method to its service.
    hosts,
    keys,
    containers: {
      list: async () => engines.list(),
      start: (ref) => engines.start(ref),
      stop: (ref) => engines.stop(ref),
      restart: (ref) => engines.restart(ref),
      remove: (input) => engines.remove(input),
      upgradeOptions: (ref) => upgrader.options(ref),
      rollback: (ref) => upgrader.rollback(ref),
      discardPrevious: (ref) => upgrader.discardPrevious(ref),
      inspect: async ({ hostId, containerId }) => inspectContainer(engines.dockerOf(hostId), hostId, containerId, await hostAddress(hostId)),
      revealEnv: ({ hostId, containerId, name }) => revealEnv(engines.dockerOf(hostId), containerId, name),
    },
    ...createResourceServices(engines, transfers),
    engines: {
      overview: async ({ hostId }) => hostOverview(engines.dockerOf(hostId), hostId),
      diskUsage: async ({ hostId, refresh }) => diskUsage(engines.dockerOf(hostId), hostId, refresh),
    },
    monitors: createMonitorsService(monitors, Date.now, {
      suggestions: async () => {
        // What the containers declare with labels, read now: a container that just appeared is there.
        await monitorsWiring.readLabels();
        return monitorSuggestions(engines.list(), await hosts.list(), monitors.list(), monitors.labelDeclarations());
      },
    }),
    kuma: {
      list: async () => kuma.list(),
      add: (input) => kuma.add(input),
      remove: async ({ id }) => kuma.remove(id),
      pauseMonitor: ({ id, monitorId }) => kuma.pause(id, monitorId),
      resumeMonitor: ({ id, monitorId }) => kuma.resume(id, monitorId),
      heartbeat: async () => kuma.heartbeatInfo(),
      setHeartbeat: (input) => kuma.setHeartbeat(input),
      sendHeartbeat: () => kuma.sendHeartbeat(),
    },
    stacks,
    streams: {
      open: (input, ctx) => streams.open(input, ctx),
      close: (input, ctx) => streams.close(input, ctx),
      send: (input, ctx) => streams.send(input, ctx),
    },
  };

  const tray = new TrayFeed({
    events,
    listMonitors: async () => monitors.list().map(toMonitorInfo),
    listKuma: () => kuma.list(),
    mute: (id, preset) => monitors.mute(id, preset),
    restartContainer: ({ hostId, containerId }) => engines.restart({ hostId: hostId as HostId, containerId }),
    logger: platform.logger,
  });

  hosts.startAll();
  monitors.start();
  kuma.start();
  return {
    impl,
    events,
    dispatch: createDispatcher(impl, platform.logger),
    hosts,
    engines,
    monitors,
    tray,
    transfers,
    streams,
    clientGone: (clientId) => streams.clientGone(clientId),
    dispose: async () => {
      tray.stop();
      kuma.stop();
      streams.dispose();
      transfers.dispose();
      resourceWatch.dispose();
      engines.dispose();
      monitorsWiring.stop();
      hosts.dispose();
      await monitors.stop();
    },
  };
}
