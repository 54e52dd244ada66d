import dns, { type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { RegexSandbox } from './regex-sandbox';

/**
 * What checks share across runs, owned by one check runner: keep-alive agents (so a monitor
 * checked every 20 s reuses its connection and TLS session instead of a handshake per check),
 * a small lookup cache that also keeps getaddrinfo off most of libuv's thread pool, cached DNS
 * resolvers, and the sandbox that runs untrusted regular expressions.
 */
export interface CheckEnv {
  readonly httpAgent: http.Agent;
  readonly httpsAgent: https.Agent;
  readonly lookup: LookupFunction;
  readonly regex: RegexSandbox;
  /** A cached dns.promises.Resolver per (servers, timeout). */
  resolver(servers: string | null, timeoutMs: number): dns.promises.Resolver;
  close(): void;
}

/** What every check is given: the owner's signal (the check adds its own timeoutSec) and the shared environment. */
export interface CheckContext {
  signal: AbortSignal;
  /** Defaults to a process-wide environment. */
  env?: CheckEnv;
}

export interface CheckEnvOptions {
  /** How long an idle keep-alive connection is kept; a bit more than the usual 20–60 s interval. */
  idleSocketMs?: number;
  /** Replaces the system lookup (tests point it at their own DNS server). */
  lookup?: LookupFunction;
  /** Successful lookups are reused this long (getaddrinfo has no TTLs to honour). */
  lookupTtlMs?: number;
  /** Concurrent getaddrinfo calls; the rest queue (libuv has 4 threads, shared with fs). */
  maxConcurrentLookups?: number;
}

export function createCheckEnv(opts: CheckEnvOptions = {}): CheckEnv {
  const agentOpts = {
    keepAlive: true,
    // Free sockets idle longer than this are closed (the agent destroys timed-out free sockets only).
    timeout: opts.idleSocketMs ?? 65_000,
    maxFreeSockets: 4,
    scheduling: 'lifo' as const,
  };
  const httpAgent = new http.Agent(agentOpts);
  const httpsAgent = new https.Agent({ ...agentOpts, maxCachedSessions: 1000 });
  const lookup = opts.lookup ?? cachingLookup(opts.lookupTtlMs ?? 30_000, opts.maxConcurrentLookups ?? 2);
  const resolvers = new Map<string, dns.promises.Resolver>();
  let regex: RegexSandbox | null = null;
  return {
    httpAgent,
    httpsAgent,
    lookup,
    get regex() {
      return (regex ??= new RegexSandbox());
    },
    resolver(servers, timeoutMs) {
      const key = `${servers ?? ''}|${timeoutMs}`;
      let r = resolvers.get(key);
      if (!r) {
        if (resolvers.size >= 256) resolvers.clear();
        // Two tries (one lost UDP packet is not an outage). c-ares 1.34 takes about 4 × `timeout`
        // for two tries (measured), so this gives up at ~2/3 of the check's deadline and a silent
        // server is reported as such ("did not answer") rather than as a bare timeout.
        r = new dns.promises.Resolver({ timeout: Math.max(100, Math.floor(timeoutMs / 6)), tries: 2 });
        if (servers) r.setServers([servers]);
        resolvers.set(key, r);
      }
      return r;
    },
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
      regex?.close();
      regex = null;
      resolvers.clear();
    },
  };
}

let defaultEnv: CheckEnv | null = null;

/** The process-wide environment used when a caller passes none. */
export function defaultCheckEnv(): CheckEnv {
  return (defaultEnv ??= createCheckEnv());
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * dns.lookup (getaddrinfo, so /etc/hosts and mDNS work as in every other program) with a short
 * cache, coalescing of concurrent lookups of one name, and a cap on how many run at once: a DNS
 * server that hangs would otherwise fill libuv's four threads and stall every other check.
 */
export function cachingLookup(ttlMs: number, maxConcurrent: number): LookupFunction {
  const cache = new Map<string, { at: number; addrs: LookupAddress[] }>();
  const inflight = new Map<string, Array<(err: NodeJS.ErrnoException | null, addrs: LookupAddress[]) => void>>();
  const queue: string[] = [];
  let running = 0;

  const start = (host: string) => {
    running++;
    dns.lookup(host, { all: true }, (err, addrs) => {
      running--;
      if (!err) {
        if (cache.size >= 4096) cache.clear();
        cache.set(host, { at: Date.now(), addrs });
      }
      const waiters = inflight.get(host) ?? [];
      inflight.delete(host);
      for (const w of waiters) w(err, addrs);
      const next = queue.shift();
      if (next !== undefined) start(next);
    });
  };

  const resolve = (host: string, done: (err: NodeJS.ErrnoException | null, addrs: LookupAddress[]) => void) => {
    const hit = cache.get(host);
    if (hit && Date.now() - hit.at < ttlMs) return queueMicrotask(() => done(null, hit.addrs));
    const waiters = inflight.get(host);
    if (waiters) return void waiters.push(done);
    inflight.set(host, [done]);
    if (running < maxConcurrent) start(host);
    else queue.push(host);
  };

  const lookup = (hostname: string, options: dns.LookupOptions, callback: LookupCallback) => {
    resolve(hostname, (err, addrs) => {
      if (err) return callback(err, options.all ? [] : '', undefined);
      const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
      const fit = family === 4 || family === 6 ? addrs.filter((a) => a.family === family) : addrs;
      if (fit.length === 0) {
        const e: NodeJS.ErrnoException = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname });
        return callback(e, options.all ? [] : '', undefined);
      }
      if (options.all) callback(null, fit);
      else callback(null, fit[0]!.address, fit[0]!.family);
    });
  };
  return lookup as unknown as LookupFunction;
}
