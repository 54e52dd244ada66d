import type { NtfyConfig } from './config';
import type { Notifier } from './format';
import { postJson } from './http';

const TAGS = { critical: 'rotating_light', warning: 'warning', info: 'white_check_mark' } as const;

/**
 * ntfy's JSON publishing (POST to the server root with the topic in the body), so titles with
 * non-ASCII names survive: header-based publishing cannot carry them without RFC 2047 encoding.
 * The configured priority is for down alerts; warnings and recoveries go out at the default (3).
 */
export const sendNtfy: Notifier<NtfyConfig> = async (alert, config, { signal }) => {
  const top = config.priority ?? 4;
  const priority = alert.severity === 'critical' ? top : Math.min(top, 3);
  const headers: Record<string, string> = {};
  if (config.token) headers.authorization = `Bearer ${config.token}`;
  await postJson(
    `${config.server.replace(/\/+$/, '')}/`,
    { topic: config.topic, title: alert.title, message: alert.body || alert.title, priority, tags: [TAGS[alert.severity], ...(config.tags ?? [])] },
    {
      label: 'ntfy',
      headers,
      signal,
      secrets: [config.token ?? '', config.topic],
      authFix: 'Check the access token, and that it may publish to this topic.',
      rejectedFix: 'Check the server address and the topic name.',
    },
  );
};
