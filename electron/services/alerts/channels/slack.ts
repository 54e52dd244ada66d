import type { SlackConfig } from './config';
import { SEVERITY_EMOJI, truncate, type Notifier } from './format';
import { postJson } from './http';

/** Slack's mrkdwn needs only these three escaped. */
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** `text` is the notification and fallback; blocks are what the channel shows. */
export const sendSlack: Notifier<SlackConfig> = async (alert, config, { signal }) => {
  const emoji = SEVERITY_EMOJI[alert.severity];
  await postJson(
    config.webhookUrl,
    {
      text: esc(`${emoji} ${alert.title}: ${alert.body}`),
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: truncate(`${emoji} ${alert.title}`, 150), emoji: true } },
        ...(alert.body ? [{ type: 'section', text: { type: 'mrkdwn', text: truncate(esc(alert.body), 3000) } }] : []),
        { type: 'context', elements: [{ type: 'mrkdwn', text: `Homeport · ${alert.kind} · <!date^${Math.floor(alert.at / 1000)}^{date_short_pretty} {time}|${new Date(alert.at).toISOString()}>` }] },
      ],
    },
    {
      label: 'Slack',
      signal,
      secrets: [],
      authFix: 'The incoming webhook was revoked or its URL is wrong: create or copy it again in the Slack app settings.',
      rejectedFix: 'Check the incoming-webhook URL; Slack answers 404 for a removed webhook and 410 for an archived channel.',
    },
  );
};
