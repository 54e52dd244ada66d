import type { PullLayerInfo, PullProgressInfo } from '../../../shared/contract';

/** One line of the engine's pull stream (`POST /images/create`). */
export interface PullEvent {
  status?: string;
  id?: string;
  progress?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { message?: string; code?: number };
}

const LAYER_ID = /^[0-9a-f]{12,64}$/;
/** Phases after which a layer's download is complete (its bytes count in full). */
const DOWNLOADED = /^(Verifying Checksum|Download complete|Extracting|Pull complete|Already exists)/i;

interface LayerState extends PullLayerInfo {
  dlCurrent: number;
  dlTotal: number;
}

/**
 * Folds the pull stream into per-layer progress and one overall figure. The engine's lines are
 * per layer ("a1b2c3…: Downloading 1.2MB/3.4MB") plus layer-less status lines ("Pulling from…",
 * "Digest:", "Status:"); the tag line "Pulling from lab/busybox" carries the tag as its id and is
 * not a layer.
 */
export class PullProgressTracker {
  private readonly layers = new Map<string, LayerState>();
  private message = '';
  digest: string | null = null;
  upToDate = false;

  /** Returns true when the event changed what the user sees. */
  apply(ev: PullEvent): boolean {
    const status = ev.status ?? '';
    if (ev.id && LAYER_ID.test(ev.id) && !/^Pulling from/i.test(status)) {
      let l = this.layers.get(ev.id);
      if (!l) {
        l = { id: ev.id, status: '', current: 0, total: 0, dlCurrent: 0, dlTotal: 0 };
        this.layers.set(ev.id, l);
      }
      l.status = status;
      const cur = ev.progressDetail?.current;
      const tot = ev.progressDetail?.total;
      if (typeof cur === 'number' && typeof tot === 'number' && tot > 0) {
        l.current = cur;
        l.total = tot;
        if (/^Downloading/i.test(status)) {
          l.dlCurrent = cur;
          l.dlTotal = tot;
        }
      } else if (/complete|exists/i.test(status)) {
        l.current = l.total; // a finished phase: the bar stays full
      } else {
        l.current = 0;
        l.total = 0;
      }
      if (DOWNLOADED.test(status)) l.dlCurrent = l.dlTotal;
      return true;
    }
    if (status) {
      const d = /^Digest:\s*(\S+)/i.exec(status);
      if (d) this.digest = d[1]!;
      if (/up to date/i.test(status)) this.upToDate = true;
      this.message = ev.id && !/^Pulling from/i.test(status) ? `${ev.id}: ${status}` : status;
      return true;
    }
    return false;
  }

  snapshot(): PullProgressInfo {
    const layers: PullLayerInfo[] = [];
    let current = 0;
    let total = 0;
    for (const l of this.layers.values()) {
      layers.push({ id: l.id, status: l.status, current: l.current, total: l.total });
      current += l.dlCurrent;
      total += l.dlTotal;
    }
    return { layers, overall: { current, total }, message: this.message };
  }
}

/**
 * Splits a byte stream of newline-delimited JSON into objects; a malformed line is skipped
 * (the engine's next line carries the state anyway).
 */
export function ndjson(onObject: (o: PullEvent) => void): { push(chunk: Buffer | string): void; end(): void } {
  let buf = '';
  const line = (text: string) => {
    const t = text.trim();
    if (!t) return;
    try {
      onObject(JSON.parse(t) as PullEvent);
    } catch {
      // skip
    }
  };
  return {
    push(chunk) {
      buf += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        line(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
      }
    },
    end() {
      line(buf);
      buf = '';
    },
  };
}
