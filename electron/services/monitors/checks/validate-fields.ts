/**
 * The rules every monitor type shares (id, name, interval, timeout, retries) and the field rules
 * the types reuse (whole numbers in bounds, hosts, host ids, patterns). Each adds a problem whose
 * message names the field and whose fix says what to write instead; see validate.ts.
 */
import { isIP, isIPv6 } from 'node:net';
import { MONITOR_LIMITS as LIMITS } from '../../../../shared/model/monitor-limits';

export interface Problem {
  field: string;
  message: string;
  fix: string;
}

export function clip(s: string, n = 60): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}

export function checkInt(field: string, v: number, min: number, max: number, problems: Problem[]): boolean {
  if (!Number.isInteger(v) || v < min || v > max) {
    problems.push({ field, message: `${field} must be a whole number from ${min} to ${max}, not ${v}`, fix: `Set ${field} between ${min} and ${max}` });
    return false;
  }
  return true;
}

export function checkCommon(cfg: Record<string, unknown> & { intervalSec: number }, problems: Problem[]): void {
  const id = cfg.id as string;
  if (id.trim() === '' || id.length > LIMITS.idLength || /[\s\p{Cc}]/u.test(id)) {
    problems.push({ field: 'id', message: `id must be 1 to ${LIMITS.idLength} characters without spaces or control characters`, fix: 'Let Homeport assign the id' });
  }
  const name = (cfg.name as string).trim();
  cfg.name = name;
  if (name === '') problems.push({ field: 'name', message: 'name is empty', fix: 'Give the monitor a name, e.g. "Nextcloud"' });
  else if (name.length > LIMITS.nameLength || /\p{Cc}/u.test(name)) problems.push({ field: 'name', message: `name must be at most ${LIMITS.nameLength} characters, without control characters`, fix: 'Shorten the name' });

  const { min, max } = LIMITS.intervalSec;
  const intervalOk = Number.isInteger(cfg.intervalSec) && cfg.intervalSec >= min && cfg.intervalSec <= max;
  if (!intervalOk) {
    problems.push({
      field: 'intervalSec',
      message: `intervalSec must be a whole number of seconds from ${min} (${min} s) to ${max} (${max / 3600} h), not ${cfg.intervalSec}`,
      fix: cfg.intervalSec < min ? `Check no more often than every ${min} s` : `Set intervalSec between ${min} and ${max}`,
    });
  }
  if (cfg.retryIntervalSec === undefined) cfg.retryIntervalSec = intervalOk ? cfg.intervalSec : 60;
  const ri = cfg.retryIntervalSec as number;
  if (!Number.isInteger(ri) || ri < min || ri > max) {
    problems.push({ field: 'retryIntervalSec', message: `retryIntervalSec must be a whole number of seconds from ${min} to ${max}, not ${ri}`, fix: `Set retryIntervalSec between ${min} and ${max}` });
  }
  const interval = intervalOk ? cfg.intervalSec : 60;
  if (cfg.timeoutSec === undefined) cfg.timeoutSec = Math.min(30, Math.floor(interval * 0.8));
  const t = cfg.timeoutSec as number;
  const maxTimeout = Math.min(interval, LIMITS.timeoutSec.max);
  if (t < LIMITS.timeoutSec.min || t > maxTimeout) {
    problems.push({
      field: 'timeoutSec',
      message: `timeoutSec must be from ${LIMITS.timeoutSec.min} to ${maxTimeout} s (at most the interval, and at most ${LIMITS.timeoutSec.max} s), not ${t}`,
      fix: `Set timeoutSec between ${LIMITS.timeoutSec.min} and ${maxTimeout}`,
    });
  }
  checkInt('retries', cfg.retries as number, LIMITS.retries.min, LIMITS.retries.max, problems);
}

const HOST_LABEL = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/;

/** A host name or IP address as a check may connect to. Returns the normalised host ([v6] → v6). */
export function checkHost(field: string, raw: string, problems: Problem[]): string {
  const problem = hostProblem(raw);
  if (problem) {
    problems.push({ field, message: `${field} ${problem.message}`, fix: problem.fix });
    return raw;
  }
  const h = raw.trim();
  return h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h.replace(/\.$/, '') || h;
}

export function hostProblem(raw: string): { message: string; fix: string } | null {
  const h = raw.trim();
  if (h === '') return { message: 'is empty', fix: 'Give a host name or IP address, e.g. nas.lan or 192.168.1.10' };
  if (/\p{Cc}/u.test(h)) return { message: 'contains a control character', fix: 'Retype the host name; it contains an invisible character' };
  if (/\s/.test(h)) return { message: `${JSON.stringify(clip(h))} contains a space`, fix: 'Remove the spaces from the host name' };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(h)) {
    let host = '';
    try {
      host = new URL(h).hostname;
    } catch {
      // not a URL after all; the generic message below applies
    }
    return { message: `${JSON.stringify(clip(h))} is a URL, not a host`, fix: host ? `Give the host only: ${host}` : 'Give the host only, e.g. nas.lan' };
  }
  if (h.length > LIMITS.hostLength) return { message: `is longer than ${LIMITS.hostLength} characters`, fix: 'Give a shorter host name' };
  if (h.startsWith('-')) return { message: `${JSON.stringify(clip(h))} starts with "-"`, fix: 'Give a host name or IP address; a leading "-" is not allowed' };
  if (isIP(h)) return null;
  if (h.startsWith('[') && h.endsWith(']') && isIPv6(h.slice(1, -1))) return null;
  const hostPort = /^([^:]+):(\d+)$/.exec(h);
  if (hostPort) return { message: `${JSON.stringify(clip(h))} contains a port`, fix: `Give the host (${hostPort[1]}) here and the port (${hostPort[2]}) in its own field` };
  const labels = h.replace(/\.$/, '').split('.');
  if (labels.every((l) => HOST_LABEL.test(l))) return null;
  return {
    message: `${JSON.stringify(clip(h))} is not a valid host name or IP address`,
    fix: 'Use letters, digits, "-" and "_" between dots (nas.lan), or an IP address (192.168.1.10, fd00::10)',
  };
}

export function checkHostId(hostId: string, problems: Problem[]): void {
  if (hostId.trim() === '' || hostId.length > LIMITS.hostIdLength || /\p{Cc}/u.test(hostId)) {
    problems.push({ field: 'hostId', message: hostId.trim() === '' ? 'hostId is empty' : 'hostId is not a valid host id', fix: 'Choose one of your hosts' });
  }
}

export function checkRegex(field: string, source: string, problems: Problem[]): void {
  if (source === '') {
    problems.push({ field, message: `${field} is empty`, fix: `Clear ${field} (null) to match any output, or give a pattern` });
    return;
  }
  if (source.length > LIMITS.regexLength) {
    problems.push({ field, message: `${field} is longer than ${LIMITS.regexLength} characters`, fix: 'Match a shorter, distinctive part of the output' });
    return;
  }
  try {
    new RegExp(source, 'm');
  } catch (e) {
    problems.push({ field, message: `${field} is not a valid regular expression: ${(e as Error).message}`, fix: 'Correct the pattern (JavaScript syntax; escape special characters such as . ( [ with \\)' });
  }
}
