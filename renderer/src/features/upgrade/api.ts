import type { ContainerRef } from '../../../../shared/contract';
import { client } from '../../api/client';

/* An upgrade's follow-ups (the upgrade itself is a stream; its options are the store's). */

/** Back to the kept container: it takes the upgraded one's place and starts. */
export const rollBack = (ref: ContainerRef) => client().containers.rollback(ref);
/** Keep the upgraded container: the kept one is removed. */
export const discardPrevious = (ref: ContainerRef) => client().containers.discardPrevious(ref);
