import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { event, feature, none, stream, type PayloadOf, type ShapeOf } from './define';

// The record of a feature is checked against its service interface: `tsc -b` fails on any gap.

interface ThingsApi {
  list(): Promise<string[]>;
  rename(input: { id: string; name: string }): Promise<void>;
}
const rename = z.object({ id: z.string(), name: z.string() });

describe('a feature record', () => {
  it('has exactly the methods of its interface, each with a schema of its argument', () => {
    const things = feature<ThingsApi>()({
      methods: { list: { input: none, action: 'list the things' }, rename: { input: rename, action: 'rename the thing' } },
    });
    expect(Object.keys(things.methods)).toEqual(['list', 'rename']);
    expect(things.streams).toEqual({});
    expect(things.events).toEqual({});

    // @ts-expect-error — `rename` is declared in the interface but missing from the record
    feature<ThingsApi>()({ methods: { list: { input: none, action: 'list the things' } } });
    feature<ThingsApi>()({
      methods: {
        list: { input: none, action: 'list the things' },
        rename: { input: rename, action: 'rename the thing' },
        // @ts-expect-error — `remove` is in the record but not in the interface
        remove: { input: none, action: 'remove the thing' },
      },
    });
    feature<ThingsApi>()({
      methods: {
        list: { input: none, action: 'list the things' },
        // @ts-expect-error — the schema yields something else than `rename` takes
        rename: { input: z.object({ id: z.number() }), action: 'rename the thing' },
      },
    });
  });

  it('gives each stream kind its shape, and takes an input schema only for kinds that take input', () => {
    const watch = stream<{ params: { id: string }; data: number }>({ params: z.object({ id: z.string() }), action: 'watch the thing' });
    expectTypeOf<ShapeOf<typeof watch>>().toEqualTypeOf<{ params: { id: string }; data: number }>();
    expect(watch.action).toBe('watch the thing');
    const type = stream<{ params: { id: string }; data: string; input: string }>({ params: z.object({ id: z.string() }), input: z.string(), action: 'type' });
    expectTypeOf<ShapeOf<typeof type>>().toEqualTypeOf<{ params: { id: string }; data: string; input: string }>();
    expect(type.input.parse('ls')).toBe('ls');

    // @ts-expect-error — a kind that takes input needs the schema of that input
    stream<{ params: { id: string }; data: string; input: string }>({ params: z.object({ id: z.string() }), action: 'type' });
    // @ts-expect-error — the parameters' schema yields something else than the kind's parameters
    stream<{ params: { id: string }; data: number }>({ params: z.object({ id: z.number() }), action: 'watch the thing' });
  });

  it('gives each event its payload type', () => {
    const changed = event<string[] | null>();
    expectTypeOf<PayloadOf<typeof changed>>().toEqualTypeOf<string[] | null>();
    expect(changed).toEqual({});
    expectTypeOf<PayloadOf<ReturnType<typeof event<undefined>>>>().toEqualTypeOf<undefined>();
  });
});
