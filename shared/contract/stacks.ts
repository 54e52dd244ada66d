import { z } from 'zod';
import type { HostId } from '../model/ids';
import { MAX_COMPOSE_FILE_BYTES, STACK_ACTIONS, type HostStacksInfo, type StackAction, type StackFileInfo, type StackRef, type StackRunOutputInfo } from '../model/stacks';
import { feature, none, stream } from './define';
import { hostId, imageRef, noControl } from './fields';

/**
 * Compose projects of every host (actions run as `stack.run` streams). Every change of a file is
 * validated with compose first (an invalid file changes nothing: VALIDATION with compose's
 * message) and keeps the file it replaced, for `rollbackFile`. None of these redeploys: the UI
 * runs `stack.run` with `up` afterwards (with `revertFile`, so a file compose accepts but cannot
 * deploy is replaced by the previous one again), so the output streams to it.
 */
export interface StacksApi {
  list(): Promise<HostStacksInfo[]>;
  /** A compose file of the stack (`path` one of its config files; default the first). */
  file(input: StackRef & { path?: string | undefined }): Promise<StackFileInfo>;
  /** Checks text with `compose config -q` without changing anything; VALIDATION with compose's message. */
  validateFile(input: StackRef & { path?: string | undefined; content: string }): Promise<void>;
  /** Validates, keeps the current file as the previous one, and atomically puts the new text in place. */
  saveFile(input: StackRef & { path?: string | undefined; content: string }): Promise<StackFileInfo>;
  /** Puts the previous file back (the current one becomes the previous). */
  rollbackFile(input: StackRef & { path?: string | undefined }): Promise<StackFileInfo>;
  /** Changes only `image:` of one service (comments and layout kept), then as saveFile. */
  setServiceImage(input: StackRef & { service: string; image: string }): Promise<StackFileInfo>;
}

/**
 * The project names a host's labels carry (looked up among them, never run as given); a path must
 * be one of the project's own config files (checked by the service); file text is data.
 */
const project = z.string().min(1, 'Give a project name.').max(255).refine(noControl, 'must not contain control characters');
const stackRef = { hostId, project };
const stackPath = z.string().min(1).max(4096).refine(noControl, 'must not contain control characters').optional();
const composeText = z.string().max(MAX_COMPOSE_FILE_BYTES, 'A compose file of more than 1 MiB is not supported.');
const composeFile = { path: 'compose file path' };

export const stacks = feature<StacksApi>()({
  methods: {
    list: { input: none, action: 'list the stacks' },
    file: { input: z.object({ ...stackRef, path: stackPath }), action: 'open the compose file', fields: composeFile },
    validateFile: { input: z.object({ ...stackRef, path: stackPath, content: composeText }), action: 'check the compose file', fields: composeFile },
    saveFile: { input: z.object({ ...stackRef, path: stackPath, content: composeText }), action: 'save the compose file', fields: composeFile },
    rollbackFile: { input: z.object({ ...stackRef, path: stackPath }), action: 'roll the compose file back', fields: composeFile },
    setServiceImage: {
      input: z.object({ ...stackRef, service: z.string().min(1).max(255).refine(noControl, 'must not contain control characters'), image: imageRef }),
      action: 'change the image',
    },
  },
  streams: {
    /**
     * Run a compose action on a stack on its host: output lines as data; `stream.end` carries
     * COMMAND_FAILED naming the exit status if it failed; close stops the command. `revertFile`
     * (with `up` only): the compose file this deploy follows a change of — if `up -d` fails, its
     * previous version is put back and redeployed by itself, and the end error says so
     * (`details.reverted`).
     */
    'stack.run': stream<{ params: { hostId: HostId; project: string; action: StackAction; revertFile?: string | undefined }; data: StackRunOutputInfo }>({
      params: z.object({ hostId, project, action: z.enum(STACK_ACTIONS), revertFile: stackPath }),
      action: 'run the compose command',
    }),
  },
});
