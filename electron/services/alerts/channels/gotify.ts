import type { GotifyConfig } from './config';
import type { Notifier } from './format';
import { postJson } from './http';

/**
 * POST /message?token=<app token>. Priority 8+ pops up on Android; the configured priority (default
 * 8) is for down alerts, warnings go out at ≤ 6 and recoveries at ≤ 4 (a sound, no pop-up).
 */
export const sendGotify: Notifier<GotifyConfig> = async (alert, config, { signal }) => {
  const top = config.priority ?? 8;
  const priority = alert.severity === 'critical' ? top : Math.min(top, alert.severity === 'warning' ? 6 : 4);
  await postJson(
    `${config.server.replace(/\/+$/, '')}/message?token=${encodeURIComponent(config.appToken)}`,
    { title: alert.title, message: alert.body || alert.title, priority, extras: { 'client::display': { contentType: 'text/plain' } } },
    {
      label: 'Gotify',
      signal,
      secrets: [config.appToken, encodeURIComponent(config.appToken)],
      authFix: 'Check the application token (Apps → the app’s token in Gotify), not a client token.',
      rejectedFix: 'Check the Gotify server address.',
    },
  );
};
