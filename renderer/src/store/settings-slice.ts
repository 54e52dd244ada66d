import type { StateCreator } from 'zustand';
import type { ErrorInfo, SettingsAction, SettingsProblemInfo } from '../../../shared/contract';
import { client } from '../api/client';
import { readInto } from './read-into';
import type { AppState } from './types';

/** Saved settings Homeport cannot read (kept as they were), live. */
export interface SettingsSlice {
  settingsProblems: SettingsProblemInfo[];
  /** Why they could not be listed (then nobody can say whether there are any). */
  settingsProblemsError: ErrorInfo | null;
  /** Never throws: a failure is `settingsProblemsError`. */
  loadSettingsProblems(): Promise<void>;
  /** Runs an action the services offer for one of them; throws when it did not happen. */
  resolveSettingsProblem(id: string, action: SettingsAction): Promise<void>;
}

export const createSettingsSlice: StateCreator<AppState, [], [], SettingsSlice> = (set) => ({
  settingsProblems: [],
  settingsProblemsError: null,
  loadSettingsProblems: () => readInto(set, () => client().app.problems(), (settingsProblems) => ({ settingsProblems }), 'settingsProblemsError'),
  async resolveSettingsProblem(id, action) {
    await client().app.resolveProblem({ id, action });
    // The event brings the new list too; this answer is for the window that asked.
    set({ settingsProblems: await client().app.problems() });
  },
});
