import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Envelope } from '../model/errors';
import type { Bridge } from './bridge';
import { createClient, type Client } from './client';
import { METHOD_NAMES, type Contract } from './methods';

// The renderer's client is derived from the feature records: every declared method is on it and
// reaches the bridge under its own name.

describe('the client', () => {
  it('exposes every declared method, typed as its feature declares it', async () => {
    expectTypeOf<Omit<Client, 'on'>>().toEqualTypeOf<Contract>();
    const calls: Array<[string, unknown]> = [];
    const bridge: Bridge = {
      invoke: async (method, input): Promise<Envelope<unknown>> => {
        calls.push([method, input]);
        return { ok: true, value: method };
      },
      subscribe: () => () => {},
    };
    const client = createClient(bridge) as unknown as Record<string, Record<string, (input?: unknown) => Promise<unknown>>>;
    for (const method of METHOD_NAMES) {
      const [service, fn] = method.split('.') as [string, string];
      await expect(client[service]![fn]!({ n: 1 })).resolves.toBe(method);
    }
    expect(calls.map(([m]) => m)).toEqual([...METHOD_NAMES]);
  });
});
