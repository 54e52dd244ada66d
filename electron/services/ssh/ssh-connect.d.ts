import type { Client } from 'ssh2';
import { type HostKeyVerdict } from './known-hosts';
/** Everything needed to log in to one SSH server. Secrets stay in this process. */
export interface SshTarget {
    hostname: string;
    port: number;
    user: string;
    /** ssh-agent socket to try first (SSH_AUTH_SOCK), or null. */
    agentSocket: string | null;
    /** Private keys to try in order; `label` names the key in messages (never its content). */
    keys: Array<{
        label: string;
        privateKey: Buffer;
        passphrase: string | null;
    }>;
    password: string | null;
}
export interface ConnectSshOptions {
    /** MUST answer synchronously: ssh2 treats a returned Promise as "accept" (toolchain.md §2). */
    verifyHostKey: (keyBlob: Buffer) => HostKeyVerdict;
    /** Whole handshake + login budget. Default 10 s. */
    readyTimeoutMs?: number;
    /** SSH keepalive period. Default 5 s; with 3 unanswered probes the link is declared dead. */
    keepaliveIntervalMs?: number;
    keepaliveCountMax?: number;
}
export declare const DEFAULT_READY_TIMEOUT_MS = 10000;
export declare const DEFAULT_KEEPALIVE_INTERVAL_MS = 5000;
export declare const DEFAULT_KEEPALIVE_COUNT_MAX = 3;
/** `host:port`, with IPv6 literals bracketed, for messages. */
export declare function hostPort(hostname: string, port: number): string;
/**
 * Open one authenticated, host-key-checked SSH connection. Auth is tried like OpenSSH does, all on
 * this one connection: ssh-agent, then each key, then the password. Every failure a user can
 * cause comes back as a HomeportError naming the cause and the fix; no secret is ever in it.
 *
 * The returned client keeps an 'error' listener (so a late error cannot crash the process); the
 * caller should watch 'close' to learn that the link dropped.
 */
export declare function connectSsh(target: SshTarget, opts: ConnectSshOptions): Promise<Client>;
