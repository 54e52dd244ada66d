/**
 * A secret belongs to the place it was given for. An edit form leaves stored secrets blank to mean
 * "keep them"; that must not carry a password, token or header value to a server the user has just
 * pointed the monitor or channel at (a typo, a borrowed config, a hostile import would otherwise
 * receive it on the next check). So when the destination changes, a blank secret is not filled in
 * from the stored one:
 *
 * - a monitor's HTTP URL: the destination is its origin (scheme, host and port; a path change is
 *   the same server). Auth passwords, bearer tokens and header values left blank are refused with
 *   a VALIDATION error naming the field — the form has the field and can ask for it;
 * - a channel: its server / webhook URL / Bot API address (origin) or SMTP host. A required secret
 *   (Gotify's application token, Telegram's bot token) left blank is refused the same way; an
 *   optional one (an ntfy access token, a webhook's signing secret and headers, an SMTP password)
 *   is dropped, since a form cannot say "none" any other way — the channel then reports it has no
 *   such secret, and the UI says so.
 */
import { HomeportError } from '../../../shared/model/errors';
import type { ChannelConfig } from '../alerts';
import type { MonitorConfig } from './checks';

/** `scheme://host[:port]` of a URL (default ports left out, as browsers do), or null when it is not one. */
export function httpOrigin(url: unknown): string | null {
  if (typeof url !== 'string') return null;
  try {
    const u = new URL(url.trim());
    return u.origin === 'null' ? null : u.origin;
  } catch {
    return null;
  }
}

const blank = (v: unknown) => v === undefined || v === '';

/** Secret fields of a monitor form's raw config that are blank and would take the stored value of `prev`. */
export function monitorSecretsToKeep(input: Record<string, unknown>, prev: MonitorConfig): string[] {
  if (prev.type !== 'http' || input.type !== 'http') return [];
  const out: string[] = [];
  const a = input.auth as { kind?: unknown; password?: unknown; token?: unknown } | undefined;
  if (a?.kind === 'basic' && prev.auth.kind === 'basic' && blank(a.password) && prev.auth.password !== '') out.push('auth.password');
  if (a?.kind === 'bearer' && prev.auth.kind === 'bearer' && blank(a.token) && prev.auth.token !== '') out.push('auth.token');
  const headers = input.headers;
  if (headers && typeof headers === 'object') {
    for (const [h, v] of Object.entries(headers as Record<string, unknown>)) if (v === '' && prev.headers[h] !== undefined && prev.headers[h] !== '') out.push(`headers.${h}`);
  }
  return out;
}

function monitorSecretName(field: string): string {
  if (field === 'auth.password') return 'password';
  if (field === 'auth.token') return 'bearer token';
  return `value of the header ${field.slice('headers.'.length)}`;
}

/**
 * Throws VALIDATION when an edit moves an HTTP monitor to another origin while leaving a stored
 * secret blank (the first such field is named; the form shows it there).
 */
export function assertMonitorSecretsStay(input: Record<string, unknown>, prev: MonitorConfig): void {
  if (prev.type !== 'http' || input.type !== 'http') return;
  const from = httpOrigin(prev.url);
  const to = httpOrigin(input.url);
  if (from === null || to === null || from === to) return;
  const [field] = monitorSecretsToKeep(input, prev);
  if (!field) return;
  throw new HomeportError({
    code: 'VALIDATION',
    message: `${field}: the address moved from ${from} to ${to}, another server, so the stored ${monitorSecretName(field)} is not sent there. Enter it again.`,
    fix: `Enter the ${monitorSecretName(field)} for ${to} (or remove it). Homeport never sends a secret stored for one server to another.`,
    details: { field },
  });
}

// ── Channels ────────────────────────────────────────────────────────────────────────────────

/** The secret fields of each channel type (tokens, passwords, and URLs that carry a token). */
export const CHANNEL_SECRETS: Record<ChannelConfig['type'], string[]> = {
  ntfy: ['token'],
  webhook: ['url', 'headers', 'secret'],
  discord: ['webhookUrl'],
  slack: ['webhookUrl'],
  telegram: ['botToken'],
  gotify: ['appToken'],
  email: ['password'],
};

/** Secrets that belong to the channel's destination, with the words a user knows them by; `required` ones cannot be dropped. */
const BOUND: Record<ChannelConfig['type'], Array<{ field: string; name: string; required: boolean }>> = {
  ntfy: [{ field: 'token', name: 'access token', required: false }],
  webhook: [
    { field: 'secret', name: 'signing secret', required: false },
    { field: 'headers', name: 'header values', required: false },
  ],
  discord: [],
  slack: [],
  telegram: [{ field: 'botToken', name: 'bot token', required: true }],
  gotify: [{ field: 'appToken', name: 'application token', required: true }],
  email: [{ field: 'password', name: 'password', required: false }],
};

/** Where a channel delivers, and what the user calls that place. */
function channelDestination(c: Record<string, unknown>): { where: string; what: string } | null {
  switch (c.type) {
    case 'ntfy':
    case 'gotify':
      return { where: httpOrigin(c.server) ?? String(c.server), what: 'server' };
    case 'webhook':
      return { where: httpOrigin(c.url) ?? String(c.url), what: 'webhook address' };
    case 'discord':
    case 'slack':
      return { where: httpOrigin(c.webhookUrl) ?? String(c.webhookUrl), what: 'webhook address' };
    case 'telegram':
      return { where: httpOrigin(c.apiBaseUrl) ?? String(c.apiBaseUrl), what: 'Bot API address' };
    case 'email':
      return { where: String(c.host).trim().toLowerCase(), what: 'SMTP host' };
    default:
      return null;
  }
}

/**
 * The raw config of a channel edit with blank secrets filled in from `prev` — except those bound to
 * a destination that changed: optional ones are left out (dropped), required ones throw VALIDATION.
 * `validate` gives the new config its defaults (an empty ntfy server means ntfy.sh), so the
 * destination compared is the one the channel will really use.
 */
export function channelWithKeptSecrets(input: Record<string, unknown>, prev: ChannelConfig, validate: (raw: unknown) => ChannelConfig): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...input };
  if ((merged.type ?? prev.type) !== prev.type) return merged;
  const kept: string[] = [];
  for (const k of CHANNEL_SECRETS[prev.type]) {
    const old = (prev as Record<string, unknown>)[k];
    if (blank(merged[k]) && old !== undefined) {
      merged[k] = old;
      kept.push(k);
    }
  }
  const from = channelDestination(prev as Record<string, unknown>);
  let to: ReturnType<typeof channelDestination>;
  try {
    to = channelDestination(validate(merged) as Record<string, unknown>);
  } catch {
    // Invalid for another reason: the caller's validation names it.
    return merged;
  }
  if (!from || !to || from.where === to.where) return merged;
  for (const b of BOUND[prev.type]) {
    if (!kept.includes(b.field)) continue;
    if (b.required) {
      throw new HomeportError({
        code: 'VALIDATION',
        message: `${b.field}: the ${to.what} changed from ${from.where} to ${to.where}, so the stored ${b.name} is not sent there. Enter it again.`,
        fix: `Enter the ${b.name} for ${to.where}. Homeport never sends a secret stored for one server to another.`,
        details: { field: b.field },
      });
    }
    delete merged[b.field];
  }
  return merged;
}
