import type { CheckResult } from './types';

/**
 * A push (heartbeat) monitor is up while its service keeps calling the push URL: down once no push
 * arrived for `intervalSec + graceSec`. The owner records push times and calls this on its own
 * schedule; `details.dueAt` (epoch ms) says when the current push window closes, so the owner can
 * schedule the next evaluation exactly instead of polling.
 *
 * `lastPushAt` null means "never pushed": down with details.neverPushed, which the owner should
 * show as pending. To give a new (or resumed) monitor its first window, pass the time it was
 * created or resumed instead of null.
 */
export function evaluatePush(lastPushAt: number | null, graceSec: number, intervalSec: number, now: number): CheckResult {
  if (lastPushAt === null) return { status: 'down', latencyMs: null, message: 'No push received yet', details: { neverPushed: true } };
  const windowMs = (intervalSec + graceSec) * 1000;
  const dueAt = lastPushAt + windowMs;
  const age = now - lastPushAt;
  if (age <= windowMs) {
    // A push "in the future" (the clock was set back) counts as fresh.
    return { status: 'up', latencyMs: null, message: age < 1000 ? 'Push received just now' : `Last push ${formatDuration(age)} ago`, details: { dueAt, lastPushAgoSec: Math.max(0, Math.round(age / 1000)) } };
  }
  return {
    status: 'down',
    latencyMs: null,
    message: `No push for ${formatDuration(age)} (expected every ${formatDuration(intervalSec * 1000)}${graceSec ? `, ${formatDuration(graceSec * 1000)} grace` : ''})`,
    details: { dueAt, lastPushAgoSec: Math.round(age / 1000) },
  };
}

export function formatDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}
