import { z } from 'zod';

/** What a terminal stream (`container.exec`, `host.shell`) accepts through `streams.send`. */
export type TerminalInput = { type: 'data'; data: string } | { type: 'resize'; cols: number; rows: number };
/** A terminal's size in character cells, as the open parameters and resize input carry it. */
export interface TerminalSize {
  cols: number;
  rows: number;
}

/** Terminal sizes a real screen can have; anything else is refused. */
export const terminalCols = z.number().int().min(2).max(1000);
export const terminalRows = z.number().int().min(1).max(500);
/** One `streams.send` carries at most this many characters of typed or pasted text (the UI splits bigger pastes). */
export const MAX_TERMINAL_INPUT_CHARS = 64 * 1024;

export const terminalInput = z.discriminatedUnion('type', [
  z.object({ type: z.literal('data'), data: z.string().min(1).max(MAX_TERMINAL_INPUT_CHARS) }),
  z.object({ type: z.literal('resize'), cols: terminalCols, rows: terminalRows }),
]) satisfies z.ZodType<TerminalInput, unknown>;
