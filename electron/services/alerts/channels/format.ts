import type { Alert, AlertSeverity } from '../policy/types';

export interface SendOptions {
  signal?: AbortSignal | undefined;
  /** A test message from the channel's Test button. */
  test?: boolean;
}

/** Sends one alert; throws a HomeportError (UNREACHABLE, AUTH_FAILED or VALIDATION) with a message and a fix. */
export type Notifier<C> = (alert: Alert, config: C, opts: SendOptions) => Promise<void>;

export const SEVERITY_EMOJI: Record<AlertSeverity, string> = { critical: '🔴', warning: '🟠', info: '🟢' };
export const SEVERITY_COLOR: Record<AlertSeverity, number> = { critical: 0xd32f2f, warning: 0xf57c00, info: 0x388e3c };

/** The alert as plain text: title, body, and when. */
export function plainText(alert: Alert): string {
  return `${alert.title}\n${alert.body}\n\n${new Date(alert.at).toISOString()} · Homeport`;
}

/** A harmless message for a channel's Test button. */
export function testAlert(now: number, channelName: string): Alert {
  return {
    id: `test-${now.toString(36)}`,
    kind: 'up',
    title: 'Homeport test message',
    body: `If you can read this, the channel "${channelName}" works.`,
    monitorIds: [],
    at: now,
    severity: 'info',
    entries: [],
  };
}

export function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}
