/**
 * Monitors declared by containers with `homeport.monitor.*` labels (the scheme is read in
 * monitors-wiring.ts; README "Monitors declared by container labels"). What a host's containers
 * declare is a suggestion until the user adds it; a monitor the user added follows its labels.
 */
import { HomeportError } from '../../../shared/model/errors';
import type { MonitorConfigInput } from '../../../shared/model/monitors';
import { validateMonitorConfig, type MonitorConfig } from './checks';
import { fillBlankSecrets, redactMonitor } from './monitor-secrets';
import type { LabelSource, MonitorStore } from './monitor-store';
import type { HostId, MonitorId } from '../../../shared/model/ids';

/** What one container's labels declare: a monitor ready to add once the user approves, or why it is refused. */
export type LabelDeclaration = { id: MonitorId; hostId: HostId; container: string } & ({ input: MonitorConfigInput } | { error: string });

export interface LabelMonitorsOptions {
  store: MonitorStore;
  /** Adds a monitor owned by these labels. */
  add: (input: unknown, label: LabelSource) => MonitorConfig;
  /** Changes a label monitor as its labels now say. */
  update: (id: MonitorId, input: unknown) => void;
  remove: (id: MonitorId) => void;
}

export class LabelMonitors {
  /** What each connected host's containers declare with labels (suggestions until added). */
  private readonly declared = new Map<HostId, LabelDeclaration[]>();

  constructor(private readonly opts: LabelMonitorsOptions) {}

  /**
   * What one host's containers declare with labels (`present`: every container on the host). A
   * declaration becomes a suggestion until the user adds it (`approve`); nothing is added here. A
   * monitor the user added follows its labels: updated when they change (a refused change leaves
   * it as it was), removed when its container is there and no longer declares it. A container
   * that is gone keeps its monitor (it reports it down).
   */
  sync(hostId: HostId, declared: LabelDeclaration[], present: readonly string[]): { updated: number; removed: number; errors: string[] } {
    const out = { updated: 0, removed: 0, errors: [] as string[] };
    this.declared.set(hostId, declared);
    const byId = new Map(declared.map((d) => [d.id, d]));
    const there = new Set(present);
    for (const [id, l] of this.opts.store.labelled()) {
      if (l.hostId !== hostId) continue;
      const d = byId.get(id);
      if (!d) {
        if (there.has(l.container)) {
          this.opts.remove(id);
          out.removed++;
        }
        continue;
      }
      if (!('input' in d)) continue;
      try {
        const prev = this.opts.store.get(id);
        if (!prev) continue;
        // Pausing is the one thing the user may change on a label monitor.
        const next = validateMonitorConfig(fillBlankSecrets({ ...d.input, id, paused: prev.paused }, prev));
        if (JSON.stringify(next) !== JSON.stringify(prev)) {
          this.opts.update(id, { ...d.input, paused: prev.paused });
          out.updated++;
        }
      } catch (e) {
        out.errors.push(`${d.container}: ${(e as Error).message}`);
      }
    }
    return out;
  }

  /** Every label declaration read from the connected hosts (added ones included). */
  declarations(): LabelDeclaration[] {
    return [...this.declared.values()].flat();
  }

  /** The user approves what a container declares with labels: the monitor is added, owned by those labels. */
  approve(hostId: HostId, container: string): MonitorConfig {
    const d = this.declared.get(hostId)?.find((x) => x.container === container);
    if (!d) {
      throw new HomeportError({ code: 'NOT_FOUND', message: `${container} no longer declares a monitor with labels.`, fix: 'Reload the suggestions.' });
    }
    if ('error' in d) {
      throw new HomeportError({ code: 'VALIDATION', message: `The monitor ${container} declares is refused: ${d.error}.`, fix: "Change the container's homeport.monitor.* labels and re-create it." });
    }
    const existing = this.opts.store.get(d.id);
    if (existing) return redactMonitor(existing);
    return this.opts.add({ ...d.input, id: d.id }, { hostId, container });
  }
}

/** A label monitor cannot be edited here: its labels say what it is. */
export function labelOwned(l: LabelSource): HomeportError {
  return new HomeportError({
    code: 'CONFLICT',
    message: `This monitor is declared by the labels of the container ${l.container}.`,
    fix: 'Change its homeport.monitor.* labels and re-create the container (here you can pause or remove it).',
  });
}
