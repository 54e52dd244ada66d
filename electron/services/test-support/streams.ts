import type { ErrorInfo, MethodName } from '../../../shared/contract';
import { until } from './wait';

/** `ok` from `contractCalls`. */
type Ok = <T>(method: MethodName, input?: unknown, clientId?: string) => Promise<T>;

/** What a test records of the services' pushes to UI clients (`services.events.subscribe`). */
export type PushedEvent = { event: string; payload: unknown };

/**
 * Opens a stream through the contract (`input` as `streams.open` takes it) and waits until it ends
 * by itself: the data it sent, in order, and the error it ended with (null for a clean end).
 * `events` is the test's record of pushes; only those after the call are read.
 */
export async function runStream<T>(ok: Ok, events: readonly PushedEvent[], input: Record<string, unknown>, what: string, timeout = 120_000): Promise<{ data: T[]; error: ErrorInfo | null }> {
  const from = events.length;
  const { streamId } = await ok<{ streamId: string }>('streams.open', input);
  const mine = (e: PushedEvent) => (e.payload as { streamId?: string }).streamId === streamId;
  const end = await until(what, async () => events.slice(from).find((e) => e.event === 'stream.end' && mine(e)), timeout);
  const data = events
    .slice(from)
    .filter((e) => e.event === 'stream.data' && mine(e))
    .map((e) => (e.payload as { data: T }).data);
  return { data, error: (end.payload as { error: ErrorInfo | null }).error };
}
