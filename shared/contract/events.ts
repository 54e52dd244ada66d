import type { AnyEventSpec, PayloadOf } from './define';
import { FEATURES } from './features';
import { streams } from './streams';

// Events main pushes to the UI, from the features that announce them. Stream events go only to
// the client that opened the stream.

const SOURCES = { ...FEATURES, streams };
type Sources = typeof SOURCES;
type EventsOf<F extends keyof Sources> = Sources[F]['events'];
type SpecOf<E> = { [F in keyof Sources]: E extends keyof EventsOf<F> ? EventsOf<F>[E] : never }[keyof Sources];

export type EventName = { [F in keyof Sources]: Extract<keyof EventsOf<F>, string> }[keyof Sources];
export type EventMap = { [E in EventName]: PayloadOf<SpecOf<E>> };

const names: string[] = [];
for (const record of Object.values(SOURCES)) names.push(...Object.keys(record.events as Record<string, AnyEventSpec>));
// Listeners are found by name alone: an event two features declared would mix their payloads.
const twice = names.find((n, i) => names.indexOf(n) !== i);
if (twice) throw new Error(`event ${twice} is declared twice`);

export const EVENT_NAMES: readonly EventName[] = names as EventName[];
