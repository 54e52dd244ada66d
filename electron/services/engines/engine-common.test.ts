import { describe, expect, it } from 'vitest';
import { engineMessage, hasLabel } from './engine-common';

describe('engine errors', () => {
  it("keeps the engine's words from a streaming endpoint", () => {
    const e = Object.assign(new Error('(HTTP code 500) server error - Get "http://x/v2/": dial tcp: connection refused '), { statusCode: 500, reason: 'server error', json: null });
    expect(engineMessage(e)).toBe('Get "http://x/v2/": dial tcp: connection refused');
    expect(engineMessage({ json: { message: 'No such volume' } })).toBe('No such volume');
  });

  it('matches labels like the engine', () => {
    expect(hasLabel({ a: '1' }, 'a')).toBe(true);
    expect(hasLabel({ a: '1' }, 'a=1')).toBe(true);
    expect(hasLabel({ a: '1' }, 'a=2')).toBe(false);
    expect(hasLabel(null, 'a')).toBe(false);
  });
});
