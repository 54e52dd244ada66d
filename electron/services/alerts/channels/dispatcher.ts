/**
 * Routes each alert to its channels and delivers it with retries. A grouped alert is narrowed per
 * channel ("3 services down" for a channel that routes 3 of the 50), so a channel only ever hears
 * about monitors routed to it. Nothing secret is logged: channels are named by their name, type
 * and host, never by URL or token.
 */
import { HomeportError, toHomeportError, type ErrorInfo } from '../../../../shared/model/errors';
import type { Logger } from '../../platform/platform';
import { narrowAlert } from '../policy/render';
import type { Alert } from '../policy/types';
import { validateChannelConfig, type ChannelConfig, type ChannelConfigInput } from './config';
import { testAlert, type SendOptions } from './format';
import { hostOf } from './http';
import { send as sendOnce } from './send';
import type { ChannelId } from '../../../../shared/model/ids';

export interface RoutingRules {
  /** Channels for every monitor without its own list (and for alerts about no monitor). */
  defaultChannelIds: ChannelId[];
  /** A monitor's own channels replace the defaults, unless `includeDefaults`. An empty list silences the monitor's alerts everywhere. */
  monitors?: Record<string, { channelIds: ChannelId[]; includeDefaults?: boolean }>;
}

export interface DeliveryResult {
  channelId: ChannelId;
  ok: boolean;
  attempts: number;
  error?: ErrorInfo;
}

export interface DispatcherOptions {
  logger: Logger;
  channels?: readonly ChannelConfig[];
  routing?: RoutingRules;
  /** Waits between attempts; tests pass one that records and returns at once. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Attempts per delivery (default 3). */
  attempts?: number;
  /** Wait before attempt 2, 3, … (default 1 s, 4 s: exponential, base 4). */
  backoffMs?: readonly number[];
  /** Per attempt (default 15 s). */
  timeoutMs?: number;
  now?: () => number;
  /** The single-attempt sender (default: the real notifiers). */
  send?: (alert: Alert, config: ChannelConfig, opts: SendOptions) => Promise<void>;
}

export const DEFAULT_ATTEMPTS = 3;
export const DEFAULT_BACKOFF_MS = [1000, 4000] as const;

const realSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/** Where a channel delivers, for logs: a host, never a URL or a token. */
export function describeTarget(c: ChannelConfig): string {
  switch (c.type) {
    case 'ntfy':
    case 'gotify':
      return hostOf(c.server);
    case 'webhook':
      return hostOf(c.url);
    case 'discord':
    case 'slack':
      return hostOf(c.webhookUrl);
    case 'telegram':
      return hostOf(c.apiBaseUrl);
    case 'email':
      return `${c.host}:${c.port}`;
  }
}

function asHomeportError(err: unknown): HomeportError {
  // A notifier bug; its message may hold anything, so it is not quoted.
  return toHomeportError(err, { message: 'Sending the alert failed because of a bug in Homeport.', fix: 'Report it, with the log.', details: { retryable: false } });
}

export class Dispatcher {
  private channels = new Map<string, ChannelConfig>();
  private routing: RoutingRules;
  private readonly log: Logger;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly attempts: number;
  private readonly backoffMs: readonly number[];
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private readonly sendFn: (alert: Alert, config: ChannelConfig, opts: SendOptions) => Promise<void>;

  constructor(opts: DispatcherOptions) {
    this.log = opts.logger;
    this.routing = opts.routing ?? { defaultChannelIds: [] };
    this.sleep = opts.sleep ?? realSleep;
    this.attempts = Math.max(1, opts.attempts ?? DEFAULT_ATTEMPTS);
    this.backoffMs = opts.backoffMs ?? DEFAULT_BACKOFF_MS;
    this.timeoutMs = opts.timeoutMs ?? 15_000;
    this.now = opts.now ?? Date.now;
    this.sendFn = opts.send ?? sendOnce;
    this.setChannels(opts.channels ?? []);
  }

  setChannels(channels: readonly ChannelConfig[]): void {
    this.channels = new Map(channels.map((c) => [c.id, c]));
  }

  setRouting(routing: RoutingRules): void {
    this.routing = routing;
  }

  /** The channels of one monitor (ids of existing, enabled channels). */
  channelIdsFor(monitorId: string): ChannelId[] {
    const own = this.routing.monitors?.[monitorId];
    const ids = own ? [...own.channelIds, ...(own.includeDefaults ? this.routing.defaultChannelIds : [])] : this.routing.defaultChannelIds;
    return [...new Set(ids)].filter((id) => this.channels.get(id)?.enabled !== false && this.channels.has(id));
  }

  /** Which channel gets which (possibly narrowed) alert. */
  route(alert: Alert): Array<{ channel: ChannelConfig; alert: Alert }> {
    const perChannel = new Map<string, string[]>();
    if (alert.monitorIds.length === 0) {
      for (const id of this.channelIdsFor('')) perChannel.set(id, []);
    }
    for (const monitorId of alert.monitorIds) {
      for (const id of this.channelIdsFor(monitorId)) {
        const list = perChannel.get(id) ?? [];
        list.push(monitorId);
        perChannel.set(id, list);
      }
    }
    return [...perChannel].map(([id, monitorIds]) => ({
      channel: this.channels.get(id)!,
      alert: monitorIds.length === 0 || monitorIds.length === alert.monitorIds.length ? alert : narrowAlert(alert, monitorIds),
    }));
  }

  /** Delivers an alert to its channels, in parallel, each with retries. Never throws. */
  async dispatch(alert: Alert, opts: { signal?: AbortSignal } = {}): Promise<DeliveryResult[]> {
    const routes = this.route(alert);
    if (routes.length === 0) this.log.info('alert has no channel', { alertId: alert.id, kind: alert.kind });
    return Promise.all(routes.map((r) => this.deliver(r.channel, r.alert, opts.signal)));
  }

  /** Sends a test message through a saved channel (by id) or a draft from the form, once; throws a HomeportError with what to fix. */
  async test(channel: string | ChannelConfigInput, opts: { signal?: AbortSignal } = {}): Promise<void> {
    let config: ChannelConfig;
    if (typeof channel === 'string') {
      const found = this.channels.get(channel);
      if (!found) throw new HomeportError({ code: 'NOT_FOUND', message: 'There is no such channel.', fix: 'Reload the list of channels.' });
      config = found;
    } else {
      config = validateChannelConfig(channel);
    }
    const signal = this.attemptSignal(opts.signal);
    try {
      await this.sendFn(testAlert(this.now(), config.name), config, { signal, test: true });
      this.log.info('test message sent', this.fields(config));
    } catch (err) {
      const e = asHomeportError(err);
      this.log.warn('test message failed', { ...this.fields(config), code: e.code, error: e.message });
      throw e;
    }
  }

  private async deliver(channel: ChannelConfig, alert: Alert, signal: AbortSignal | undefined): Promise<DeliveryResult> {
    let last: HomeportError | undefined;
    let attempt = 0;
    while (attempt < this.attempts) {
      attempt++;
      try {
        await this.sendFn(alert, channel, { signal: this.attemptSignal(signal) });
        if (attempt > 1) this.log.info('alert delivered after retrying', { ...this.fields(channel), alertId: alert.id, attempt });
        return { channelId: channel.id, ok: true, attempts: attempt };
      } catch (err) {
        last = asHomeportError(err);
        const retryable = last.code === 'UNREACHABLE' && last.details?.retryable !== false && !signal?.aborted;
        this.log.warn('alert delivery attempt failed', { ...this.fields(channel), alertId: alert.id, attempt, code: last.code, error: last.message, willRetry: retryable && attempt < this.attempts });
        if (!retryable) break;
        if (attempt < this.attempts) {
          await this.sleep(this.backoffMs[Math.min(attempt - 1, this.backoffMs.length - 1)] ?? 0, signal);
          if (signal?.aborted) break;
        }
      }
    }
    this.log.error('alert not delivered', { ...this.fields(channel), alertId: alert.id, attempts: attempt, code: last?.code, error: last?.message });
    return { channelId: channel.id, ok: false, attempts: attempt, ...(last ? { error: last.toInfo() } : {}) };
  }

  private attemptSignal(outer: AbortSignal | undefined): AbortSignal {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    return outer ? AbortSignal.any([outer, timeout]) : timeout;
  }

  private fields(c: ChannelConfig): Record<string, unknown> {
    return { channel: c.name, channelId: c.id, type: c.type, target: describeTarget(c) };
  }
}
