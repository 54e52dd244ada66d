import type { Alert } from '../policy/types';
import type { ChannelConfig, ChannelType } from './config';
import { sendDiscord } from './discord';
import { sendEmail } from './email';
import type { Notifier, SendOptions } from './format';
import { sendGotify } from './gotify';
import { sendNtfy } from './ntfy';
import { sendSlack } from './slack';
import { sendTelegram } from './telegram';
import { sendWebhook } from './webhook';

export const NOTIFIERS: { [K in ChannelType]: Notifier<Extract<ChannelConfig, { type: K }>> } = {
  ntfy: sendNtfy,
  webhook: sendWebhook,
  discord: sendDiscord,
  slack: sendSlack,
  telegram: sendTelegram,
  gotify: sendGotify,
  email: sendEmail,
};

/** Sends one alert through one channel, once (the Dispatcher adds retries and routing). */
export function send(alert: Alert, config: ChannelConfig, opts: SendOptions = {}): Promise<void> {
  const notifier = NOTIFIERS[config.type] as Notifier<ChannelConfig>;
  return notifier(alert, config, opts);
}
