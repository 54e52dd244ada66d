/**
 * Child process for durability.test.ts: records and flushes beats, records a few more without
 * flushing, reports what it flushed, then kills itself with SIGKILL — no close(), no exit handlers.
 *   node --import tsx crash-child.ts <file> <beats> <t0>
 */
import { writeSync } from 'node:fs';
import { MonitorHistory } from '../monitor-history';

const [file, count, start] = process.argv.slice(2);
const n = Number(count);
const t0 = Number(start);
const quiet = { info() {}, warn() {}, error() {} };

const h = MonitorHistory.open(file!, { logger: quiet, now: () => t0 + n * 1000, batchSize: 100, flushEveryMs: 60_000 });
for (let i = 0; i < n; i++) {
  const down = i % 7 === 0;
  h.record({ monitorId: `m${i % 10}`, time: t0 + i * 1000, status: down ? 'down' : 'up', latencyMs: down ? null : i % 50, message: down ? `refused ${i}` : 'ok' });
}
h.flush();
h.openIncident('m3', t0 + 5000, 'confirmed: m3 down');
// Buffered only (fewer than batchSize, and the timer is a minute away): lost in the crash.
for (let i = n; i < n + 50; i++) h.record({ monitorId: `m${i % 10}`, time: t0 + i * 1000, status: 'up', latencyMs: 1, message: null });
writeSync(1, `${JSON.stringify({ flushed: n, buffered: 50 })}\n`);
process.kill(process.pid, 'SIGKILL');
