import path from 'node:path';
import { MonitorId, type EventMap, type EventName } from '../../shared/contract';
import { TrayFeed } from './tray';
import { AppService } from './settings';
import { ContainersService, containerStreams } from './containers';
import { EngineHub, EnginesService, engineStreams, ResourceWatch } from './engines';
import { HostsService, hostStreams, KeysService } from './hosts';
import { ImagesService, imageStreams, listImages } from './images';
import { KumaManager, KumaService } from './kuma';
import { engineFeedVia, hostExecVia, MonitorsManager, MonitorsService, referenceTargetsFromEnv, toAlertInfo, toMonitorInfo, wireMonitors, type MonitorsManagerOptions } from './monitors';
import { listNetworks, NetworksService } from './networks';
import type { Platform } from './platform/platform';
import { createDispatcher, type ContractImpl, type Dispatch } from './rpc/dispatcher';
import { EventBus, type ClientId } from './rpc/event-bus';
import { KeyVault } from './ssh/key-vault';
import { KnownHosts } from './ssh/known-hosts';
import { StacksService, stackStreams } from './stacks';
import { StreamsService } from './streams/streams-service';
import { HelperJanitor, listVolumes, VolumesService, volumeStreams, VolumeTransfers } from './volumes';

export interface Services {
  impl: ContractImpl;
  /** The window's events (the contract's EventMap), for the transports (IPC, WebSocket) to carry. */
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
  // What every feature shares: the hosts (one SSH connection each) and their engines.
  const engines = new EngineHub(platform.logger);
  const knownHosts = new KnownHosts({ store: platform.store, userKnownHostsFile: path.join(platform.homeDir, '.ssh', 'known_hosts') });
  const vault = new KeyVault(platform.store, platform.secrets);
  const hosts = new HostsService(platform, knownHosts, vault, engines);
  const keys = new KeysService(vault, platform.logger, platform.homeDir, (id) => hosts.forgetKey(id));

  // The features, each from its folder.
  const containers = new ContainersService(engines, hosts);
  const images = new ImagesService(engines);
  const transfers = new VolumeTransfers(engines, platform.files ?? null);
  const volumes = new VolumesService(engines, transfers);
  const networks = new NetworksService(engines);
  // The image, volume and network lists follow the engines' events, read as their features read them.
  const resourceWatch = new ResourceWatch(engines, { images: listImages, volumes: listVolumes, networks: listNetworks }, platform.logger);
  // Homeport's helper containers left behind on a host (lost connection, a crash) go when it connects.
  const helperJanitor = new HelperJanitor(engines, platform.logger);
  const stacks = new StacksService(hosts, engines, platform.store, platform.logger);
  const monitors = new MonitorsManager({
    platform,
    historyFile: path.join(platform.dataDir, 'history.sqlite'),
    // ssh-command monitors borrow the host's SSH connection; container monitors its engine and the hub's event stream.
    hostExec: hostExecVia(hosts),
    engines: engineFeedVia(engines),
    // This computer's own network (default gateway, DNS servers): while it is down, alerts are held.
    referenceTargets: referenceTargetsFromEnv(),
    ...testing.monitors,
  });
  // Back online: hosts waiting out a long backoff reconnect now (a host is not unreachable for our own outage).
  monitors.events.on('networkBack', () => hosts.reconnectNow());
  const kuma = new KumaManager({ platform });
  // Uptime Kuma's alerts go where Homeport's own go: the channels and the window.
  kuma.events.on('alert', (alert) => monitors.raise(alert));
  // Host reachability (one grouped alert per unreachable host), engine up/down for container
  // monitors, label-declared monitors, and an hourly history prune.
  const monitorsWiring = wireMonitors({ monitors, hosts, engines, logger: platform.logger, ...(testing.labelDebounceMs !== undefined ? { labelDebounceMs: testing.labelDebounceMs } : {}) });
  // Saved settings that cannot be read: listed for the user, kept until they decide.
  const app = new AppService({ platform, files: transfers.mode, monitors, kuma, hosts, keys });

  // Every stream kind, from the features that own them.
  const streams = new StreamsService(
    {
      ...hostStreams(hosts),
      ...containerStreams(containers, engines, platform.logger),
      ...imageStreams(engines),
      ...volumeStreams(transfers),
      ...engineStreams(engines),
      ...stackStreams(stacks),
    },
    platform.logger,
  );

  // The contract's implementation: one service per feature (the dispatcher binds each method to its service).
  const impl: ContractImpl = {
    app,
    hosts,
    keys,
    containers,
    images,
    volumes,
    networks,
    engines: new EnginesService(engines),
    monitors: new MonitorsService(monitors, { suggestions: monitorsWiring.suggestions }),
    kuma: new KumaService(kuma),
    stacks,
    streams,
  };

  const tray = new TrayFeed({ monitors, kuma, containers, logger: platform.logger });

  // The window hears what the services announce (nothing is announced before the hosts start).
  const events = new EventBus();
  forwardToWindow(events, { hosts, keys, engines, resourceWatch, monitors, kuma, app, tray, streams });

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
      // Cancelled transfers and helpers still in use (a browse) clean up on the hosts — helper
      // containers, a half-restored new volume — while the connections are still open.
      await Promise.all([transfers.dispose(3000), helperJanitor.drain(3000)]);
      helperJanitor.dispose();
      resourceWatch.dispose();
      engines.dispose();
      monitorsWiring.stop();
      hosts.dispose();
      await monitors.stop();
    },
  };
}

/** For each of the contract's events, how it is heard from the service that announces it. */
type WindowForwarders = { [E in EventName]: (send: (payload: EventMap[E], target?: ClientId) => void) => void };

/**
 * The one place service events become the window's events (the contract's EventMap), turned into
 * DTOs where a service speaks in its own terms. Services never see the UI bus: what they announce
 * is for whoever listens — the window through here, the monitors and the tray directly. The table
 * names every event of the contract: one declared in a feature's contract file does not compile
 * until it is forwarded here.
 */
function forwardToWindow(
  bus: EventBus,
  from: {
    hosts: HostsService;
    keys: KeysService;
    engines: EngineHub;
    resourceWatch: ResourceWatch;
    monitors: MonitorsManager;
    kuma: KumaManager;
    app: AppService;
    tray: TrayFeed;
    streams: StreamsService;
  },
): void {
  const forwarders: WindowForwarders = {
    'hosts.changed': (send) => from.hosts.events.on('changed', send),
    'keys.changed': (send) => from.keys.events.on('changed', send),
    'containers.changed': (send) => from.engines.events.on('containers', send),
    'images.changed': (send) => from.resourceWatch.events.on('images', send),
    'volumes.changed': (send) => from.resourceWatch.events.on('volumes', send),
    'networks.changed': (send) => from.resourceWatch.events.on('networks', send),
    'monitors.changed': (send) => from.monitors.events.on('changed', ({ changed, removed }) => send({ changed: changed.map(toMonitorInfo), removed: removed.map(MonitorId) })),
    'alerts.fired': (send) => from.monitors.events.on('alert', (alert) => send(toAlertInfo(alert))),
    'kuma.changed': (send) => from.kuma.events.on('changed', send),
    'heartbeat.changed': (send) => from.kuma.events.on('heartbeat', send),
    'app.problems': (send) => from.app.events.on('problems', send),
    'app.navigate': (send) => from.tray.events.on('navigate', send),
    // A stream's data and end go to the one client that opened it.
    'stream.data': (send) => from.streams.events.on('data', ({ clientId, streamId, data }) => send({ streamId, data }, clientId)),
    'stream.end': (send) => from.streams.events.on('end', ({ clientId, streamId, error }) => send({ streamId, error }, clientId)),
  };
  const forward = <E extends EventName>(name: E): void => forwarders[name]((payload, target) => bus.emit(name, payload, target ?? null));
  for (const name of Object.keys(forwarders) as EventName[]) forward(name);
}
