import { expect } from 'vitest';
import { HomeportError } from '../../../shared/contract';

/** The HomeportError `f` throws; the test fails when `f` throws anything else, or nothing. */
export function thrownError(f: () => unknown): HomeportError {
  let err: unknown = null;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(HomeportError);
  return err as HomeportError;
}

/** The HomeportError `p` rejects with; the test fails when it rejects with anything else, or resolves. */
export async function rejectionOf(p: Promise<unknown>): Promise<HomeportError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(HomeportError);
  return err as HomeportError;
}
