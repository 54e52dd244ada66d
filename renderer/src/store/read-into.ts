import type { ErrorInfo } from '../../../shared/contract';
import { toErrorInfo } from '../lib/errors';
import type { AppState } from './types';

/** The store's fields that hold why a read failed. */
export type ReadErrorKey = { [K in keyof AppState]: AppState[K] extends ErrorInfo | null ? (null extends AppState[K] ? K : never) : never }[keyof AppState];

/**
 * One read of a slice: its answer goes into the store as `ok(answer)` and clears `error`; a
 * failure is kept in `error` (what was shown stays). Never throws: the view that shows the data
 * shows the failure.
 */
export async function readInto<T>(set: (patch: Partial<AppState>) => void, read: () => Promise<T>, ok: (answer: T) => Partial<AppState>, error: ReadErrorKey): Promise<void> {
  try {
    const answer = await read();
    set({ ...ok(answer), [error]: null });
  } catch (e) {
    set({ [error]: toErrorInfo(e) });
  }
}
