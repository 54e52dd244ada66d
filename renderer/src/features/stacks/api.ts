import type { InputOf } from '../../../../shared/contract';
import { client } from '../../api/client';

/*
 * The calls the Stacks view makes besides its list and its compose runs (which the store holds):
 * reading a compose file and checking an edit.
 */

export const readComposeFile = (input: InputOf<'stacks.file'>) => client().stacks.file(input);
export const validateComposeFile = (input: InputOf<'stacks.validateFile'>) => client().stacks.validateFile(input);
