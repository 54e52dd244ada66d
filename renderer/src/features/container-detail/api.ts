import type { InputOf } from '../../../../shared/contract';
import { client } from '../../api/client';

/* What a container's page reads besides the containers list (which the store holds). */

export const inspectContainer = (input: InputOf<'containers.inspect'>) => client().containers.inspect(input);
/** One secret environment value, shown only when the user asks for it. */
export const revealEnv = (input: InputOf<'containers.revealEnv'>) => client().containers.revealEnv(input);
