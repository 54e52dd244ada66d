import type { TelegramConfig } from './config';
import { truncate, type Notifier } from './format';
import { explain, hostOf, httpError, postJson } from './http';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const OPTS = {
  label: 'Telegram',
  authFix: 'Check the bot token (from @BotFather), and that the bot was not blocked or removed from the chat.',
  rejectedFix: 'Check the chat id, and send /start to the bot (or add it to the group) first.',
};

/** Bot API `sendMessage` in HTML parse mode. The token travels in the path, so errors show the host only. */
export const sendTelegram: Notifier<TelegramConfig> = async (alert, config, { signal }) => {
  const url = `${config.apiBaseUrl.replace(/\/+$/, '')}/bot${config.botToken}/sendMessage`;
  const res = await postJson(
    url,
    { chat_id: config.chatId, text: truncate(`<b>${esc(alert.title)}</b>\n${esc(alert.body)}`, 4096), parse_mode: 'HTML', disable_web_page_preview: true },
    { ...OPTS, signal, secrets: [config.botToken] },
  );
  // The Bot API's verdict is the body's `ok`, whatever the status.
  let ok = true;
  try {
    ok = (JSON.parse(res.text) as { ok?: unknown }).ok !== false;
  } catch {
    /* not JSON: a 2xx is success */
  }
  if (!ok) throw httpError(OPTS, hostOf(url), 400, explain(res.text).split(config.botToken).join('[redacted]'));
};
