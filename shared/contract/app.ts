import { z } from 'zod';
import type { AppInfo, SettingsAction, SettingsProblemInfo } from '../model/app';
import type { MonitorId } from '../model/ids';
import { event, feature, none } from './define';
import { noControl } from './fields';

export interface AppApi {
  info(): Promise<AppInfo>;
  /** Saved settings that cannot be read (kept as they were); live updates: `app.problems`. */
  problems(): Promise<SettingsProblemInfo[]>;
  /** The user's decision about one of them (see SettingsAction). */
  resolveProblem(input: { id: string; action: SettingsAction }): Promise<void>;
}

export const app = feature<AppApi>()({
  methods: {
    info: { input: none, action: 'read Homeport’s settings' },
    problems: { input: none, action: 'list the settings that cannot be read' },
    resolveProblem: {
      input: z.object({
        id: z.string().min(1).max(300).refine(noControl, 'no control characters'),
        action: z.enum(['discard', 'check-again', 'new-secret-key']),
      }),
      action: 'act on the setting that cannot be read',
    },
  },
  events: {
    /** Main asks the UI to show something (a tray item or a notification was clicked). */
    'app.navigate': event<{ view: 'monitors'; monitorId: MonitorId | null }>(),
    /** Saved settings that cannot be read changed (the whole list). */
    'app.problems': event<SettingsProblemInfo[]>(),
  },
});
