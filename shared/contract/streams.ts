import { z } from 'zod';
import type { EngineEventInfo } from '../model/container';
import type { ContainerStatsParams, ContainerStatsSample } from '../model/container-stats';
import type { HostId } from '../model/ids';
import type { LogBatchInfo } from '../model/logs';
import type { PullProgressInfo, VolumeTransferEventInfo } from '../model/resources';
import type { StackAction, StackRunOutputInfo } from '../model/stacks';
import type { UpgradeProgressInfo } from '../model/upgrade';

/** What a terminal stream (`container.exec`, `host.shell`) accepts through `streams.send`. */
export type TerminalInput = { type: 'data'; data: string } | { type: 'resize'; cols: number; rows: number };
/** A terminal's size in character cells, as the open parameters and resize input carry it. */
export interface TerminalSize {
  cols: number;
  rows: number;
}

/**
 * Every kind of stream: its open parameters, the data each `stream.data` event carries, and —
 * for kinds that take any — the input `streams.send` accepts (validated by STREAM_INPUT_SCHEMAS).
 */
export interface StreamMap {
  'engine.events': { params: { hostId: HostId }; data: EngineEventInfo };
  /** Pull `ref` on the host: progress as data; `stream.end` carries the error if the pull failed; close aborts it. */
  'image.pull': { params: { hostId: HostId; ref: string }; data: PullProgressInfo };
  /**
   * Run a compose action on a stack on its host: output lines as data; `stream.end` carries
   * COMMAND_FAILED naming the exit status if it failed; close stops the command. `revertFile`
   * (with `up` only): the compose file this deploy follows a change of — if `up -d` fails, its
   * previous version is put back and redeployed by itself, and the end error says so
   * (`details.reverted`).
   */
  'stack.run': { params: { hostId: HostId; project: string; action: StackAction; revertFile?: string | undefined }; data: StackRunOutputInfo };
  /**
   * Recreate a container from another image with the same configuration, keeping the old one for a
   * rollback. `pull`: pull even when the image is on the host (else only when missing). Steps and
   * pull progress as data; `stream.end` carries the error (after the old container was put back).
   */
  'container.upgrade': { params: { hostId: HostId; containerId: string; image: string; pull: boolean }; data: UpgradeProgressInfo };
  /** An interactive shell (bash, else sh) in a running container, on a TTY: output as text; ends when the shell exits. */
  'container.exec': { params: { hostId: HostId; containerId: string } & TerminalSize; data: string; input: TerminalInput };
  /** An interactive login shell on the host itself, over the host's one SSH connection. */
  'host.shell': { params: { hostId: HostId } & TerminalSize; data: string; input: TerminalInput };
  /**
   * A prepared volume backup or restore (`volumes.prepareBackup` / `prepareRestore`): progress, then
   * a `*-done` event; `stream.end` carries the error if it failed; close cancels it.
   */
  'volume.transfer': { params: { transferId: string }; data: VolumeTransferEventInfo };
  /** One-shot samples of the running ones among `containerIds`, every `periodMs`: one array per round. */
  'container.stats': { params: ContainerStatsParams; data: ContainerStatsSample[] };
  /**
   * A container's log: the last `tail` lines (or 'all'), from `since` (unix seconds) if given, then
   * new lines while `follow`. Data: batches of lines; the stream ends by itself when the container
   * stops (follow) or the log is read (no follow); close stops the engine request.
   */
  'container.logs': {
    params: { hostId: HostId; containerId: string; tail: number | 'all'; since: number | null; timestamps: boolean; follow: boolean };
    data: LogBatchInfo;
  };
}
export type StreamKind = keyof StreamMap;
export type StreamOpenInput = { [K in StreamKind]: { kind: K } & StreamMap[K]['params'] }[StreamKind];
/** The input a kind accepts (never for kinds that take none). */
export type StreamInputOf<K extends StreamKind> = StreamMap[K] extends { input: infer I } ? I : never;
/** Kinds that accept input through `streams.send`. */
export type InputStreamKind = { [K in StreamKind]: StreamMap[K] extends { input: unknown } ? K : never }[StreamKind];
export const STREAM_KINDS = ['engine.events', 'image.pull', 'stack.run', 'container.upgrade', 'container.exec', 'host.shell', 'volume.transfer', 'container.stats', 'container.logs'] as const satisfies readonly StreamKind[];

/** Terminal sizes a real screen can have; anything else is refused. */
export const terminalCols = z.number().int().min(2).max(1000);
export const terminalRows = z.number().int().min(1).max(500);
/** One `streams.send` carries at most this many characters of typed or pasted text (the UI splits bigger pastes). */
export const MAX_TERMINAL_INPUT_CHARS = 64 * 1024;

const terminalInput = z.discriminatedUnion('type', [
  z.object({ type: z.literal('data'), data: z.string().min(1).max(MAX_TERMINAL_INPUT_CHARS) }),
  z.object({ type: z.literal('resize'), cols: terminalCols, rows: terminalRows }),
]) satisfies z.ZodType<TerminalInput, unknown>;

/** Per kind, the schema of its `streams.send` input; a kind missing here accepts no input. */
export const STREAM_INPUT_SCHEMAS: { [K in InputStreamKind]: z.ZodType<StreamInputOf<K>, unknown> } = {
  'container.exec': terminalInput,
  'host.shell': terminalInput,
};
