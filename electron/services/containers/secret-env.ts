/**
 * Which environment values Homeport keeps back until the user asks (secrets never
 * leave main unasked). A name is secret-looking when it contains one of these words; a value is,
 * whatever its name, when it is a URL with a password in it (DATABASE_URL=postgres://u:p@db/x).
 */
const SECRET_NAME = /PASS(WORD|WD|PHRASE)?|PWD|TOKEN|SECRET|KEY|CREDENTIAL|PRIVATE|AUTH|SALT|COOKIE|SESSION|SIGNATURE|CERT/i;
const URL_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/@\s:]*:[^/@\s]+@/i;

export function isSecretEnv(name: string, value: string): boolean {
  return SECRET_NAME.test(name) || URL_WITH_PASSWORD.test(value);
}

/** Stands in for a masked value in the raw JSON. */
export const MASK = '<masked by Homeport>';

/** `NAME=value` → [name, value]; a bare `NAME` (no '=') has an empty value. */
export function splitEnv(entry: string): [string, string] {
  const eq = entry.indexOf('=');
  return eq < 0 ? [entry, ''] : [entry.slice(0, eq), entry.slice(eq + 1)];
}
