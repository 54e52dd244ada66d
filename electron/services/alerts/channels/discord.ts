import type { DiscordConfig } from './config';
import { SEVERITY_COLOR, truncate, type Notifier } from './format';
import { postJson } from './http';

/** One embed (title ≤ 256, description ≤ 4096); mentions disabled so a service called "@everyone" pings no one. */
export const sendDiscord: Notifier<DiscordConfig> = async (alert, config, { signal }) => {
  await postJson(
    config.webhookUrl,
    {
      username: 'Homeport',
      allowed_mentions: { parse: [] },
      embeds: [
        {
          title: truncate(alert.title, 256),
          description: truncate(alert.body || alert.title, 4096),
          color: SEVERITY_COLOR[alert.severity],
          timestamp: new Date(alert.at).toISOString(),
          footer: { text: `Homeport · ${alert.kind}` },
        },
      ],
    },
    {
      label: 'Discord',
      signal,
      secrets: [],
      authFix: 'The webhook was deleted or its URL is wrong: copy it again from the channel’s Integrations settings.',
      rejectedFix: 'Copy the webhook URL again from the channel’s Integrations settings.',
    },
  );
};
