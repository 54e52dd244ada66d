import { describe, expect, it } from 'vitest';
import { HomeportError } from '../../../shared/contract';
import { engineError, engineMessage, hasLabel, linkGone } from './engine-common';

describe('engine errors', () => {
  it("keeps the engine's words from a streaming endpoint", () => {
    const e = Object.assign(new Error('(HTTP code 500) server error - Get "http://x/v2/": dial tcp: connection refused '), { statusCode: 500, reason: 'server error', json: null });
    expect(engineMessage(e)).toBe('Get "http://x/v2/": dial tcp: connection refused');
    expect(engineMessage({ json: { message: 'No such volume' } })).toBe('No such volume');
  });

  it('tells a broken connection from an engine that refused', () => {
    // Node's error for a reply whose connection closed before it was whole (a stream cut off).
    const aborted = Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
    expect(linkGone(aborted)).toBe("the engine's reply was cut off");
    expect(engineError(aborted)).toMatchObject({ code: 'DISCONNECTED', message: "The connection to the engine broke: the engine's reply was cut off.", fix: expect.any(String) });
    expect(linkGone(new Error('socket hang up'))).toBe('socket hang up');
    expect(linkGone(new Error('(HTTP code 500) server error - Get "http://x/v2/": dial tcp: connection refused '))).toBeNull();
    expect(linkGone(Object.assign(new Error('(HTTP code 404) no such container - gone '), { statusCode: 404, code: 'ECONNRESET' }))).toBeNull();
    expect(engineError(Object.assign(new Error('x'), { statusCode: 409, json: { message: 'is paused' } }))).toMatchObject({ code: 'ENGINE', message: 'Docker engine: is paused' });
    const mine = new HomeportError({ code: 'DISCONNECTED', message: 'lost', fix: 'wait' });
    expect(engineError(mine)).toBe(mine);
  });

  it('matches labels like the engine', () => {
    expect(hasLabel({ a: '1' }, 'a')).toBe(true);
    expect(hasLabel({ a: '1' }, 'a=1')).toBe(true);
    expect(hasLabel({ a: '1' }, 'a=2')).toBe(false);
    expect(hasLabel(null, 'a')).toBe(false);
  });
});
