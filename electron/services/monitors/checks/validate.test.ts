import { describe, expect, it } from 'vitest';
import { HomeportError } from '../../../../shared/contract';
import { evaluateJsonPath, parseJsonPath } from './json-path';
import { validateMonitorConfig } from './validate';

const http = { type: 'http', id: 'm1', name: 'Nextcloud', url: 'https://nas.lan/status.php' };
const tcp = { type: 'tcp', id: 'm2', name: 'SSH', host: 'nas.lan', port: 22 };
const dns = { type: 'dns', id: 'm3', name: 'Lab DNS', hostname: 'lab.test', recordType: 'A' };

function reject(input: unknown): HomeportError {
  try {
    validateMonitorConfig(input);
  } catch (e) {
    expect(e).toBeInstanceOf(HomeportError);
    return e as HomeportError;
  }
  throw new Error(`accepted: ${JSON.stringify(input)}`);
}

describe('validateMonitorConfig', () => {
  it('fills defaults for a minimal monitor of each type', () => {
    const h = validateMonitorConfig(http);
    expect(h).toMatchObject({
      type: 'http',
      method: 'GET',
      headers: {},
      body: null,
      acceptedStatus: ['200-299'],
      keyword: null,
      jsonPath: null,
      auth: { kind: 'none' },
      ignoreTls: false,
      followRedirects: true,
      maxRedirects: 10,
      certExpiryWarnDays: 14,
      intervalSec: 60,
      timeoutSec: 30,
      retries: 1,
      retryIntervalSec: 60,
      upsideDown: false,
      paused: false,
    });
    expect(validateMonitorConfig({ ...tcp, intervalSec: 20 })).toMatchObject({ timeoutSec: 16, retryIntervalSec: 20 });
    expect(validateMonitorConfig({ type: 'ping', id: 'p', name: 'p', host: '[fd00::1]' })).toMatchObject({ host: 'fd00::1', count: 1 });
    expect(validateMonitorConfig(dns)).toMatchObject({ resolver: null, expected: null });
    expect(validateMonitorConfig({ type: 'dns', id: 'd', name: 'r', hostname: '127.0.0.7', recordType: 'PTR' })).toMatchObject({ hostname: '127.0.0.7' });
    expect(validateMonitorConfig({ type: 'container', id: 'c', name: 'c', hostId: 'h1', container: '/labweb_web_1' })).toMatchObject({ container: 'labweb_web_1' });
    expect(validateMonitorConfig({ type: 'ssh-command', id: 's', name: 's', hostId: 'h1', command: 'systemctl is-active nginx', outputMatch: '^active$' })).toMatchObject({ expectExit: 0 });
    expect(validateMonitorConfig({ type: 'push', id: 'u', name: 'u', token: 'abcdefghijklmnop1234' })).toMatchObject({ graceSec: 60 });
    expect(validateMonitorConfig({ ...dns, resolver: '[::1]:5353' })).toMatchObject({ resolver: '[::1]:5353' });
  });

  // [input, field, message fragment]
  const bad: Array<[string, unknown, string, RegExp]> = [
    ['not an object', 'nope', '', /must be an object/],
    ['unknown type', { ...http, type: 'smtp' }, 'type', /"smtp" is not a monitor type/],
    ['missing url', { type: 'http', id: 'm', name: 'n' }, 'url', /url is missing/],
    ['url of the wrong type', { ...http, url: 42 }, 'url', /url must be text, not the number 42/],
    ['unknown field', { ...http, intervalSecs: 30 }, 'intervalSecs', /Unknown field "intervalSecs"/],
    ['malformed URL', { ...http, url: 'nas.lan/health' }, 'url', /not a valid URL — did you mean http:\/\/nas.lan\/health/],
    ['ftp URL', { ...http, url: 'ftp://nas.lan/' }, 'url', /uses ftp, not http or https/],
    ['javascript URL', { ...http, url: 'javascript:alert(1)' }, 'url', /uses javascript/],
    ['credentials in URL', { ...http, url: 'https://admin:pw@nas.lan/' }, 'url', /user name or password/],
    ['empty host', { ...tcp, host: '' }, 'host', /host is empty/],
    ['host with a space', { ...tcp, host: 'nas lan' }, 'host', /contains a space/],
    ['host with a control char', { ...tcp, host: 'nas\u0007.lan' }, 'host', /control character/],
    ['host is a URL', { ...tcp, host: 'http://nas.lan:8080/' }, 'host', /is a URL, not a host/],
    ['host with a port', { ...tcp, host: 'nas.lan:22' }, 'host', /contains a port/],
    ['host that is an option', { type: 'ping', id: 'p', name: 'p', host: '-f' }, 'host', /starts with "-"/],
    ['host with bad characters', { ...tcp, host: 'nas!.lan' }, 'host', /not a valid host name/],
    ['port out of range', { ...tcp, port: 70000 }, 'port', /port must be a whole number from 1 to 65535/],
    ['interval too short', { ...tcp, intervalSec: 5 }, 'intervalSec', /from 20 \(20 s\) to 86400 \(24 h\), not 5/],
    ['interval too long', { ...tcp, intervalSec: 90_000 }, 'intervalSec', /not 90000/],
    ['fractional interval', { ...tcp, intervalSec: 30.5 }, 'intervalSec', /whole number/],
    ['timeout over interval', { ...tcp, intervalSec: 30, timeoutSec: 45 }, 'timeoutSec', /from 1 to 30 s/],
    ['timeout over 120 s', { ...tcp, intervalSec: 600, timeoutSec: 300 }, 'timeoutSec', /from 1 to 120 s/],
    ['timeout zero', { ...tcp, timeoutSec: 0 }, 'timeoutSec', /from 1 to/],
    ['retries absurd', { ...tcp, retries: 100 }, 'retries', /from 0 to 20/],
    ['negative retries', { ...tcp, retries: -1 }, 'retries', /from 0 to 20/],
    ['retry interval too short', { ...tcp, retryIntervalSec: 1 }, 'retryIntervalSec', /from 20 to 86400/],
    ['invalid JSON path', { ...http, jsonPath: { path: 'status', equals: 'ok' } }, 'jsonPath.path', /must start with \$/],
    ['JSON path wildcard', { ...http, jsonPath: { path: '$.items[*].ok', equals: 'ok' } }, 'jsonPath.path', /wildcard/],
    ['JSON path recursive descent', { ...http, jsonPath: { path: '$..ok', equals: 'ok' } }, 'jsonPath.path', /recursive descent/],
    ['JSON path unterminated', { ...http, jsonPath: { path: "$['a", equals: 'ok' } }, 'jsonPath.path', /unterminated/],
    ['JSON path filter', { ...http, jsonPath: { path: '$.a[?(@.x)]', equals: 'ok' } }, 'jsonPath.path', /filter/],
    ['empty keyword', { ...http, keyword: { text: '', mustBePresent: true, caseSensitive: false } }, 'keyword.text', /keyword is empty/],
    ['huge keyword', { ...http, keyword: { text: 'x'.repeat(5000) } }, 'keyword.text', /longer than 1000/],
    ['invalid regex', { type: 'ssh-command', id: 's', name: 's', hostId: 'h', command: 'true', outputMatch: '(unclosed' }, 'outputMatch', /not a valid regular expression/],
    ['huge regex', { type: 'ssh-command', id: 's', name: 's', hostId: 'h', command: 'true', outputMatch: 'a'.repeat(501) }, 'outputMatch', /longer than 500/],
    ['empty command', { type: 'ssh-command', id: 's', name: 's', hostId: 'h', command: '  ' }, 'command', /command is empty/],
    ['unknown record type', { ...dns, recordType: 'ANY' }, 'recordType', /"ANY" is not one of A, AAAA, CNAME/],
    ['resolver is a name', { ...dns, resolver: 'dns.google' }, 'resolver', /is not an IP address/],
    ['resolver with a bad port', { ...dns, resolver: '1.1.1.1:99999' }, 'resolver', /is not an IP address/],
    ['DNS name with a space', { ...dns, hostname: 'lab test' }, 'hostname', /contains a space/],
    ['DNS name that is an IP (not PTR)', { ...dns, hostname: '10.0.0.1' }, 'hostname', /is an IP address, not a DNS name/],
    ['bad status range', { ...http, acceptedStatus: ['200-199'] }, 'acceptedStatus.0', /not a status code or range/],
    ['status text', { ...http, acceptedStatus: ['ok'] }, 'acceptedStatus.0', /not a status code or range/],
    ['no status', { ...http, acceptedStatus: [] }, 'acceptedStatus', /1 to 20/],
    ['bad header name', { ...http, headers: { 'X Bad': '1' } }, 'headers.X Bad', /header name "X Bad" is not valid/],
    ['header injection', { ...http, headers: { 'X-A': 'a\r\nX-B: b' } }, 'headers.X-A', /line break/],
    ['managed header', { ...http, headers: { 'Content-Length': '5' } }, 'headers.Content-Length', /set by Homeport/],
    ['authorization twice', { ...http, headers: { Authorization: 'x' }, auth: { kind: 'bearer', token: 't' } }, 'headers.Authorization', /both set/],
    ['unknown auth kind', { ...http, auth: { kind: 'ntlm' } }, 'auth.kind', /"ntlm" is not valid/],
    ['basic user with a colon', { ...http, auth: { kind: 'basic', user: 'a:b', password: 'p' } }, 'auth.user', /without ":"/],
    ['bearer token with a space', { ...http, auth: { kind: 'bearer', token: 'Bearer abc' } }, 'auth.token', /without spaces/],
    ['body on HEAD', { ...http, method: 'HEAD', body: 'x' }, 'body', /HEAD request cannot carry a body/],
    ['unknown method', { ...http, method: 'FETCH' }, 'method', /"FETCH" is not one of GET/],
    ['too many redirects allowed', { ...http, maxRedirects: 50 }, 'maxRedirects', /from 0 to 20/],
    ['cert warn days absurd', { ...http, certExpiryWarnDays: 0 }, 'certExpiryWarnDays', /from 1 to 365/],
    ['ping count absurd', { type: 'ping', id: 'p', name: 'p', host: 'nas', count: 1000 }, 'count', /from 1 to 10/],
    ['container name invalid', { type: 'container', id: 'c', name: 'c', hostId: 'h', container: 'my container' }, 'container', /not a container name or id/],
    ['push token short', { type: 'push', id: 'u', name: 'u', token: 'abc' }, 'token', /16 to 128/],
    ['empty name', { ...http, name: '   ' }, 'name', /name is empty/],
    ['NaN interval', { ...tcp, intervalSec: Number.NaN }, 'intervalSec', /must be a number/],
  ];

  it.each(bad)('rejects %s', (_label, input, field, message) => {
    const e = reject(input);
    expect(e.code).toBe('VALIDATION');
    expect(e.details?.field).toBe(field);
    expect(e.message).toMatch(message);
    expect(e.fix).toBeTruthy();
  });

  it('reports every problem and names them in details.fields', () => {
    const e = reject({ ...tcp, host: '', port: 0, intervalSec: 1 });
    expect(e.message).toMatch(/and 3 more problems|and 2 more problems/);
    expect(String(e.details?.fields).split(',')).toEqual(expect.arrayContaining(['host', 'port', 'intervalSec']));
  });

  it('never puts a secret into the error', () => {
    const e = reject({ ...http, url: 'https://admin:hunter2@nas.lan/', auth: { kind: 'bearer', token: 'sekret token' } });
    expect(JSON.stringify(e.toInfo())).not.toMatch(/hunter2|sekret/);
  });
});

describe('JSON path subset', () => {
  const doc = { status: 'ok', 'db-main': { state: 'up' }, items: [{ ok: true }, { ok: false }], n: 0, "it's": 1, __proto__x: 2 };
  it.each([
    ['$', doc],
    ['$.status', 'ok'],
    ["$['db-main'].state", 'up'],
    ['$["db-main"]["state"]', 'up'],
    ['$.db-main.state', 'up'],
    ['$.items[0].ok', true],
    ['$.items[-1].ok', false],
    ['$.items[2]', undefined],
    ['$.n', 0],
    ["$['it\\'s']", 1],
    ['$.missing.deeper', undefined],
    ['$.status.length', undefined],
    ['$.__proto__', undefined],
    ['$.items.constructor', undefined],
  ])('%s', (path, want) => {
    expect(evaluateJsonPath(doc, parseJsonPath(path))).toEqual(want);
  });

  it.each(['', 'status', '$.', '$.1abc', '$[abc]', '$[01]', "$['a'", '$.a b', '$..a', '$.*', '$[*]', '$[1:2]', '$.a[?(@.b)]', `$${'.a'.repeat(65)}`])('rejects %j', (path) => {
    expect(() => parseJsonPath(path)).toThrow();
  });
});
