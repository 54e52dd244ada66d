/** The rules of an HTTP monitor: its URL, accepted status codes, headers, body, keyword, JSON path and authentication. */
import { MONITOR_LIMITS as LIMITS } from '../../../../shared/model/monitor-limits';
import { JsonPathError, parseJsonPath } from './json-path';
import type { MonitorConfig } from './types';
import { checkInt, clip, hostProblem, type Problem } from './validate-fields';

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Framing headers are Homeport's to set; a wrong one corrupts the request. */
const MANAGED_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'te', 'trailer', 'proxy-connection']);

export function parseStatusRanges(entries: readonly string[]): Array<[number, number]> {
  return entries.map((e) => {
    const s = e.trim();
    const xx = /^([1-5])xx$/i.exec(s);
    if (xx) return [Number(xx[1]) * 100, Number(xx[1]) * 100 + 99];
    const m = /^(\d{3})(?:-(\d{3}))?$/.exec(s);
    if (!m) return [NaN, NaN];
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    return lo >= 100 && hi <= 599 && lo <= hi ? [lo, hi] : [NaN, NaN];
  });
}

export function checkHttpConfig(cfg: Extract<MonitorConfig, { type: 'http' }>, problems: Problem[]): void {
  cfg.url = cfg.url.trim();
  let url: URL | null = null;
  if (cfg.url === '') {
    problems.push({ field: 'url', message: 'url is empty', fix: 'Give the address to check, e.g. https://nas.lan:8443/health' });
  } else if (cfg.url.length > LIMITS.urlLength) {
    problems.push({ field: 'url', message: `url is longer than ${LIMITS.urlLength} characters`, fix: 'Give a shorter URL' });
  } else if (/\p{Cc}/u.test(cfg.url)) {
    problems.push({ field: 'url', message: 'url contains a control character', fix: 'Retype the URL; it contains an invisible character' });
  } else {
    try {
      url = new URL(cfg.url);
    } catch {
      const guess = /^[\w.-]+(:\d+)?(\/.*)?$/.test(cfg.url) ? ` — did you mean http://${cfg.url}?` : '';
      problems.push({ field: 'url', message: `url ${JSON.stringify(clip(cfg.url))} is not a valid URL${guess}`, fix: 'Write the full address with its scheme, e.g. https://nas.lan:8443/health' });
    }
  }
  if (url) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      problems.push({ field: 'url', message: `url uses ${url.protocol.slice(0, -1)}, not http or https`, fix: 'Use an address that starts with http:// or https:// (a TCP or ping monitor checks other services)' });
    } else if (url.hostname === '') {
      problems.push({ field: 'url', message: 'url has no host', fix: 'Write the host after the scheme, e.g. https://nas.lan/' });
    } else if (url.username || url.password) {
      problems.push({ field: 'url', message: 'url contains a user name or password', fix: 'Remove the credentials from the URL and set basic authentication instead (URLs are shown and logged; credentials are kept secret)' });
    } else if (!url.hostname.startsWith('[')) {
      const problem = hostProblem(url.hostname);
      if (problem) problems.push({ field: 'url', message: `url host ${problem.message}`, fix: problem.fix });
    }
  }

  const ranges = parseStatusRanges(cfg.acceptedStatus);
  if (cfg.acceptedStatus.length === 0 || cfg.acceptedStatus.length > LIMITS.acceptedStatusEntries) {
    problems.push({ field: 'acceptedStatus', message: `acceptedStatus must list 1 to ${LIMITS.acceptedStatusEntries} codes or ranges`, fix: 'Use e.g. ["200-299"] or ["200-299", "301"]' });
  } else {
    ranges.forEach(([lo], i) => {
      if (Number.isNaN(lo)) {
        problems.push({
          field: `acceptedStatus.${i}`,
          message: `acceptedStatus ${JSON.stringify(clip(cfg.acceptedStatus[i] ?? ''))} is not a status code or range`,
          fix: 'Write a code (301), a range (200-299, low to high, 100 to 599) or a class (2xx)',
        });
      }
    });
  }

  const headerNames = new Map<string, string>();
  const headerEntries = Object.entries(cfg.headers);
  if (headerEntries.length > LIMITS.headerCount) problems.push({ field: 'headers', message: `more than ${LIMITS.headerCount} headers`, fix: 'Remove headers the check does not need' });
  for (const [name, value] of headerEntries) {
    const field = `headers.${name}`;
    const lower = name.toLowerCase();
    if (!TOKEN.test(name)) problems.push({ field, message: `header name ${JSON.stringify(clip(name))} is not valid`, fix: 'Header names use letters, digits and - only (e.g. X-Api-Key)' });
    else if (MANAGED_HEADERS.has(lower)) problems.push({ field, message: `header ${name} is set by Homeport`, fix: `Remove the ${name} header` });
    else if (headerNames.has(lower)) problems.push({ field, message: `header ${name} is given twice (also as ${headerNames.get(lower)})`, fix: 'Keep one of them' });
    else if (lower === 'authorization' && cfg.auth.kind !== 'none') problems.push({ field, message: `an Authorization header and ${cfg.auth.kind} authentication are both set`, fix: 'Keep one of them' });
    if (/[\r\n\0]/.test(value)) problems.push({ field, message: `header ${name} contains a line break or NUL`, fix: 'Put the header value on one line' });
    else if (value.length > LIMITS.headerValueLength) problems.push({ field, message: `header ${name} is longer than ${LIMITS.headerValueLength} characters`, fix: 'Shorten the value' });
    headerNames.set(lower, name);
  }

  if (cfg.body !== null) {
    if (cfg.method === 'HEAD') problems.push({ field: 'body', message: 'a HEAD request cannot carry a body', fix: 'Clear the body, or use POST' });
    else if (Buffer.byteLength(cfg.body) > LIMITS.bodyBytes) problems.push({ field: 'body', message: `body is larger than ${LIMITS.bodyBytes / 1024} KiB`, fix: 'Send a smaller request body' });
  }

  if (cfg.keyword) {
    const t = cfg.keyword.text;
    if (t === '') problems.push({ field: 'keyword.text', message: 'keyword is empty', fix: 'Give the text to look for, or remove the keyword check' });
    else if (t.length > LIMITS.keywordLength) problems.push({ field: 'keyword.text', message: `keyword is longer than ${LIMITS.keywordLength} characters`, fix: 'Look for a shorter, distinctive part of the page' });
  }

  if (cfg.jsonPath) {
    try {
      parseJsonPath(cfg.jsonPath.path);
    } catch (e) {
      if (!(e instanceof JsonPathError)) throw e;
      problems.push({
        field: 'jsonPath.path',
        message: `JSON path ${JSON.stringify(clip(cfg.jsonPath.path))} ${e.message}`,
        fix: 'Write a path like $.status, $.items[0].ok or $[\'db-main\'].state (no wildcards or filters)',
      });
    }
    if (cfg.jsonPath.equals.length > LIMITS.jsonEqualsLength) problems.push({ field: 'jsonPath.equals', message: `jsonPath.equals is longer than ${LIMITS.jsonEqualsLength} characters`, fix: 'Compare a shorter value' });
  }

  if (cfg.auth.kind === 'basic') {
    if (cfg.auth.user === '' || cfg.auth.user.includes(':') || /\p{Cc}/u.test(cfg.auth.user)) {
      problems.push({ field: 'auth.user', message: 'basic-auth user must be non-empty, without ":" or control characters', fix: 'Correct the user name' });
    }
    if (/\p{Cc}/u.test(cfg.auth.password)) problems.push({ field: 'auth.password', message: 'basic-auth password contains a control character', fix: 'Retype the password' });
  } else if (cfg.auth.kind === 'bearer') {
    if (cfg.auth.token === '' || /[\s\p{Cc}]/u.test(cfg.auth.token) || cfg.auth.token.length > LIMITS.bearerTokenLength) {
      problems.push({ field: 'auth.token', message: 'bearer token must be non-empty, without spaces or line breaks', fix: 'Paste the token alone, without "Bearer "' });
    }
  }

  checkInt('maxRedirects', cfg.maxRedirects, LIMITS.maxRedirects.min, LIMITS.maxRedirects.max, problems);
  if (cfg.certExpiryWarnDays !== null) checkInt('certExpiryWarnDays', cfg.certExpiryWarnDays, LIMITS.certExpiryWarnDays.min, LIMITS.certExpiryWarnDays.max, problems);
}
