import { BrowserWindow, dialog } from 'electron';
import type { FileDialogs } from '../services/platform/platform';

const ARCHIVES = [
  { name: 'Volume backups (.tar.gz, .tgz, .tar)', extensions: ['gz', 'tgz', 'tar'] },
  { name: 'All files', extensions: ['*'] },
];

/**
 * The desktop app's save / open dialogs for volume backups and restores: the services get only
 * the chosen path (FileDialogs), and read or write the file themselves.
 */
export function createFileDialogs(): FileDialogs {
  // Modal to the focused window when there is one, so it cannot be lost behind it.
  const parent = () => BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0] ?? null;
  return {
    async chooseSaveFile({ title, defaultName }) {
      const opts: Electron.SaveDialogOptions = { title, defaultPath: defaultName, filters: ARCHIVES, properties: ['createDirectory', 'showOverwriteConfirmation'] };
      const win = parent();
      const r = win ? await dialog.showSaveDialog(win, opts) : await dialog.showSaveDialog(opts);
      return r.canceled || !r.filePath ? null : r.filePath;
    },
    async chooseOpenFile({ title }) {
      const opts: Electron.OpenDialogOptions = { title, filters: ARCHIVES, properties: ['openFile'] };
      const win = parent();
      const r = win ? await dialog.showOpenDialog(win, opts) : await dialog.showOpenDialog(opts);
      return r.canceled ? null : (r.filePaths[0] ?? null);
    },
  };
}
