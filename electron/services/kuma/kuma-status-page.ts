/**
 * Read-only mode 2: a published status page, no credentials (UK:server/routers/status-page-router.js).
 * `GET /api/status-page/:slug` gives the groups and monitors (cached 5 min by Kuma),
 * `GET /api/status-page/heartbeat/:slug` the recent beats and 24 h uptime (cached 1 min, cleared on
 * every status change). `uptimeList` is keyed `"<id>_24"`, or by the bare id in newer copies: both are read.
 */
import { z } from 'zod';
import { HomeportError } from '../../../shared/contract';
import { notKumaError, protocolError, REMOTE_ERROR } from './kuma-errors';
import { httpGet, type FetchLike } from './kuma-http';
import { defaultInstanceName, normaliseId, parseKumaUrl, safeDisplayUrl, toNumber, type KumaBeat, type KumaIncident, type KumaMonitorFact } from './kuma-model';
import { readBeatList } from './kuma-schemas';

const idLike = z.union([z.number(), z.string()]);

const incidentSchema = z.object({ title: z.string().nullish(), content: z.string().nullish(), style: z.string().nullish() });

const pageSchema = z.object({
  config: z.object({ title: z.string().nullish() }).nullish(),
  /** 1.23 and early 2.0: the one pinned incident. */
  incident: incidentSchema.nullish(),
  /** Later 2.x: every pinned incident, newest first. */
  incidents: z.array(z.unknown()).nullish(),
  publicGroupList: z.array(
    z.object({
      name: z.string().nullish(),
      monitorList: z
        .array(
          z.object({
            id: idLike,
            name: z.string().nullish(),
            type: z.string().nullish(),
            url: z.string().nullish(),
            certExpiryDaysRemaining: z.union([z.number(), z.string()]).nullish(),
            validCert: z.boolean().nullish(),
          }),
        )
        .nullish(),
    }),
  ),
});

const heartbeatsSchema = z.object({
  heartbeatList: z.record(z.string(), z.unknown()),
  uptimeList: z.record(z.string(), z.unknown()).nullish(),
});

export interface KumaStatusPageSnapshot {
  at: number;
  title: string | null;
  /** The pinned incidents, newest first (1.23 pins at most one). */
  incidents: KumaIncident[];
  monitors: KumaMonitorFact[];
  /** The newest beat on the page (Kuma's clock); null when the page shows none. */
  newestBeatAt: number | null;
  /** Beats that could not be read (they were skipped). */
  problems: string[];
  /** More monitors than Homeport keeps: a sentence for the user. */
  limit: string | null;
}

const MAX_PAGE_MONITORS = 5000;
/** Beats read per monitor (Kuma sends up to 100). */
const PAGE_BEATS = 100;

export interface KumaStatusPageOptions {
  url: string;
  slug: string;
  instance?: string;
  fetch?: FetchLike;
  timeoutMs?: number;
  now?: () => number;
}

const SLUG = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;

export async function fetchKumaStatusPage(opts: KumaStatusPageOptions): Promise<KumaStatusPageSnapshot> {
  const base = parseKumaUrl(opts.url);
  const instance = opts.instance ?? defaultInstanceName(base);
  const slug = opts.slug.trim();
  if (!SLUG.test(slug)) {
    throw new HomeportError({ code: 'VALIDATION', message: `"${slug.slice(0, 40)}" is not a status page slug.`, fix: 'Use the last part of the page address, e.g. "home" for /status/home.' });
  }
  const fetchImpl = opts.fetch ?? fetch;
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const label = `${instance} (status page "${slug}")`;
  const get = async (path: string) => {
    const res = await httpGet(fetchImpl, new URL(path, base.origin).toString(), label, timeoutMs, { accept: 'application/json' });
    let json: unknown;
    let isJson = true;
    try {
      json = JSON.parse(res.body) as unknown;
    } catch {
      isJson = false;
    }
    // Kuma answers its status-page API in JSON, errors included; a web page or a bare 404 here
    // is another web server (or a proxy that does not lead to Kuma).
    if (!isJson && res.status !== 502 && res.status !== 503 && res.status !== 504) {
      throw notKumaError(base.origin, `answers web requests, but not Uptime Kuma’s status page API (${res.status === 200 ? 'it answered with a web page' : `it answered HTTP ${res.status}`})`);
    }
    if (res.status === 404) {
      throw new HomeportError({ code: 'NOT_FOUND', message: `${instance} has no published status page "${slug}".`, fix: 'Check the slug, and that the page is published in Uptime Kuma.' });
    }
    if (res.status < 200 || res.status >= 300) {
      throw new HomeportError({ code: REMOTE_ERROR, message: `${label} answered with HTTP ${res.status}.`, fix: 'Check Uptime Kuma’s own log.', details: { status: res.status } });
    }
    return json;
  };
  const [pageRaw, beatsRaw] = await Promise.all([
    get(`/api/status-page/${encodeURIComponent(slug)}`),
    get(`/api/status-page/heartbeat/${encodeURIComponent(slug)}`),
  ]);
  return statusPageToMonitors(pageRaw, beatsRaw, (opts.now ?? Date.now)());
}

const MAX_INCIDENTS = 20;

/** Both shapes, the list first; unreadable entries are skipped and counted. */
function readIncidents(single: z.infer<typeof incidentSchema> | null | undefined, list: unknown[] | null | undefined, problems: string[]): KumaIncident[] {
  const raw: unknown[] = list ?? (single ? [single] : []);
  const out: KumaIncident[] = [];
  raw.slice(0, MAX_INCIDENTS).forEach((entry, i) => {
    const r = incidentSchema.safeParse(entry);
    if (!r.success) return void problems.push(`incidents[${i}]: ${r.error.issues[0]?.code ?? 'invalid'}`);
    const title = (r.data.title ?? '').trim().slice(0, 200);
    const content = (r.data.content ?? '').trim().slice(0, 2000);
    if (title || content) out.push({ title, content, style: (r.data.style ?? 'info').slice(0, 20) });
  });
  return out;
}

/** The two JSON documents → the model. Exported for tests of odd shapes. */
export function statusPageToMonitors(pageRaw: unknown, beatsRaw: unknown, at: number): KumaStatusPageSnapshot {
  const page = pageSchema.safeParse(pageRaw);
  if (!page.success) throw protocolError('a status page', page.error.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.code}`));
  const beats = heartbeatsSchema.safeParse(beatsRaw);
  if (!beats.success) throw protocolError('status page heartbeats', beats.error.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.code}`));

  const problems: string[] = [];
  const uptime = beats.data.uptimeList ?? {};
  const monitors: KumaMonitorFact[] = [];
  const seen = new Set<string>();
  let newest: number | null = null;

  let overflow = false;
  for (const group of page.data.publicGroupList) {
    for (const m of group.monitorList ?? []) {
      const id = normaliseId(m.id);
      if (id === null || seen.has(id)) continue;
      if (seen.size >= MAX_PAGE_MONITORS) {
        overflow = true;
        break;
      }
      seen.add(id);
      let list: KumaBeat[] = [];
      const rawList = beats.data.heartbeatList[id];
      if (rawList !== undefined) {
        const r = readBeatList(rawList, id, PAGE_BEATS);
        const more = r.ok ? r.value.problems.map((p) => `${id}${p}`) : r.problems.map((p) => `${id}: ${p}`);
        if (r.ok) list = r.value.beats;
        for (const p of more) if (problems.length < 20) problems.push(p);
      }
      let last: KumaBeat | null = null;
      for (const b of list) if (!last || (b.time ?? 0) >= (last.time ?? 0)) last = b;
      if (last?.time != null && (newest === null || last.time > newest)) newest = last.time;
      const ratio = toNumber(uptime[`${id}_24`] ?? uptime[id]);
      const cert = toNumber(m.certExpiryDaysRemaining);
      monitors.push({
        id,
        name: m.name?.trim().slice(0, 200) || `Monitor ${id}`,
        type: m.type?.trim().slice(0, 40) || 'unknown',
        url: safeDisplayUrl(m.url)?.slice(0, 500) ?? null,
        hostname: null,
        active: true,
        status: last ? last.status : 'unknown',
        lastBeatAt: last?.time ?? null,
        latencyMs: last?.pingMs ?? null,
        avgLatencyMs: null,
        uptime24h: ratio !== null && ratio >= 0 && ratio <= 1 ? ratio : null,
        uptime30d: null,
        uptime1y: null,
        certDaysLeft: cert,
        certValid: m.validCert ?? null,
        message: last?.message ?? '',
        intervalSec: null,
      });
    }
  }
  return {
    at,
    title: page.data.config?.title?.slice(0, 200) ?? null,
    incidents: readIncidents(page.data.incident, page.data.incidents, problems),
    monitors,
    newestBeatAt: newest,
    problems,
    limit: overflow ? `The status page lists more than ${MAX_PAGE_MONITORS.toLocaleString('en-US')} monitors; Homeport mirrors the first ${MAX_PAGE_MONITORS.toLocaleString('en-US')}.` : null,
  };
}
