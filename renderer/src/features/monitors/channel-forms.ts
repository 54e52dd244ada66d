/**
 * The channel forms: the fields of each channel type, their checks (the same rules as the
 * services' validators, so most mistakes are caught before a round trip), and the conversion of
 * the form's text into a channel config. Secret fields are write-only: the UI is told only whether
 * one is set, and a secret left blank on edit keeps its stored value.
 */
import type { ChannelConfigInput, ChannelInfo, ChannelType } from '../../../../shared/contract';

export type FieldKind = 'text' | 'url' | 'number' | 'secret' | 'checkbox' | 'list';

export interface ChannelFieldSpec {
  key: string;
  label: string;
  kind: FieldKind;
  required?: boolean;
  placeholder?: string;
  hint?: string;
  /** A problem with a non-empty value, or null. */
  check?: (v: string) => string | null;
  /**
   * A secret that is an address (a webhook URL carries its token): stored and never shown again
   * like any secret, but typed in the clear, since a pasted URL is checked by eye.
   */
  address?: true;
}

export const CHANNEL_LABELS: Record<ChannelType, string> = {
  ntfy: 'ntfy',
  webhook: 'Webhook (JSON)',
  discord: 'Discord',
  slack: 'Slack',
  telegram: 'Telegram',
  gotify: 'Gotify',
  email: 'Email (SMTP)',
};

function httpUrl(v: string): string | null {
  try {
    const u = new URL(v);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'Use an http:// or https:// URL.';
    if (u.username || u.password) return 'Leave the user name and password out of the URL.';
    return null;
  } catch {
    return 'This is not a URL (it starts with https://).';
  }
}
const intIn = (lo: number, hi: number) => (v: string) => (/^-?\d+$/.test(v) && Number(v) >= lo && Number(v) <= hi ? null : `A whole number from ${lo} to ${hi}.`);
const ADDRESS = /^(?:[^<>\r\n]*<\s*[^\s@<>]+@[^\s@<>]+\s*>|[^\s@<>]+@[^\s@<>]+)$/;
const address = (v: string) => (ADDRESS.test(v.trim()) ? null : 'An e-mail address: user@example.com or Name <user@example.com>.');
const noSpaces = (v: string) => (/\s/.test(v.trim()) ? 'No spaces or line breaks.' : null);

export const CHANNEL_FIELDS: Record<ChannelType, ChannelFieldSpec[]> = {
  ntfy: [
    { key: 'server', label: 'ntfy server', kind: 'url', placeholder: 'https://ntfy.sh', hint: 'Leave empty for ntfy.sh.', check: httpUrl },
    { key: 'topic', label: 'Topic', kind: 'text', required: true, placeholder: 'homelab-alerts', check: (v) => (/^[-_A-Za-z0-9]{1,64}$/.test(v) ? null : 'The topic is 1–64 letters, digits, - or _.') },
    { key: 'token', label: 'Access token', kind: 'secret', placeholder: 'tk_…', hint: 'Only for a protected topic.', check: noSpaces },
    { key: 'priority', label: 'Priority (1–5)', kind: 'number', placeholder: '4', hint: 'Used for down alerts; recoveries go lower.', check: intIn(1, 5) },
  ],
  webhook: [
    { key: 'url', label: 'Webhook URL', kind: 'secret', address: true, required: true, placeholder: 'https://example.com/hook', check: httpUrl },
    { key: 'secret', label: 'Signing secret (HMAC-SHA256)', kind: 'secret', hint: 'The body is signed in X-Homeport-Signature: sha256=<hex>.', check: noSpaces },
  ],
  discord: [{ key: 'webhookUrl', label: 'Discord webhook URL', kind: 'secret', address: true, required: true, placeholder: 'https://discord.com/api/webhooks/…', check: httpUrl }],
  slack: [{ key: 'webhookUrl', label: 'Slack webhook URL', kind: 'secret', address: true, required: true, placeholder: 'https://hooks.slack.com/services/…', check: httpUrl }],
  telegram: [
    {
      key: 'botToken',
      label: 'Bot token',
      kind: 'secret',
      required: true,
      placeholder: '123456789:AA…',
      hint: 'From @BotFather.',
      check: (v) => (/^\d{1,20}:[A-Za-z0-9_-]{20,100}$/.test(v.trim()) ? null : 'The bot token looks like 123456789:AA… (from @BotFather).'),
    },
    { key: 'chatId', label: 'Chat id', kind: 'text', required: true, placeholder: '-1001234567890 or @channel', check: (v) => (/^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{3,64})$/.test(v.trim()) ? null : 'A number (negative for groups) or @channelname.') },
  ],
  gotify: [
    { key: 'server', label: 'Gotify server', kind: 'url', required: true, placeholder: 'https://gotify.example.com', check: httpUrl },
    { key: 'appToken', label: 'Application token', kind: 'secret', required: true, check: noSpaces },
    { key: 'priority', label: 'Priority (0–10)', kind: 'number', placeholder: '8', check: intIn(0, 10) },
  ],
  email: [
    { key: 'host', label: 'SMTP host', kind: 'text', required: true, placeholder: 'smtp.example.com', check: (v) => (/^[A-Za-z0-9.-]{1,253}$|^\[[0-9A-Fa-f:.]+\]$/.test(v.trim()) ? null : 'A host name or an IP address.') },
    { key: 'port', label: 'Port', kind: 'number', required: true, placeholder: '587', check: intIn(1, 65535) },
    { key: 'secure', label: 'TLS from the start (usually port 465)', kind: 'checkbox' },
    { key: 'user', label: 'User name', kind: 'text' },
    { key: 'password', label: 'Password', kind: 'secret' },
    { key: 'from', label: 'From', kind: 'text', required: true, placeholder: 'Homeport <homeport@example.com>', check: address },
    {
      key: 'to',
      label: 'To',
      kind: 'list',
      required: true,
      placeholder: 'me@example.com, other@example.com',
      hint: 'One or more addresses, separated by commas.',
      check: (v) => {
        const list = splitList(v);
        if (list.length > 50) return 'At most 50 recipients.';
        const bad = list.find((a) => address(a));
        return bad ? `“${bad}” is not an e-mail address.` : null;
      },
    },
  ],
};

export const splitList = (v: string) =>
  v
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean);

export type ChannelForm = Record<string, string | boolean>;

/** The form's starting values: empty for a new channel; the stored settings (secrets blank) for an edit. */
export function initialForm(type: ChannelType, channel?: ChannelInfo): ChannelForm {
  const form: ChannelForm = {};
  for (const f of CHANNEL_FIELDS[type]) {
    const v = channel?.type === type ? channel.settings[f.key] : undefined;
    if (f.kind === 'checkbox') form[f.key] = v === true;
    else if (f.kind === 'secret') form[f.key] = '';
    else if (Array.isArray(v)) form[f.key] = v.join(', ');
    else form[f.key] = v === undefined || v === null ? (f.key === 'port' && type === 'email' ? '587' : '') : String(v);
  }
  return form;
}

/**
 * Problems by field key. On edit (`channel` given), a required secret that is stored may stay
 * blank. Also checks the pairing the services insist on (an SMTP password needs a user name).
 */
export function formProblems(type: ChannelType, name: string, form: ChannelForm, channel?: ChannelInfo): Record<string, string> {
  const out: Record<string, string> = {};
  if (!name.trim()) out.name = 'Give the channel a name.';
  for (const f of CHANNEL_FIELDS[type]) {
    const v = form[f.key];
    if (f.kind === 'checkbox') continue;
    const text = String(v ?? '').trim();
    const stored = f.kind === 'secret' && channel?.type === type && channel.hasSecret[f.key];
    if (!text) {
      if (f.required && !stored) out[f.key] = `${f.label} is required.`;
      continue;
    }
    const p = f.check?.(text);
    if (p) out[f.key] = p;
  }
  if (type === 'email' && String(form.password ?? '') && !String(form.user ?? '').trim()) out.user = 'A password needs a user name.';
  return out;
}

/** The config the services get: empty optional fields left out, numbers as numbers, lists as arrays. */
export function formToConfig(type: ChannelType, name: string, form: ChannelForm, enabled = true): ChannelConfigInput {
  const cfg: ChannelConfigInput = { type, name: name.trim(), enabled };
  for (const f of CHANNEL_FIELDS[type]) {
    const v = form[f.key];
    if (f.kind === 'checkbox') {
      cfg[f.key] = v === true;
      continue;
    }
    const text = f.kind === 'secret' ? String(v ?? '') : String(v ?? '').trim();
    if (!text) continue;
    if (f.kind === 'number') cfg[f.key] = Number(text);
    else if (f.kind === 'list') cfg[f.key] = splitList(text);
    else cfg[f.key] = text.trim();
  }
  return cfg;
}
