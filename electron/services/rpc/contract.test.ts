import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  type EVENT_NAMES,
  inputSchemas,
  METHOD_NAMES,
  type Contract,
  type EventName,
  type InputOf,
  type MethodName,
  type OutputOf,
} from '../../../shared/contract';
import type { HostInfo } from '../../../shared/contract';
import type { Services } from '../app';
import type { ContractImpl } from './dispatcher';

// Type-level proof that the contract is whole: every declared method has a schema (so it is on
// the runtime allowlist the preload and the WebSocket check), and the services' handler table
// implements every method with the declared input and output. `tsc -b` fails on any gap.

describe('the contract', () => {
  it('has a schema, hence an allowlist entry, for exactly the declared methods', () => {
    expectTypeOf<keyof typeof inputSchemas>().toEqualTypeOf<MethodName>();
    expectTypeOf<(typeof EVENT_NAMES)[number]>().toEqualTypeOf<EventName>();
    expect(new Set(METHOD_NAMES).size).toBe(METHOD_NAMES.length);
    // The preload's zod-free allowlist and the schemas name the same methods.
    expect(Object.keys(inputSchemas).sort()).toEqual([...METHOD_NAMES].sort());
  });

  it('is implemented in full by the services', () => {
    expectTypeOf<Services['impl']>().toEqualTypeOf<ContractImpl>();
    type Check<S extends keyof Contract> = keyof ContractImpl[S] extends keyof Contract[S]
      ? keyof Contract[S] extends keyof ContractImpl[S]
        ? true
        : false
      : false;
    expectTypeOf<Check<'hosts'> & Check<'keys'> & Check<'containers'> & Check<'images'> & Check<'volumes'> & Check<'networks'> & Check<'monitors'> & Check<'streams'> & Check<'app'>>().toEqualTypeOf<true>();
    expectTypeOf<InputOf<'hosts.list'>>().toEqualTypeOf<undefined>();
    expectTypeOf<OutputOf<'hosts.list'>>().toEqualTypeOf<HostInfo[]>();
  });

  it('does not compile when a method is missing', () => {
    const partial = { list: async () => [] as HostInfo[] };
    // @ts-expect-error — a hosts service without add/update/remove… is not a ContractImpl['hosts']
    const hosts: ContractImpl['hosts'] = partial;
    expect(hosts).toBe(partial);
  });

  it('lists each method as service.method, and no others', () => {
    for (const m of METHOD_NAMES) expect(m).toMatch(/^(app|hosts|keys|containers|images|volumes|networks|engines|monitors|kuma|stacks|streams)\.[a-zA-Z]+$/);
    expect(METHOD_NAMES).toContain('containers.remove');
    expect(METHOD_NAMES).toContain('monitors.history');
  });
});
