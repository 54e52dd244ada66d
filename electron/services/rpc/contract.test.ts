import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  EVENT_NAMES,
  inputSchemas,
  METHOD_NAMES,
  STREAM_ACTIONS,
  STREAM_INPUT_SCHEMAS,
  STREAM_KINDS,
  streams,
  type Contract,
  type EventMap,
  type EventName,
  type InputOf,
  type InputStreamKind,
  type MethodName,
  type OutputOf,
  type StreamKind,
  type StreamMap,
  type StreamOpenInput,
} from '../../../shared/contract';
import type { ErrorInfo, HostId, HostInfo, PullProgressInfo, StreamId, TerminalInput } from '../../../shared/contract';
import { FEATURES } from '../../../shared/contract/features';
import type { StreamStarters } from '../streams/streams-service';
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
    expectTypeOf<Check<'engines'> & Check<'kuma'> & Check<'stacks'>>().toEqualTypeOf<true>();
    expectTypeOf<keyof ContractImpl>().toEqualTypeOf<keyof Contract>();
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

  it('declares each method once, in its feature record: the allowlist is exactly the union of the records', () => {
    const declared = Object.entries({ ...FEATURES, streams }).flatMap(([service, record]) => Object.keys(record.methods).map((fn) => `${service}.${fn}`));
    expect(new Set(declared).size).toBe(declared.length);
    expect([...METHOD_NAMES].sort()).toEqual(declared.sort());
    // Type level: the method names are the records' keys, service by service.
    type Records = typeof FEATURES & { streams: typeof streams };
    type Declared = { [S in keyof Records]: `${S & string}.${Extract<keyof Records[S]['methods'], string>}` }[keyof Records];
    expectTypeOf<Declared>().toEqualTypeOf<MethodName>();
  });

  it('lists no method by name anywhere else in the contract', () => {
    // A hand-kept list (of names, schemas or phrases) beside the records would drift from them.
    const dir = join(import.meta.dirname, '../../../shared/contract');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      // Code only: a comment may name a method as an example.
      const text = readFileSync(join(dir, file), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      // `actionOf` asks which stream `streams.open` was for: the one method named in code.
      // An event may share a method's name (`app.problems`): events are declared apart.
      const named = METHOD_NAMES.filter((m) => text.includes(`'${m}'`) && !(EVENT_NAMES as readonly string[]).includes(m) && !(file === 'validation.ts' && m === 'streams.open'));
      expect(named, file).toEqual([]);
    }
  });

  it('builds the events from the features that announce them', () => {
    const declared = Object.values({ ...FEATURES, streams }).flatMap((record) => Object.keys(record.events));
    expect(new Set(declared).size).toBe(declared.length);
    expect([...EVENT_NAMES].sort()).toEqual(declared.sort());
    expectTypeOf<EventMap['hosts.changed']>().toEqualTypeOf<HostInfo[]>();
    expectTypeOf<EventMap['stream.end']>().toEqualTypeOf<{ streamId: StreamId; error: ErrorInfo | null }>();
  });

  it('builds the stream kinds from the features that own them', () => {
    const declared = Object.values(FEATURES).flatMap((record) => Object.keys(record.streams));
    expect(new Set(declared).size).toBe(declared.length);
    expect([...STREAM_KINDS].sort()).toEqual(declared.sort());
    expect(Object.keys(STREAM_ACTIONS).sort()).toEqual(declared.sort());
    expect(STREAM_ACTIONS['image.pull']).toBe('pull the image');
    // Only the kinds that take input have an input schema.
    expect(Object.keys(STREAM_INPUT_SCHEMAS).sort()).toEqual(['container.exec', 'host.shell']);
    expectTypeOf<keyof typeof STREAM_INPUT_SCHEMAS>().toEqualTypeOf<InputStreamKind>();
    expectTypeOf<InputStreamKind>().toEqualTypeOf<'container.exec' | 'host.shell'>();
    // The kind's shape written in its record is the StreamMap entry; the services' starters follow it.
    expectTypeOf<StreamMap['image.pull']>().toEqualTypeOf<{ params: { hostId: HostId; ref: string }; data: PullProgressInfo }>();
    expectTypeOf<StreamMap['host.shell']['input']>().toEqualTypeOf<TerminalInput>();
    expectTypeOf<keyof StreamStarters>().toEqualTypeOf<StreamKind>();
    expectTypeOf<Extract<StreamOpenInput, { kind: 'image.pull' }>>().toEqualTypeOf<{ kind: 'image.pull' } & { hostId: HostId; ref: string }>();
  });

  it('validates streams.open by kind, with each kind\'s own parameters', () => {
    const open = inputSchemas['streams.open'];
    expect(open.safeParse({ kind: 'engine.events', hostId: 'h_abcdef' }).success).toBe(true);
    expect(open.safeParse({ kind: 'engine.events', hostId: 'h_abcdef', ref: 'nginx' }).data).toEqual({ kind: 'engine.events', hostId: 'h_abcdef' });
    // A kind's parameters are its own: a pull's are not enough for a log.
    expect(open.safeParse({ kind: 'container.logs', hostId: 'h_abcdef', ref: 'nginx' }).success).toBe(false);
    expect(open.safeParse({ kind: 'no.such', hostId: 'h_abcdef' }).success).toBe(false);
    for (const kind of STREAM_KINDS) expect(open.safeParse({ kind }).error?.issues[0]?.path, kind).not.toEqual(['kind']);
  });
});
