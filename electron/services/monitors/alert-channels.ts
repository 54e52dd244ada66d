/**
 * The alert channels (ntfy, webhooks, chat apps, e-mail): their configs, stored as
 * `alertChannels` (id, name, type and enabled in clear; the whole config sealed with
 * platform.secrets), and the dispatcher that delivers alerts through them.
 *
 * A channel is shown by what it is and where it delivers, never by its secrets: the secret fields
 * are named, with whether they are set. An edit leaves blank secrets as they are, unless the
 * channel now delivers somewhere else (see secret-destinations.ts).
 */
import { ChannelId, type ChannelInfo } from '../../../shared/contract';
import { HomeportError } from '../../../shared/model/errors';
import { describeTarget, Dispatcher, validateChannelConfig, type Alert, type ChannelConfig, type DeliveryResult, type RoutingRules, type SendOptions } from '../alerts';
import type { Platform } from '../platform/platform';
import { kindOf } from '../platform/settings-store';
import { CHANNEL_SECRETS, channelWithKeptSecrets } from './secret-destinations';
import { entryKey, notFound, sealedFix, settingsFileOf, type UnreadableEntry } from './stored-entries';

/** A channel as stored: what it is in clear, its whole config sealed. */
interface StoredChannel {
  id: string;
  name: string;
  type: string;
  enabled: boolean;
  /** base64 of the sealed JSON config. */
  sealed: string;
}

export interface AlertChannelsOptions {
  platform: Platform;
  routing: RoutingRules;
  now: () => number;
  /** The single-attempt channel sender (default: the real notifiers). */
  send?: (alert: Alert, config: ChannelConfig, opts: SendOptions) => Promise<void>;
  /** Delivery tuning (tests). */
  attempts?: number;
  backoffMs?: readonly number[];
}

export class AlertChannels {
  private readonly platform: Platform;
  private readonly channels = new Map<ChannelId, ChannelConfig>();
  /** Stored channels that cannot be read, by id or `#<position>`: written back with every save. */
  private readonly kept = new Map<string, { raw: unknown; entry: UnreadableEntry }>();
  private readonly dispatcher: Dispatcher;

  constructor(opts: AlertChannelsOptions) {
    this.platform = opts.platform;
    const stored = this.platform.store.get('alertChannels');
    (Array.isArray(stored) ? stored : []).forEach((raw, index) => this.read(raw, index));
    this.dispatcher = new Dispatcher({
      logger: this.platform.logger,
      channels: [...this.channels.values()],
      routing: opts.routing,
      now: opts.now,
      ...(opts.send ? { send: opts.send } : {}),
      ...(opts.attempts ? { attempts: opts.attempts } : {}),
      ...(opts.backoffMs ? { backoffMs: opts.backoffMs } : {}),
    });
  }

  has(id: ChannelId): boolean {
    return this.channels.has(id);
  }

  list(): ChannelInfo[] {
    return [...this.channels.values()].map((c) => toChannelInfo(c));
  }

  /** Adds a channel (its id chosen by the caller). */
  add(input: unknown): ChannelInfo {
    const c = validateChannelConfig(input);
    if (this.channels.has(c.id)) throw new HomeportError({ code: 'VALIDATION', message: `id: a channel with the id ${c.id} exists already.`, fix: 'Choose another id.', details: { field: 'id' } });
    this.channels.set(c.id, c);
    this.save(() => this.channels.delete(c.id));
    return toChannelInfo(c);
  }

  /** Changes a channel; secret fields left out keep their sealed values. */
  update(id: ChannelId, input: Record<string, unknown>): ChannelInfo {
    const prev = this.channels.get(id);
    if (!prev) throw notFound('channel');
    // Blank secrets keep their sealed values, unless the channel now delivers somewhere else.
    const c = validateChannelConfig(channelWithKeptSecrets({ ...input, id }, prev, validateChannelConfig));
    this.channels.set(id, c);
    this.save(() => this.channels.set(id, prev));
    return toChannelInfo(c);
  }

  remove(id: ChannelId): void {
    const prev = this.channels.get(id);
    if (!prev || !this.channels.delete(id)) throw notFound('channel');
    this.save(() => this.channels.set(id, prev));
  }

  /** Sends a test message through a saved channel. */
  test(id: ChannelId, signal?: AbortSignal): Promise<void> {
    return this.dispatcher.test(id, signal ? { signal } : {});
  }

  /** Delivers an alert to the channels its routing names; resolves when delivered (or given up). */
  dispatch(alert: Alert): Promise<DeliveryResult[]> {
    return this.dispatcher.dispatch(alert);
  }

  setRouting(routing: RoutingRules): void {
    this.dispatcher.setRouting(routing);
  }

  // ── Entries that cannot be read ──────────────────────────────────────────────────────────

  unreadable(): UnreadableEntry[] {
    return [...this.kept.values()].map((k) => ({ ...k.entry }));
  }

  /** Removes a stored channel that cannot be read, for good (the user chose to). */
  discardUnreadable(key: string): void {
    if (!this.kept.delete(key)) throw notFound('channel');
    this.save();
  }

  /** Tries the entries that could not be read again; returns how many read now (the file is not rewritten). */
  retryUnreadable(): number {
    let n = 0;
    const kept = [...this.kept.values()];
    this.kept.clear();
    kept.forEach((k, index) => {
      if (this.read(k.raw, index)) n++;
    });
    if (n) this.dispatcher.setChannels([...this.channels.values()]);
    return n;
  }

  // ── Internals ─────────────────────────────────────────────────────────────────────────────

  /** Seals and writes every channel; when that fails (no key, disk full), `undo` puts the change back and the error goes to the caller. */
  private save(undo?: () => void): void {
    try {
      const stored: unknown[] = [...this.channels.values()].map(
        (c): StoredChannel => ({
          id: c.id,
          name: c.name,
          type: c.type,
          enabled: c.enabled,
          sealed: this.platform.secrets.encrypt(Buffer.from(JSON.stringify(c), 'utf8')).toString('base64'),
        }),
      );
      for (const k of this.kept.values()) stored.push(k.raw);
      this.platform.store.set('alertChannels', stored);
    } catch (e) {
      undo?.();
      throw e;
    } finally {
      this.dispatcher.setChannels([...this.channels.values()]);
    }
  }

  /** Reads one stored channel (sealed whole), or keeps the entry as it was, with the reason. */
  private read(raw: unknown, index: number): ChannelConfig | null {
    const s = raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Partial<StoredChannel>) : null;
    const { id, key, name } = entryKey(s as Record<string, unknown> | null, index);
    const keep = (reason: string, fix: string, sealedProblem: boolean): null => {
      this.kept.set(key, { raw, entry: { kind: 'channel', key, name, reason, fix, sealedProblem } });
      this.platform.logger.warn('monitors: a stored alert channel cannot be read; it is kept as it was', { channelId: key, reason });
      return null;
    };
    const badEntry = (why: string) => keep(why, `Correct this entry under "alertChannels" in ${settingsFileOf(this.platform)} and restart Homeport, or remove it here.`, false);
    if (!s) return badEntry(`The entry is ${kindOf(raw)}, not an alert channel.`);
    if (typeof s.sealed !== 'string') return badEntry('Its sealed settings are missing.');
    if (id !== null && (this.channels.has(ChannelId(id)) || this.kept.has(id))) return badEntry(`Another stored channel has the same id (${id}).`);
    let plain: string;
    try {
      plain = this.platform.secrets.decrypt(Buffer.from(s.sealed, 'base64')).toString('utf8');
    } catch (e) {
      return keep(`Its settings (sealed with its token or password) cannot be opened: ${(e as Error).message}`, sealedFix(this.platform, 'the channel'), true);
    }
    try {
      const c = validateChannelConfig({ ...(JSON.parse(plain) as object), enabled: s.enabled, name: s.name });
      this.channels.set(c.id, c);
      return c;
    } catch (e) {
      return badEntry(`${(e as Error).message}`);
    }
  }
}

/** A channel as the UI sees it: secret fields are named (set or not), never given. */
function toChannelInfo(c: ChannelConfig): ChannelInfo {
  const secretNames = CHANNEL_SECRETS[c.type];
  const settings: Record<string, unknown> = {};
  const hasSecret: Record<string, boolean> = {};
  for (const [k, v] of Object.entries(c)) if (!secretNames.includes(k) && !['id', 'name', 'type', 'enabled'].includes(k)) settings[k] = v;
  // Every secret field of the type is named, set or not, so a form can tell "none" from "kept".
  for (const k of secretNames) {
    const v = (c as Record<string, unknown>)[k];
    hasSecret[k] = v !== undefined && v !== '' && !(typeof v === 'object' && v !== null && Object.keys(v).length === 0);
  }
  return { id: c.id, name: c.name, type: c.type, enabled: c.enabled, target: describeTarget(c), settings, hasSecret };
}
