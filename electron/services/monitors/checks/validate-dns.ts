/** The rules of a DNS monitor: the name to resolve, the resolver to ask and the expected answer. */
import { isIP, isIPv6 } from 'node:net';
import { MONITOR_LIMITS as LIMITS } from '../../../../shared/model/monitor-limits';
import type { MonitorConfig } from './types';
import { clip, hostProblem, type Problem } from './validate-fields';

export function checkDnsConfig(cfg: Extract<MonitorConfig, { type: 'dns' }>, problems: Problem[]): void {
  cfg.hostname = cfg.hostname.trim().replace(/(.)\.$/, '$1');
  const name = cfg.hostname;
  if (cfg.recordType === 'PTR' && isIP(name)) {
    // an address: the check asks for its reverse name
  } else {
    const problem = hostProblem(name);
    if (problem) problems.push({ field: 'hostname', message: `hostname ${problem.message}`, fix: problem.fix });
    else if (isIP(name)) problems.push({ field: 'hostname', message: `hostname ${name} is an IP address, not a DNS name`, fix: 'Give a DNS name, or use record type PTR for a reverse lookup' });
  }
  if (cfg.resolver !== null) {
    cfg.resolver = cfg.resolver.trim();
    if (!parseResolver(cfg.resolver)) {
      problems.push({
        field: 'resolver',
        message: `resolver ${JSON.stringify(clip(cfg.resolver))} is not an IP address`,
        fix: 'Give the DNS server as an IP address with an optional port: 192.168.1.1, 192.168.1.1:5353, fd00::1 or [fd00::1]:5353 (a name would itself need DNS)',
      });
    }
  }
  if (cfg.expected !== null) {
    cfg.expected = cfg.expected.trim();
    if (cfg.expected === '' || cfg.expected.length > LIMITS.dnsExpectedLength) problems.push({ field: 'expected', message: `expected must be 1 to ${LIMITS.dnsExpectedLength} characters`, fix: 'Give the value to expect, or clear it (null) to accept any answer' });
  }
}

/** `ip`, `ip:port`, `[v6]:port` → the form `Resolver.setServers` takes, or null. */
export function parseResolver(s: string): string | null {
  if (isIP(s)) return s;
  const v6 = /^\[([^\]]+)\]:(\d{1,5})$/.exec(s);
  if (v6 && isIPv6(v6[1]!) && validPort(v6[2]!)) return s;
  const v4 = /^([0-9.]+):(\d{1,5})$/.exec(s);
  if (v4 && isIP(v4[1]!) === 4 && validPort(v4[2]!)) return s;
  return null;
}

function validPort(p: string): boolean {
  const n = Number(p);
  return n >= LIMITS.port.min && n <= LIMITS.port.max;
}
