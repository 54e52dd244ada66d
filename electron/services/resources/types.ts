/** The resource DTOs live in shared/model/resources.ts (the contract carries them); re-exported here. */
export type * from '../../../shared/model/resources';
