import type { AppApi, AppInfo, HostInfo, SettingsAction, SettingsProblemInfo } from '../../../shared/contract';
import type { HostsService } from '../hosts/hosts-service';
import type { KeysService } from '../hosts/keys-service';
import type { Platform } from '../platform/platform';
import type { EventBus } from '../rpc/event-bus';
import { SettingsHealth, type SettingsHealthDeps } from './settings-health';

export interface AppServiceDeps {
  platform: Platform;
  /** How volume backups and restores reach the user's files: a native dialog, or the browser. */
  files: AppInfo['files'];
  monitors: SettingsHealthDeps['monitors'];
  kuma: SettingsHealthDeps['kuma'];
  hosts: Pick<HostsService, 'list' | 'update'>;
  keys: Pick<KeysService, 'remove'>;
  events: EventBus;
}

/** Homeport itself: what it runs as, and the saved settings it cannot read, with the user's decisions about them. */
export class AppService implements AppApi {
  private readonly health: SettingsHealth;

  constructor(private readonly deps: AppServiceDeps) {
    const { platform, monitors, kuma, hosts, keys, events } = deps;
    this.health = new SettingsHealth({
      platform,
      monitors,
      kuma,
      events,
      removeKey: (id) => keys.remove({ id }),
      hosts: () => hosts.list(),
      // Saved again as it is, with the password left blank: the stored one goes.
      clearHostPassword: async (h: HostInfo) => {
        await hosts.update({ id: h.id, host: { name: h.name, kind: h.kind, address: h.address, socketPath: h.socketPath, useAgent: h.useAgent, keyId: h.keyId, identityFile: h.identityFile, password: '' } });
      },
    });
  }

  async info(): Promise<AppInfo> {
    const { platform, files } = this.deps;
    return { version: platform.version, mode: platform.mode, platform: process.platform, dataDir: platform.dataDir, files };
  }

  async problems(): Promise<SettingsProblemInfo[]> {
    return this.health.problems();
  }

  resolveProblem({ id, action }: { id: string; action: SettingsAction }): Promise<void> {
    return this.health.resolve(id, action);
  }
}
