import type { Logger } from './platform';

/** Field names whose values are never written to a log (no secret is ever logged). */
const SECRET_FIELD = /pass|secret|token|private|key(?!Id|Type)|credential|auth/i;

export function redact(fields: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!fields) return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) out[k] = SECRET_FIELD.test(k) ? '[redacted]' : v;
  return out;
}

/** One JSON line per entry on stderr; quiet under tests unless HOMEPORT_LOG is set. */
export function createConsoleLogger(scope = 'homeport', sink: (line: string) => void = (l) => process.stderr.write(l + '\n')): Logger {
  const quiet = process.env.VITEST !== undefined && process.env.HOMEPORT_LOG === undefined;
  const write = (level: string, message: string, fields?: Record<string, unknown>) => {
    if (quiet) return;
    // The entry's own fields come last so a field named `message` or `level` cannot overwrite them.
    sink(JSON.stringify({ ...redact(fields), t: new Date().toISOString(), level, scope, message }));
  };
  return {
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  };
}
