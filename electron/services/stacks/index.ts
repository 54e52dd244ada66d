/** The compose stacks of every host: their files (checked, versioned once) and compose actions (a stream). */
export { StacksService, stackStreams } from './stacks-service';
