import { z } from 'zod';

/**
 * The pieces a feature's contract file is written with: one record per feature that names each of
 * its methods (input schema and what the call does, in the user's words) and each stream kind it
 * owns (open parameters, data, input). Everything listed elsewhere — the allowlist, the schema
 * table, the stream union — is derived from these records, so a feature is declared in one place.
 */

/** The input of a method that takes none. */
export const none = z.undefined();

/** The argument a service function takes (undefined for none). */
export type ArgOf<F> = F extends (...args: infer A) => unknown ? (A extends [] ? undefined : A[0]) : never;

/** One method of a feature. */
export interface MethodSpec<I> {
  /** Validates the input in main before a service sees it; what it yields is what the service gets. */
  input: z.ZodType<I, unknown>;
  /** What the call does, as a phrase that follows "Could not …" ("add the host"). */
  action: string;
  /**
   * Names the user knows for fields whose meaning depends on the call (a `path` is a key file in
   * one, a folder in another), by the last part of the field's path. Other fields are named by the
   * table in validation.ts.
   */
  fields?: Readonly<Record<string, string>>;
}

/** Every method of a feature's interface, each with the schema of exactly its argument. */
export type MethodsOf<S> = { [K in keyof S]: MethodSpec<ArgOf<S[K]>> };

/**
 * A stream kind as the rest of the code sees it: its open parameters, the data each `stream.data`
 * event carries and, for kinds that take any, the input `streams.send` accepts.
 */
export interface StreamShape {
  params: object;
  data: unknown;
  input?: unknown;
}

/** One stream kind of a feature; `T` is its shape, written out where the kind is declared. */
export type StreamSpec<T extends StreamShape> = {
  /** The open parameters (without `kind`, which the derived `streams.open` schema adds). */
  params: z.ZodObject & z.ZodType<T['params'], unknown>;
  /** What opening it does, as a phrase that follows "Could not …" ("pull the image"). */
  action: string;
  /** Type-level only: carries the shape to the derived StreamMap; never set. */
  readonly shape?: T;
} & (T extends { input: infer I } ? { input: z.ZodType<I, unknown> } : { input?: undefined });

/** Declares a stream kind of shape `T` (the data type exists only as this type argument). */
export function stream<T extends StreamShape>(spec: StreamSpec<T>): StreamSpec<T> {
  return spec;
}

// Any stream spec, whatever its shape (the shape is read back with `ShapeOf`).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyStreamSpec = StreamSpec<any>;
export type ShapeOf<Spec> = Spec extends { readonly shape?: infer T extends StreamShape } ? T : never;

/** An event the services push to the window; its payload exists only as the type argument. */
export interface EventSpec<T> {
  /** Type-level only: carries the payload type to the derived EventMap; never set. */
  readonly payload?: [T];
}

/** Declares an event whose payload is `T`. */
export function event<T>(): EventSpec<T> {
  return {};
}

export type AnyEventSpec = EventSpec<unknown>;
export type PayloadOf<Spec> = Spec extends { readonly payload?: [infer T] } ? T : never;

/** A feature's record: its interface (type-level), its methods, its stream kinds and its events. */
export interface Feature<S, Streams extends Record<string, AnyStreamSpec>, Events extends Record<string, AnyEventSpec>> {
  methods: MethodsOf<S>;
  streams: Streams;
  events: Events;
  /** Type-level only: the interface the methods were checked against; never set. */
  readonly api?: S;
}

export type ApiOf<F> = F extends { readonly api?: infer S } ? Exclude<S, undefined> : never;

/**
 * `feature<HostsApi>()({ methods: {...}, streams: {...}, events: {...} })`: the record is checked
 * against the interface, so a method missing from either side, or a schema that yields something
 * else than the method takes, fails to compile. Events are named in full (`hosts.changed`): some
 * features announce under another name (`alerts.fired`, `heartbeat.changed`).
 */
export function feature<S>() {
  return <
    const Streams extends Record<string, AnyStreamSpec> = Record<never, never>,
    const Events extends Record<string, AnyEventSpec> = Record<never, never>,
  >(spec: {
    methods: MethodsOf<S>;
    streams?: Streams;
    events?: Events;
  }): Feature<S, Streams, Events> => ({ methods: spec.methods, streams: spec.streams ?? ({} as Streams), events: spec.events ?? ({} as Events) });
}
