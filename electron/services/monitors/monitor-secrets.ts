/**
 * The secrets inside a monitor's config (HTTP auth passwords and tokens, header values, push
 * tokens): which fields hold them, the config without them (what is stored in clear and shown),
 * their values apart (what is sealed), and how an edit form's blanks keep the stored ones.
 */
import { randomBytes } from 'node:crypto';
import type { MonitorConfig } from './checks';

/** Names of the config's fields that hold a secret: `auth.password`, `auth.token`, `headers.<name>`, `token`. */
export function monitorSecretFields(c: MonitorConfig): string[] {
  if (c.type === 'http') {
    // Header values often carry credentials (Authorization, API keys): all are treated as secret.
    const headers = Object.keys(c.headers).map((h) => `headers.${h}`);
    return [...(c.auth.kind === 'basic' ? ['auth.password'] : c.auth.kind === 'bearer' ? ['auth.token'] : []), ...headers];
  }
  if (c.type === 'push') return ['token'];
  return [];
}

/** The config with every secret field emptied. */
export function redactMonitor(c: MonitorConfig): MonitorConfig {
  if (c.type === 'http') {
    const headers = Object.fromEntries(Object.keys(c.headers).map((h) => [h, '']));
    const auth = c.auth.kind === 'basic' ? { kind: 'basic' as const, user: c.auth.user, password: '' } : c.auth.kind === 'bearer' ? { kind: 'bearer' as const, token: '' } : c.auth;
    return { ...c, headers, auth };
  }
  if (c.type === 'push') return { ...c, token: '' };
  return c;
}

/** A config from an update form: secrets left empty keep their stored values. */
export function keepMonitorSecrets(next: MonitorConfig, prev: MonitorConfig): MonitorConfig {
  if (next.type === 'http' && prev.type === 'http') {
    const headers = Object.fromEntries(Object.entries(next.headers).map(([h, v]) => [h, v === '' && prev.headers[h] !== undefined ? prev.headers[h]! : v]));
    next = { ...next, headers };
    if (next.auth.kind === 'basic' && prev.auth.kind === 'basic' && next.auth.password === '') return { ...next, auth: { ...next.auth, password: prev.auth.password } };
    if (next.auth.kind === 'bearer' && prev.auth.kind === 'bearer' && next.auth.token === '') return { ...next, auth: { ...next.auth, token: prev.auth.token } };
  }
  if (next.type === 'push' && prev.type === 'push' && next.token === '') return { ...next, token: prev.token };
  return next;
}

/** The values of a config's secret fields, by field path (auth.password, headers.X-Key, token). */
export function secretValues(c: MonitorConfig): Record<string, string> {
  const out: Record<string, string> = {};
  if (c.type === 'http') {
    for (const [h, v] of Object.entries(c.headers)) out[`headers.${h}`] = v;
    if (c.auth.kind === 'basic') out['auth.password'] = c.auth.password;
    if (c.auth.kind === 'bearer') out['auth.token'] = c.auth.token;
  }
  if (c.type === 'push') out.token = c.token;
  return out;
}

/** Puts secret values back into a raw (redacted) config, before it is validated. */
export function withSecretValues(raw: Record<string, unknown>, values: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...raw };
  for (const [path, v] of Object.entries(values)) {
    if (path === 'token') out.token = v;
    else if (path.startsWith('headers.') && typeof out.headers === 'object' && out.headers !== null) out.headers = { ...(out.headers as object), [path.slice(8)]: v };
    else if ((path === 'auth.password' || path === 'auth.token') && typeof out.auth === 'object' && out.auth !== null) out.auth = { ...(out.auth as object), [path.slice(5)]: v };
  }
  return out;
}

/** A form's raw config before validation: secrets left empty (or out) take the stored values. */
export function fillBlankSecrets(input: Record<string, unknown>, prev: MonitorConfig): Record<string, unknown> {
  if (input.type !== prev.type) return input;
  const out: Record<string, unknown> = { ...input };
  if (prev.type === 'push' && (out.token === undefined || out.token === '')) out.token = prev.token;
  if (prev.type === 'http') {
    if (typeof out.headers === 'object' && out.headers !== null) {
      out.headers = Object.fromEntries(Object.entries(out.headers as Record<string, unknown>).map(([h, v]) => [h, v === '' && prev.headers[h] !== undefined ? prev.headers[h] : v]));
    }
    const a = out.auth as { kind?: string; password?: string; token?: string } | undefined;
    if (a && a.kind === 'basic' && prev.auth.kind === 'basic' && (a.password === undefined || a.password === '')) out.auth = { ...a, password: prev.auth.password };
    if (a && a.kind === 'bearer' && prev.auth.kind === 'bearer' && (a.token === undefined || a.token === '')) out.auth = { ...a, token: prev.auth.token };
  }
  return out;
}

/** A push token: 32 random bytes, URL-safe (43 characters). */
export function newPushToken(): string {
  return randomBytes(32).toString('base64url');
}
