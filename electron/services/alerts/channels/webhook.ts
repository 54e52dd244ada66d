import { createHmac } from 'node:crypto';
import type { Alert } from '../policy/types';
import type { WebhookConfig } from './config';
import type { Notifier } from './format';
import { postJson } from './http';

/** The JSON a generic webhook receives. `version` changes only when a field is removed or changes meaning. */
export interface WebhookPayload {
  event: 'alert' | 'test';
  version: 1;
  sentAt: string;
  alert: Omit<Alert, 'at'> & { at: string; atMs: number };
}

/** `sha256=` + hex HMAC-SHA256 of the exact body bytes, keyed with the channel's secret (GitHub's scheme). */
export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

export const sendWebhook: Notifier<WebhookConfig> = async (alert, config, { signal, test }) => {
  const payload: WebhookPayload = {
    event: test ? 'test' : 'alert',
    version: 1,
    sentAt: new Date().toISOString(),
    alert: { ...alert, at: new Date(alert.at).toISOString(), atMs: alert.at },
  };
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = { ...config.headers, 'x-homeport-event': payload.event };
  if (config.secret) headers['x-homeport-signature'] = signBody(body, config.secret);
  await postJson(config.url, body, {
    label: 'The webhook',
    headers,
    signal,
    secrets: [config.secret ?? '', ...Object.values(config.headers ?? {})],
    authFix: 'Check the credentials in the webhook’s headers or its URL.',
    rejectedFix: 'Check the webhook URL and what the receiver expects.',
  });
};
