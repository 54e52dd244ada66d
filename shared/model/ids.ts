/** Branded ids: a HostId cannot be passed where a KeyId is expected. */
declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

export type HostId = Brand<string, 'HostId'>;
export type KeyId = Brand<string, 'KeyId'>;
export type StreamId = Brand<string, 'StreamId'>;
export type MonitorId = Brand<string, 'MonitorId'>;
export type ChannelId = Brand<string, 'ChannelId'>;
/** One of the user's Uptime Kuma instances (`ku_…`). */
export type KumaInstanceId = Brand<string, 'KumaInstanceId'>;

export const HostId = (s: string): HostId => s as HostId;
export const KeyId = (s: string): KeyId => s as KeyId;
export const StreamId = (s: string): StreamId => s as StreamId;
export const MonitorId = (s: string): MonitorId => s as MonitorId;
export const ChannelId = (s: string): ChannelId => s as ChannelId;
export const KumaInstanceId = (s: string): KumaInstanceId => s as KumaInstanceId;
