/**
 * Channel settings, validated with zod at the edge (a form, an import) so a notifier only ever
 * sees a well-formed config. Every error names the field and what to do, and never echoes a value
 * (tokens, passwords and webhook URLs are secrets).
 */
import { z } from 'zod';
import { HomeportError } from '../../../../shared/model/errors';
import { ChannelId } from '../../../../shared/model/ids';

function isHttpUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '' && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}

const httpUrl = (what: string) => z.string().trim().refine(isHttpUrl, `${what} must be an http:// or https:// URL without a user name or password in it`);
const secret = (what: string) => z.string().trim().min(1, `${what} is required`).max(4096, `${what} is too long`).refine((v) => !/[\s\r\n]/.test(v), `${what} cannot contain spaces or line breaks`);
/** "user@example.com" or "Name <user@example.com>". */
const ADDRESS = /^(?:[^<>\r\n]*<\s*[^\s@<>]+@[^\s@<>]+\s*>|[^\s@<>]+@[^\s@<>]+)$/;
const address = (what: string) => z.string().trim().regex(ADDRESS, `${what} must be an e-mail address (user@example.com or Name <user@example.com>)`);

const common = {
  id: z
    .string()
    .trim()
    .min(1, 'id is required')
    .max(100)
    .transform((s) => ChannelId(s)),
  name: z.string().trim().min(1, 'Give the channel a name').max(100, 'The name is too long (100 characters at most)'),
  enabled: z.boolean().default(true),
};

export const ntfyConfigSchema = z.object({
  ...common,
  type: z.literal('ntfy'),
  server: httpUrl('The ntfy server').default('https://ntfy.sh'),
  topic: z.string().trim().regex(/^[-_A-Za-z0-9]{1,64}$/, 'The topic is 1–64 letters, digits, - or _'),
  /** Access token (tk_…), sent as a Bearer token. */
  token: secret('The access token').optional(),
  /** 1 (min) … 5 (max); used for down alerts, lower ones for warnings and recoveries. Default 4 (high). */
  priority: z.number().int().min(1, 'Priority is 1 to 5').max(5, 'Priority is 1 to 5').optional(),
  tags: z.array(z.string().trim().regex(/^[^,\r\n]{1,64}$/, 'A tag is 1–64 characters without commas')).max(10, 'At most 10 tags').optional(),
});

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;
const RESERVED_HEADERS = new Set(['content-length', 'host', 'x-homeport-signature', 'x-homeport-event']);

export const webhookConfigSchema = z.object({
  ...common,
  type: z.literal('webhook'),
  url: httpUrl('The webhook URL'),
  headers: z
    .record(z.string(), z.string().max(4096).refine((v) => !/[\r\n]/.test(v), 'A header value cannot contain line breaks'))
    .refine((h) => Object.keys(h).every((k) => HEADER_NAME.test(k)), 'A header name may contain only letters, digits and -')
    .refine((h) => Object.keys(h).every((k) => !RESERVED_HEADERS.has(k.toLowerCase())), 'Content-Length, Host and the X-Homeport-* headers are set by Homeport')
    .optional(),
  /** HMAC-SHA256 key: the body is signed in `X-Homeport-Signature: sha256=<hex>`. */
  secret: secret('The signing secret').optional(),
});

export const discordConfigSchema = z.object({
  ...common,
  type: z.literal('discord'),
  webhookUrl: httpUrl('The Discord webhook URL'),
});

export const slackConfigSchema = z.object({
  ...common,
  type: z.literal('slack'),
  webhookUrl: httpUrl('The Slack incoming-webhook URL'),
});

export const telegramConfigSchema = z.object({
  ...common,
  type: z.literal('telegram'),
  botToken: z.string().trim().regex(/^\d{1,20}:[A-Za-z0-9_-]{20,100}$/, 'The bot token looks like 123456789:AA… (from @BotFather)'),
  /** A numeric chat id (negative for groups) or @channelname. */
  chatId: z.string().trim().regex(/^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{3,64})$/, 'The chat id is a number (negative for groups) or @channelname'),
  apiBaseUrl: httpUrl('The Bot API URL').default('https://api.telegram.org'),
});

export const gotifyConfigSchema = z.object({
  ...common,
  type: z.literal('gotify'),
  server: httpUrl('The Gotify server'),
  appToken: secret('The application token'),
  /** 0 … 10; used for down alerts, lower ones for warnings and recoveries. Default 8. */
  priority: z.number().int().min(0, 'Priority is 0 to 10').max(10, 'Priority is 0 to 10').optional(),
});

export const emailConfigSchema = z.object({
  ...common,
  type: z.literal('email'),
  host: z.string().trim().regex(/^[A-Za-z0-9.-]{1,253}$|^\[[0-9A-Fa-f:.]+\]$/, 'The SMTP host is a host name or an IP address'),
  port: z.number().int().min(1, 'The port is 1 to 65535').max(65535, 'The port is 1 to 65535'),
  /** Implicit TLS from the first byte (usually port 465). */
  secure: z.boolean().default(false),
  /** Without `secure`: `required` refuses a server that does not offer STARTTLS; `off` never upgrades. */
  startTls: z.enum(['required', 'opportunistic', 'off']).default('opportunistic'),
  user: z.string().trim().max(320).optional(),
  password: z.string().max(4096).optional(),
  /** A self-signed certificate on a homelab mail relay; off by default. */
  allowInvalidCertificate: z.boolean().default(false),
  from: address('From'),
  to: z.array(address('Each recipient')).min(1, 'Add at least one recipient').max(50, 'At most 50 recipients'),
});

export const channelConfigSchema = z.discriminatedUnion('type', [
  ntfyConfigSchema,
  webhookConfigSchema,
  discordConfigSchema,
  slackConfigSchema,
  telegramConfigSchema,
  gotifyConfigSchema,
  emailConfigSchema,
]);

export type ChannelConfig = z.output<typeof channelConfigSchema>;
export type ChannelConfigInput = z.input<typeof channelConfigSchema>;
export type ChannelType = ChannelConfig['type'];
export type NtfyConfig = z.output<typeof ntfyConfigSchema>;
export type WebhookConfig = z.output<typeof webhookConfigSchema>;
export type DiscordConfig = z.output<typeof discordConfigSchema>;
export type SlackConfig = z.output<typeof slackConfigSchema>;
export type TelegramConfig = z.output<typeof telegramConfigSchema>;
export type GotifyConfig = z.output<typeof gotifyConfigSchema>;
export type EmailConfig = z.output<typeof emailConfigSchema>;

export const CHANNEL_TYPES: readonly ChannelType[] = ['ntfy', 'webhook', 'discord', 'slack', 'telegram', 'gotify', 'email'];

/** Parses a channel's settings; throws a VALIDATION HomeportError naming the first bad field. */
export function validateChannelConfig(input: unknown): ChannelConfig {
  const r = channelConfigSchema.safeParse(input);
  if (r.success) {
    if (r.data.type === 'email' && r.data.password && !r.data.user) {
      throw new HomeportError({ code: 'VALIDATION', message: 'password: a password needs a user name.', fix: 'Enter the SMTP user name, or clear the password.', details: { field: 'password' } });
    }
    return r.data;
  }
  const issue = r.error.issues[0]!;
  const field = issue.path.join('.') || 'type';
  let message = issue.message;
  if (issue.code === 'invalid_union' || (field === 'type' && issue.code !== 'custom')) {
    message = `The channel type must be one of ${CHANNEL_TYPES.join(', ')}`;
  } else if (issue.code === 'invalid_type') {
    message = `${field} is missing or has the wrong type`;
  }
  throw new HomeportError({ code: 'VALIDATION', message: `${field}: ${message}.`, fix: 'Correct the field and save again.', details: { field } });
}
