import { type Contract, type Envelope, type ErrorInfo } from '../../../shared/contract';
import type { Logger } from '../platform/platform';
import type { ClientId } from './event-bus';
/** Per-call facts from the transport: which UI client made the call (for stream routing). */
export interface CallContext {
    clientId: ClientId;
}
/**
 * Services whose methods may also read the call context (streams are owned by the client that
 * opened them). A `Contract` implementation that ignores the context fits too.
 */
export type ContractImpl = {
    [S in keyof Contract]: {
        [F in keyof Contract[S]]: Contract[S][F] extends (...a: infer A) => infer R ? (input: A extends [] ? undefined : A[0], ctx: CallContext) => R : never;
    };
};
export type Dispatch = (method: unknown, input: unknown, ctx: CallContext) => Promise<Envelope<unknown>>;
/**
 * The one handler table, shared by Electron IPC and the headless WebSocket: it checks the method
 * against the allowlist, validates the input with the contract's schema, calls the service and
 * wraps the outcome in the envelope. Errors that are not HomeportErrors become INTERNAL, and their
 * text is logged, not sent (it may carry paths or library internals).
 */
export declare function createDispatcher(impl: ContractImpl, logger: Logger): Dispatch;
export declare function toErrorInfo(e: unknown, method: string, logger: Logger): ErrorInfo;
