import { z } from 'zod';
import type { ErrorInfo } from '../model/errors';
import type { StreamId } from '../model/ids';
import { event, feature, type AnyStreamSpec, type ShapeOf } from './define';
import { FEATURES, type FeatureName, type Features } from './features';

// The one stream mechanism: every feature declares the stream kinds it owns in its record; the
// union of them all, and the generic calls that open, feed and close any kind, are built here.

type KindsOf<F extends FeatureName> = Features[F]['streams'];
type SpecOf<K> = { [F in FeatureName]: K extends keyof KindsOf<F> ? KindsOf<F>[K] : never }[FeatureName];

/** The stream kinds one feature declares (`StreamKindOf<'images'>` is `'image.pull'`). */
export type StreamKindOf<F extends FeatureName> = Extract<keyof KindsOf<F>, string>;
/** Every kind of stream, from the features that own them. */
export type StreamKind = { [F in FeatureName]: StreamKindOf<F> }[FeatureName];
/**
 * Every kind of stream: its open parameters, the data each `stream.data` event carries, and —
 * for kinds that take any — the input `streams.send` accepts (validated by STREAM_INPUT_SCHEMAS).
 */
export type StreamMap = { [K in StreamKind]: ShapeOf<SpecOf<K>> };
export type StreamOpenInput = { [K in StreamKind]: { kind: K } & StreamMap[K]['params'] }[StreamKind];
/** The input a kind accepts (never for kinds that take none). */
export type StreamInputOf<K extends StreamKind> = StreamMap[K] extends { input: infer I } ? I : never;
/** Kinds that accept input through `streams.send`. */
export type InputStreamKind = { [K in StreamKind]: StreamMap[K] extends { input: unknown } ? K : never }[StreamKind];

const specs = new Map<StreamKind, AnyStreamSpec>();
for (const [name, record] of Object.entries(FEATURES)) {
  for (const [kind, spec] of Object.entries(record.streams as Record<string, AnyStreamSpec>)) {
    // Streams are routed by kind alone: a kind two features declare would start the wrong one.
    if (specs.has(kind as StreamKind)) throw new Error(`stream kind ${kind} is declared twice (again by ${name})`);
    specs.set(kind as StreamKind, spec);
  }
}

export const STREAM_KINDS: readonly StreamKind[] = [...specs.keys()];

/** What opening each kind of stream does, as a phrase that follows "Could not …". */
export const STREAM_ACTIONS = Object.fromEntries([...specs].map(([kind, spec]) => [kind, spec.action])) as { [K in StreamKind]: string };

/** Per kind, the schema of its `streams.send` input; a kind missing here accepts no input. */
export const STREAM_INPUT_SCHEMAS = Object.fromEntries(
  [...specs].flatMap(([kind, spec]) => (spec.input ? [[kind, spec.input]] : [])),
) as { [K in InputStreamKind]: z.ZodType<StreamInputOf<K>, unknown> };

/** `streams.open`'s input: one object per kind, told apart by `kind`, with that kind's parameters. */
const openOptions = [...specs].map(([kind, spec]) => spec.params.extend({ kind: z.literal(kind) }));
const streamOpenInput = z.discriminatedUnion('kind', openOptions as unknown as [z.ZodObject, ...z.ZodObject[]]) as unknown as z.ZodType<StreamOpenInput, unknown>;
const streamId = z.string().regex(/^s_[A-Za-z0-9_-]{4,40}$/, 'is not a stream id').transform((s) => s as StreamId);

/** The one stream mechanism: open → `stream.data` / `stream.end` events keyed by id → close. */
export interface StreamsApi {
  open(input: StreamOpenInput): Promise<{ streamId: StreamId }>;
  close(input: { streamId: StreamId }): Promise<void>;
  /** Input for a stream that takes it (a terminal's keystrokes and size); only its opener may send. */
  send(input: { streamId: StreamId; data: unknown }): Promise<void>;
}

export const streams = feature<StreamsApi>()({
  methods: {
    open: { input: streamOpenInput, action: 'start it' },
    close: { input: z.object({ streamId }), action: 'stop it' },
    // The data's shape depends on the stream's kind: the streams manager validates it against STREAM_INPUT_SCHEMAS.
    send: { input: z.object({ streamId, data: z.unknown() }), action: 'send the input' },
  },
  // Sent only to the client that opened the stream.
  events: {
    'stream.data': event<{ streamId: StreamId; data: unknown }>(),
    'stream.end': event<{ streamId: StreamId; error: ErrorInfo | null }>(),
  },
});
