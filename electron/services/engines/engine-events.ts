import type Dockerode from 'dockerode';
import type { EngineEventInfo, HostId } from '../../../shared/contract';

/** One JSON line of the engine's `GET /events` stream, as far as Homeport reads it. */
export interface RawEngineEvent {
  Type?: string;
  Action?: string;
  status?: string;
  id?: string;
  time?: number;
  timeNano?: number;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
}

export function toEngineEvent(hostId: HostId, e: RawEngineEvent): EngineEventInfo {
  return {
    hostId,
    time: e.timeNano ? Math.floor(e.timeNano / 1e6) : (e.time ?? 0) * 1000,
    type: e.Type ?? 'unknown',
    action: e.Action ?? e.status ?? '',
    actorId: e.Actor?.ID ?? e.id ?? '',
    name: e.Actor?.Attributes?.name ?? null,
  };
}

/**
 * Follows the engine's event stream (`GET /events`) over the host's connection: the container
 * list is refreshed when the engine says something changed — never by polling.
 */
export class EngineEventStream {
  private stream: NodeJS.ReadableStream | null = null;
  private closed = false;

  constructor(
    private readonly docker: Dockerode,
    private readonly onEvent: (e: RawEngineEvent) => void,
    private readonly onEnd: (error: Error | null) => void,
  ) {}

  async open(): Promise<void> {
    const stream = (await this.docker.getEvents({})) as NodeJS.ReadableStream;
    if (this.closed) {
      (stream as unknown as { destroy(): void }).destroy();
      return;
    }
    this.stream = stream;
    let buf = '';
    stream.on('data', (chunk: Buffer) => {
      buf += chunk.toString('utf8');
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (!line) continue;
        try {
          this.onEvent(JSON.parse(line) as RawEngineEvent);
        } catch {
          // a malformed line from the engine is skipped; the next event refreshes anyway
        }
      }
    });
    stream.on('error', (e: Error) => this.finish(e));
    stream.on('end', () => this.finish(null));
    stream.on('close', () => this.finish(null));
  }

  close(): void {
    this.closed = true;
    const s = this.stream as unknown as { destroy?: () => void } | null;
    this.stream = null;
    s?.destroy?.();
  }

  private finish(error: Error | null): void {
    if (this.closed) return;
    this.closed = true;
    this.onEnd(error);
  }
}
