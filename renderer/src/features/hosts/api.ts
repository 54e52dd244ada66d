import type { InputOf } from '../../../../shared/contract';
import { client } from '../../api/client';

/*
 * The calls the hosts feature makes besides the hosts list (which the store holds, with connect,
 * disconnect, add, update and remove): a connection test, trusting a host key, the SSH config
 * import, and what a host's overview page reads from its engine.
 */

export const testHost = (input: InputOf<'hosts.test'>) => client().hosts.test(input);
export const acceptHostKey = (input: InputOf<'hosts.acceptHostKey'>) => client().hosts.acceptHostKey(input);
export const scanSshConfig = () => client().hosts.scanSshConfig();
export const importSshConfig = (input: InputOf<'hosts.importSshConfig'>) => client().hosts.importSshConfig(input);

export const engineOverview = (input: InputOf<'engines.overview'>) => client().engines.overview(input);
export const engineDiskUsage = (input: InputOf<'engines.diskUsage'>) => client().engines.diskUsage(input);
