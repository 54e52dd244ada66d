/**
 * The contract between the window and the services, one file per feature.
 *
 * Each feature file (`hosts.ts`, `containers.ts`, …) declares what the feature offers the window,
 * its `*Api` interface (answered in the services by that feature's `*Service`), and one record,
 * `feature<HostsApi>()({ methods, streams, events })`, checked against it:
 *
 * - To add a method: declare it in the feature's interface and give it an entry in the record's
 *   `methods` — its input schema (what main accepts; what it yields is what the service gets) and
 *   its action phrase ("add the host", read after "Could not …"). Then implement it in the
 *   feature's service. Nothing else lists it: the allowlist (`METHOD_NAMES`), the dispatcher's
 *   schema table (`inputSchemas`), the client and the phrases are derived, and a method missing
 *   from the interface, the record or the implementation fails to compile.
 * - To add a stream kind: an entry in the record's `streams`, `'thing.watch': stream<{ params;
 *   data; input? }>({ params, input?, action })` — the kind's shape as a type, its open parameters'
 *   schema (an object, without `kind`), the schema of what `streams.send` may carry (only for kinds
 *   that take input) and its phrase. `StreamMap`, `STREAM_KINDS`, `StreamOpenInput` and the
 *   `streams.open` schema follow; the feature's table of stream starters in the services
 *   (`StartersOf<'images'>`) then asks for its starter.
 * - To add an event the services push to the window: an entry in the record's `events`,
 *   `'thing.changed': event<ThingInfo[]>()`, named in full. `EventMap` and `EVENT_NAMES` follow.
 * - A new feature is a new file plus its line in `features.ts`.
 *
 * Names (names.test.ts holds them): data the services send is an `*Info`, and nothing else is;
 * what the window sends is an `*Input`, a `*Ref` or a stream's `*Params`; ids are branded
 * (`HostId`, `MonitorId`, `KumaInstanceId`…, in model/ids.ts).
 *
 * The transports' frames are in `bridge.ts`; the typed client over any of them in `client.ts`.
 */
export * from './bridge';
export * from './client';
export * from './events';
export type { FeatureName } from './features';
export * from './methods';
export * from './streams';
export * from './terminal';
export * from './app';
export * from './hosts';
export * from './keys';
export * from './containers';
export * from './images';
export * from './volumes';
export * from './networks';
export * from './engines';
export * from './monitors';
export * from './kuma';
export * from './stacks';
export * from '../model/app';
export * from '../model/container';
export * from '../model/container-inspect';
export * from '../model/container-stats';
export * from '../model/errors';
export * from '../model/host';
export * from '../model/ids';
export * from '../model/resources';
export * from '../model/monitors';
export * from '../model/monitor-status';
export * from '../model/monitor-limits';
export * from '../model/kuma';
export * from '../model/stacks';
export * from '../model/upgrade';
export * from '../model/overview';
export * from '../model/logs';
export * from './validation';
