import type { AppApi, AppInfo, HostInfo, SettingsAction, SettingsProblemInfo } from '../../../shared/contract';
import type { HostsService, KeysService } from '../hosts';
import { Emitter } from '../platform/emitter';
import type { Platform } from '../platform/platform';
import { SettingsHealth, type SettingsHealthDeps } from './settings-health';

/** What Homeport itself announces. */
export interface AppEvents {
  /** Saved settings that cannot be read: the whole list, after it changed. */
  problems: SettingsProblemInfo[];
}

export interface AppServiceDeps {
  platform: Platform;
  /** How volume backups and restores reach the user's files: a native dialog, or the browser. */
  files: AppInfo['files'];
  monitors: SettingsHealthDeps['monitors'];
  kuma: SettingsHealthDeps['kuma'];
  hosts: Pick<HostsService, 'list' | 'update'>;
  keys: Pick<KeysService, 'remove'>;
}

/** Homeport itself: what it runs as, and the saved settings it cannot read, with the user's decisions about them. */
export class AppService implements AppApi {
  private readonly health: SettingsHealth;
  readonly events: Emitter<AppEvents>;

  constructor(private readonly deps: AppServiceDeps) {
    const { platform, monitors, kuma, hosts, keys } = deps;
    this.events = new Emitter(platform.logger, 'settings');
    this.health = new SettingsHealth({
      platform,
      monitors,
      kuma,
      events: this.events,
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
