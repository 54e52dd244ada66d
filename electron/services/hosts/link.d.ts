import type Dockerode from 'dockerode';
import type http from 'node:http';
import type { Client } from 'ssh2';
import type { Transport } from '../../../shared/contract';
import type { Link } from './host-connection';
/**
 * Wraps a Docker client and what carries it (an ssh2 Client, or nothing for a local socket) as a
 * Link whose end is reported exactly once, whatever ended it.
 */
export declare function createLink(opts: {
    docker: Dockerode;
    transport: Transport;
    agent: http.Agent | null;
    ssh: Client | null;
}): Link;
