import { describe, expect, it } from 'vitest';
import { BUG_FIX, errorText, HomeportError, toErrorInfo, toHomeportError } from './errors';

describe('the one error converter', () => {
  it('passes a HomeportError as it is: what a domain mapper said is what the user reads', () => {
    const known = new HomeportError({ code: 'ENGINE', message: 'Docker engine: no such container', fix: 'Refresh the list.', details: { status: 404 } });
    const logged: unknown[] = [];
    expect(toHomeportError(known, { message: 'never used', log: (e) => logged.push(e) })).toBe(known);
    expect(toErrorInfo(known, { message: 'never used' })).toEqual({ code: 'ENGINE', message: 'Docker engine: no such container', fix: 'Refresh the list.', details: { status: 404 } });
    expect(logged).toEqual([]);
  });

  it('tells anything else as the caller says — a bug by default — keeps it as the cause and logs it once', () => {
    const thrown = new TypeError('x is undefined');
    const logged: unknown[] = [];
    const e = toHomeportError(thrown, { message: 'Listing stacks failed unexpectedly.', fix: BUG_FIX, log: (x) => logged.push(x) });
    expect(e).toBeInstanceOf(HomeportError);
    expect(e.toInfo()).toEqual({ code: 'INTERNAL', message: 'Listing stacks failed unexpectedly.', fix: 'This is a bug; the log has details.' });
    expect(e.cause).toBe(thrown);
    expect(logged).toEqual([thrown]);
  });

  it("builds the message from the value when asked, and takes another code, no fix, or details", () => {
    expect(toErrorInfo(new Error('socket hang up'), { message: (x) => `Unexpected error: ${errorText(x)}` })).toEqual({ code: 'INTERNAL', message: 'Unexpected error: socket hang up' });
    expect(toErrorInfo('plain words', { code: 'UNREACHABLE', message: (x) => `Could not reach the host: ${errorText(x)}`, details: { retryable: false } })).toEqual({
      code: 'UNREACHABLE',
      message: 'Could not reach the host: plain words',
      details: { retryable: false },
    });
    expect(errorText(new Error('boom'))).toBe('boom');
    expect(errorText(42)).toBe('42');
    expect(errorText(undefined)).toBe('undefined');
  });
});
