/**
 * Saved settings Homeport cannot read, gathered in one list for the UI (`app.problems`), and the
 * user's decisions about them (`app.resolveProblem`). Nothing here drops anything by itself:
 *
 * - the key file (headless `secret.key`) missing while sealed secrets exist (the secret box then
 *   refuses to seal or open anything): put it back and "Check again", or "Start over with a new key";
 * - top-level entries of the wrong shape, and single entries (a host, a key…) that cannot be used
 *   (settings-store.ts keeps them as they were);
 * - monitors and alert channels that cannot be read (the monitors manager keeps them);
 * - SSH keys, host passwords and Uptime Kuma secrets that cannot be opened with the key: they stay
 *   where they are (the hosts, keys and Kuma services leave them alone; a Kuma instance or the
 *   heartbeat waits, not running, until it opens); each is tried here, so the user learns about it
 *   before a connection fails.
 *
 * "discard" removes one entry for good; "check-again" reads the key file and the entries again;
 * "new-secret-key" makes a new key file, after which what was sealed with the old one is listed
 * entry by entry until removed.
 */
import { HomeportError, KumaInstanceId, type HostId, type HostInfo, type KeyId, type SettingsAction, type SettingsProblemInfo } from '../../../shared/contract';
import { DEFAULT_HEARTBEAT_SEC, type KumaManager } from '../kuma';
import type { MonitorsManager } from '../monitors';
import type { Emitter } from '../platform/emitter';
import type { Platform } from '../platform/platform';
import type { AppEvents } from './app-service';

export interface SettingsHealthDeps {
  platform: Platform;
  monitors: Pick<MonitorsManager, 'unreadable' | 'discardUnreadable' | 'retryUnreadable'>;
  /** Uptime Kuma instances and the heartbeat: started again on "Check again", removed on "Remove". */
  kuma: Pick<KumaManager, 'retry' | 'remove' | 'setHeartbeat'>;
  /** Where the list is announced after it changed. */
  events: Emitter<AppEvents>;
  /** Removes a stored SSH key (as the Keys view does). */
  removeKey(id: KeyId): Promise<void>;
  /** The hosts as the UI knows them, and an edit that clears one's stored password. */
  hosts(): Promise<HostInfo[]>;
  clearHostPassword(host: HostInfo): Promise<void>;
}

const SECRET_KEY = 'secret-key';

export class SettingsHealth {
  constructor(private readonly deps: SettingsHealthDeps) {}

  /** Every problem, the key file's first. */
  problems(): SettingsProblemInfo[] {
    const { platform } = this.deps;
    const out: SettingsProblemInfo[] = [];
    const status = platform.secrets.status?.() ?? { state: 'ok' as const };
    const keyMissing = status.state === 'missing';
    if (status.state === 'missing') {
      out.push({
        id: SECRET_KEY,
        area: 'secret-key',
        entry: `The key file ${status.keyFile}`,
        reason: `Homeport's key file ${status.keyFile} is missing, and your settings hold ${status.sealed} ${status.sealed === 1 ? 'secret' : 'secrets'} sealed with it (passwords, SSH keys, channel tokens). They are kept as they are; nothing new can be sealed until you decide.`,
        fix: 'Put the file back (from a backup) and choose "Check again". If it is lost for good, choose "Start over with a new key": the secrets sealed with the old one are then listed here, to enter again or remove.',
        actions: ['check-again', 'new-secret-key'],
      });
    }
    const file = platform.store.file ?? 'the settings file';
    for (const d of platform.store.damaged?.() ?? []) {
      if (d.entry) {
        const setting = d.key.replace(/#.*$/, '');
        out.push({
          id: `setting:${d.key}`,
          area: 'settings-file',
          entry: `${d.entry[0]!.toUpperCase()}${d.entry.slice(1)} ("${setting}" in the settings file)`,
          reason: `This entry of "${setting}" in ${file} ${d.reason}, so Homeport leaves it out of ${d.holds}; the others work. It is kept in the file as it was${d.keptAside ? `, under "unreadableSettings"` : ''}.`,
          fix: `Correct it in ${file} and restart Homeport, or choose "Remove" to drop it for good.`,
          actions: ['discard'],
        });
        continue;
      }
      out.push({
        id: `setting:${d.key}`,
        area: 'settings-file',
        entry: `"${d.key}" in the settings file (${d.holds})`,
        reason: `"${d.key}" in ${file} ${d.reason}, so Homeport cannot read ${d.holds}. It is kept in the file as it was${d.keptAside ? ', under "unreadableSettings"' : ''}.`,
        fix: `Correct it in ${file} and restart Homeport, or choose "Remove" to drop it for good.`,
        actions: ['discard'],
      });
    }
    // While the key file is missing, its own entry stands for every secret that waits for it.
    const sealedActions = keyMissing ? null : (['check-again', 'discard'] as const);
    for (const u of this.deps.monitors.unreadable()) {
      if (u.sealedProblem && !sealedActions) continue;
      out.push({
        id: `${u.kind}:${u.key}`,
        area: u.kind === 'monitor' ? 'monitors' : 'channels',
        entry: `${u.kind === 'monitor' ? 'The monitor' : 'The alert channel'} "${u.name}"`,
        reason: u.reason,
        fix: u.fix,
        actions: u.sealedProblem ? [...sealedActions!] : ['discard'],
      });
    }
    if (!keyMissing) out.push(...this.sealedProblems());
    return out;
  }

  /** SSH keys, host passwords and Kuma secrets the secret box cannot open. */
  private sealedProblems(): SettingsProblemInfo[] {
    const { platform } = this.deps;
    const out: SettingsProblemInfo[] = [];
    const opens = (sealed: unknown): string | null => {
      if (typeof sealed !== 'string' || sealed === '') return null;
      try {
        platform.secrets.decrypt(Buffer.from(sealed, 'base64'));
        return null;
      } catch (e) {
        return e instanceof Error ? e.message : String(e);
      }
    };
    const keyFile = platform.secrets.keyFile;
    const fixFor = (instead: string) =>
      keyFile ? `If ${keyFile} was replaced or lost, put the original back and choose "Check again". Otherwise ${instead}` : `If this computer's keyring was reset, or the settings come from another computer or user, ${instead}`;
    const list = (key: string) => {
      const v = platform.store.get(key);
      return Array.isArray(v) ? (v as Array<Record<string, unknown>>) : [];
    };
    for (const k of list('keys')) {
      const why = opens(k.sealed);
      if (why === null || typeof k.id !== 'string') continue;
      out.push({
        id: `key:${k.id}`,
        area: 'keys',
        entry: `The SSH key "${String(k.comment ?? k.id)}" (${String(k.fingerprint ?? '')})`,
        reason: `Its private key cannot be opened: ${why}`,
        fix: fixFor('remove it and import or generate it again (then give its public key to your servers again).'),
        actions: ['check-again', 'discard'],
      });
    }
    for (const h of list('hosts')) {
      const why = opens(h.passwordSealed);
      if (why === null || typeof h.id !== 'string') continue;
      out.push({
        id: `host-password:${h.id}`,
        area: 'hosts',
        entry: `The password of the host "${String(h.name ?? h.id)}"`,
        reason: `The stored password cannot be opened: ${why}`,
        fix: fixFor('remove the stored password and enter it again in the host\u2019s settings.'),
        actions: ['check-again', 'discard'],
      });
    }
    for (const r of list('kumaInstances')) {
      const why = opens(r.sealed);
      if (why === null || typeof r.id !== 'string') continue;
      out.push({
        id: `kuma:${r.id}`,
        area: 'kuma',
        entry: `The Uptime Kuma instance "${String(r.name ?? r.url ?? r.id)}"`,
        reason: `Its login or API key cannot be opened: ${why}`,
        fix: fixFor('remove it and add the instance again under Monitors → Uptime Kuma.'),
        actions: ['check-again', 'discard'],
      });
    }
    const hb = platform.store.get('pushHeartbeat') as { sealedUrl?: unknown } | undefined;
    const hbWhy = opens(hb?.sealedUrl);
    if (hbWhy !== null) {
      out.push({
        id: 'kuma:heartbeat',
        area: 'kuma',
        entry: "Homeport's own heartbeat URL",
        reason: `The push URL cannot be opened: ${hbWhy}`,
        fix: fixFor('remove it and set the heartbeat URL again under Monitors → Uptime Kuma.'),
        actions: ['check-again', 'discard'],
      });
    }
    return out;
  }

  /** Carries out the user's decision; throws NOT_FOUND or VALIDATION when it does not apply. */
  async resolve(id: string, action: SettingsAction): Promise<void> {
    const problem = this.problems().find((p) => p.id === id);
    if (!problem) throw new HomeportError({ code: 'NOT_FOUND', message: 'This problem is not there any more.', fix: 'Reload the list.' });
    if (!problem.actions.includes(action)) {
      throw new HomeportError({ code: 'VALIDATION', message: `"${action}" does not apply to ${problem.entry}.`, fix: 'Choose one of the actions offered.' });
    }
    const { platform } = this.deps;
    if (action === 'check-again') {
      platform.secrets.reload?.();
      this.deps.monitors.retryUnreadable();
      this.deps.kuma.retry();
    } else if (action === 'new-secret-key') {
      platform.secrets.createNewKey?.();
      this.deps.monitors.retryUnreadable();
      this.deps.kuma.retry();
    } else {
      const [kind, ...rest] = id.split(':');
      const key = rest.join(':');
      if (kind === 'setting') platform.store.discardDamaged?.(key);
      else if (kind === 'monitor' || kind === 'channel') this.deps.monitors.discardUnreadable(kind, key);
      else if (kind === 'key') await this.deps.removeKey(key as KeyId);
      else if (kind === 'host-password') {
        const host = (await this.deps.hosts()).find((h) => h.id === (key as HostId));
        if (host) await this.deps.clearHostPassword(host);
      } else if (kind === 'kuma' && key === 'heartbeat') await this.deps.kuma.setHeartbeat({ url: null, intervalSec: DEFAULT_HEARTBEAT_SEC });
      else if (kind === 'kuma') this.deps.kuma.remove(KumaInstanceId(key));
    }
    this.changed();
  }

  /** Announces the list (the UI shows it). */
  changed(): void {
    this.deps.events.emit('problems', this.problems());
  }
}
