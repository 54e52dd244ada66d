import type { z } from 'zod';
import type { MethodSpec, ApiOf } from './define';
import { FEATURES } from './features';
import { streams } from './streams';

/** Every service the UI can call, by name: each feature's record plus the generic stream calls. */
const SERVICES = { ...FEATURES, streams };
type Services = typeof SERVICES;

/**
 * The contract: every call the UI can make. Each method takes at most one argument (a plain
 * object) and returns a Promise of plain data. Main implements these interfaces; the preload
 * bridge, the WebSocket transport and the renderer client are derived. A feature's `*Api` is what
 * it offers the window; the object in the services that answers it is that feature's `*Service`
 * (`HostsService implements HostsApi`).
 */
export type Contract = { [S in keyof Services]: ApiOf<Services[S]> };
export type ServiceName = keyof Contract;
export type MethodName = {
  [S in ServiceName]: `${S}.${Extract<keyof Contract[S], string>}`;
}[ServiceName];

type Split<M extends MethodName> = M extends `${infer S extends ServiceName}.${infer F}` ? [S, F] : never;
type Fn<M extends MethodName> = Split<M> extends [infer S extends ServiceName, infer F]
  ? F extends keyof Contract[S]
    ? Contract[S][F]
    : never
  : never;

/** The argument a method takes (undefined for none). */
export type InputOf<M extends MethodName> = Fn<M> extends (...args: infer A) => unknown
  ? A extends [] ? undefined : A[0]
  : never;
/** What a method resolves to. */
export type OutputOf<M extends MethodName> = Fn<M> extends (...args: never[]) => Promise<infer R> ? R : never;

const specs = new Map<MethodName, MethodSpec<unknown>>();
for (const [service, record] of Object.entries(SERVICES)) {
  for (const [fn, spec] of Object.entries(record.methods as Record<string, MethodSpec<unknown>>)) specs.set(`${service}.${fn}` as MethodName, spec);
}

/**
 * The runtime allowlist: exactly the methods the features declare, as plain strings, checked by
 * the preload and the dispatcher before anything else.
 */
export const METHOD_NAMES: readonly MethodName[] = [...specs.keys()];

const names: ReadonlySet<string> = new Set(METHOD_NAMES);
export function isMethodName(m: unknown): m is MethodName {
  return typeof m === 'string' && names.has(m);
}

/** Input validation for every method, run in main before a service sees the input. */
export const inputSchemas = Object.fromEntries([...specs].map(([method, spec]) => [method, spec.input])) as {
  [M in MethodName]: z.ZodType<InputOf<M>, unknown>;
};

/** What each call does, as a phrase that follows "Could not …". */
export const METHOD_ACTIONS = Object.fromEntries([...specs].map(([method, spec]) => [method, spec.action])) as { [M in MethodName]: string };

/** Labels of fields whose meaning depends on the call (a path is a key file, a folder or a compose file). */
export const METHOD_FIELD_LABELS: Partial<Record<MethodName, Readonly<Record<string, string>>>> = Object.fromEntries(
  [...specs].flatMap(([method, spec]) => (spec.fields ? [[method, spec.fields]] : [])),
);
