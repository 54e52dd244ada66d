import { client } from './client';

/** Which shell the window runs in and how it moves files (the desktop app's dialogs, or the browser's). */
export const appInfo = () => client().app.info();
