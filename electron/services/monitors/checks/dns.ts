import { isIP } from 'node:net';
import type dns from 'node:dns';
import { Deadline } from './deadline';
import { defaultCheckEnv, type CheckContext } from './env';
import { errorCode } from './net-errors';
import type { CheckResult, DnsMonitor, DnsRecordType } from './types';

/**
 * A DNS query with c-ares (dns.promises.Resolver), against the given resolver or the system's
 * servers. This is DNS itself — /etc/hosts and mDNS are not consulted. Up when the answer is not
 * empty and, if `expected` is set, some returned record equals it after normalisation:
 *
 * - names (CNAME, NS, PTR, the host part of MX/SRV) compare case-insensitively, trailing dot ignored;
 * - AAAA compares the address, not its spelling (fd00::1 = FD00:0:0:0:0:0:0:1);
 * - MX matches "10 mail.example.com" or just "mail.example.com"; SRV "10 5 5060 sip.example.com",
 *   "sip.example.com:5060" or "sip.example.com"; CAA '0 issue "letsencrypt.org"', 'issue letsencrypt.org'
 *   or "letsencrypt.org";
 * - TXT compares the record's strings joined, exactly (case matters), surrounding spaces trimmed.
 */
export async function checkDns(cfg: DnsMonitor, ctx: CheckContext): Promise<CheckResult> {
  const env = ctx.env ?? defaultCheckEnv();
  const dl = new Deadline(ctx.signal, cfg.timeoutSec);
  const via = cfg.resolver ? ` ${cfg.resolver}` : '';
  let onAbort: (() => void) | null = null;
  try {
    const resolver = env.resolver(cfg.resolver, cfg.timeoutSec * 1000);
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(new Error('aborted'));
      if (dl.signal.aborted) onAbort();
      else dl.signal.addEventListener('abort', onAbort, { once: true });
    });
    let records: Answer[];
    try {
      // The resolver is shared, so a late answer is ignored rather than cancelled (cancel() would end every query on it).
      records = await Promise.race([query(resolver, cfg.recordType, cfg.hostname), aborted]);
    } catch (e) {
      if (dl.aborted) return { status: 'down', latencyMs: null, message: dl.abortMessage() };
      return { status: 'down', latencyMs: null, message: describeDnsError(e, cfg, via) };
    }
    const latencyMs = dl.elapsedMs();
    const shown = records.slice(0, 5).map((r) => r.display);
    const list = shown.join(', ') + (records.length > 5 ? `, … (${records.length})` : '');
    const details = { answers: records.length, values: clip(records.map((r) => r.display).join(', '), 500) };
    if (records.length === 0) return { status: 'down', latencyMs, message: `No ${cfg.recordType} record for ${cfg.hostname}${via ? ` from${via}` : ''}`, details };
    if (cfg.expected !== null) {
      const want = normalise(cfg.recordType, cfg.expected);
      if (!records.some((r) => r.candidates.some((c) => normalise(cfg.recordType, c) === want))) {
        return { status: 'down', latencyMs, message: `${cfg.recordType} ${cfg.hostname} is ${clip(list, 200)} (expected ${cfg.expected})`, details };
      }
    }
    return { status: 'up', latencyMs, message: `${cfg.recordType} ${cfg.hostname}: ${clip(list, 200)}`, details };
  } finally {
    if (onAbort) dl.signal.removeEventListener('abort', onAbort);
    dl.dispose();
  }
}

interface Answer {
  display: string;
  /** Forms `expected` may take to match this record. */
  candidates: string[];
}

async function query(r: dns.promises.Resolver, type: DnsRecordType, name: string): Promise<Answer[]> {
  const same = (v: string): Answer => ({ display: v, candidates: [v] });
  switch (type) {
    case 'A':
      return (await r.resolve4(name)).map(same);
    case 'AAAA':
      return (await r.resolve6(name)).map(same);
    case 'CNAME':
      return (await r.resolveCname(name)).map(same);
    case 'NS':
      return (await r.resolveNs(name)).map(same);
    case 'PTR':
      return (isIP(name) ? await r.reverse(name) : await r.resolvePtr(name)).map(same);
    case 'TXT':
      return (await r.resolveTxt(name)).map((chunks) => same(chunks.join('')));
    case 'MX':
      return (await r.resolveMx(name)).map((m) => ({ display: `${m.priority} ${m.exchange}`, candidates: [`${m.priority} ${m.exchange}`, m.exchange] }));
    case 'SRV':
      return (await r.resolveSrv(name)).map((s) => ({
        display: `${s.priority} ${s.weight} ${s.port} ${s.name}`,
        candidates: [`${s.priority} ${s.weight} ${s.port} ${s.name}`, `${s.name}:${s.port}`, s.name],
      }));
    case 'CAA':
      return (await r.resolveCaa(name)).map((c) => {
        const rec = c as unknown as Record<string, string | number>;
        // Node adds `type: 'CAA'` next to the tag (issue, issuewild, iodef…).
        const tag = Object.keys(rec).find((k) => k !== 'critical' && k !== 'type') ?? '';
        const value = String(rec[tag] ?? '');
        const display = `${rec.critical ?? 0} ${tag} "${value}"`;
        return { display, candidates: [display, `${tag} ${value}`, value] };
      });
  }
}

function normalise(type: DnsRecordType, v: string): string {
  const t = v.trim();
  if (type === 'TXT') return t;
  if (type === 'AAAA' || (type === 'A' && isIP(t) === 6)) {
    try {
      return new URL(`http://[${t}]/`).hostname;
    } catch {
      return t.toLowerCase();
    }
  }
  // Names: case-insensitive, trailing dot of a fully qualified name ignored, spaces collapsed.
  return t.replace(/\s+/g, ' ').toLowerCase().replace(/\.(?=\s|$)/g, '').replace(/\.(?=:\d+$)/, '');
}

function describeDnsError(e: unknown, cfg: DnsMonitor, via: string): string {
  const code = errorCode(e);
  const from = via ? ` from${via}` : '';
  switch (code) {
    case 'ENOTFOUND':
      return `DNS name ${cfg.hostname} does not exist (NXDOMAIN${from})`;
    case 'ENODATA':
      return `No ${cfg.recordType} record for ${cfg.hostname}${from}`;
    case 'ESERVFAIL':
      return `DNS server${via} failed to answer for ${cfg.hostname} (SERVFAIL)`;
    case 'EREFUSED':
      return `DNS server${via} refused the query for ${cfg.hostname} (REFUSED)`;
    case 'ETIMEOUT':
      return `DNS server${via} did not answer (ETIMEOUT)`;
    case 'ECONNREFUSED':
      return `DNS server${via} refused the connection (ECONNREFUSED)`;
    case 'EBADNAME':
      return `${cfg.hostname} is not a valid DNS name (EBADNAME)`;
    case 'EFORMERR':
    case 'EBADRESP':
      return `DNS server${via} sent a malformed answer (${code})`;
  }
  return `DNS query for ${cfg.hostname} failed: ${(e as Error).message ?? String(e)}`;
}

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}
