import { join } from 'node:path';
import { Menu, nativeImage, Tray, type MenuItemConstructorOptions } from 'electron';
import type { TrayAction, TrayMenuItem, TrayView } from '../services/tray';

/** What the tray shows: all monitors up, something pending, something down, nothing known yet. */
export type TrayStatus = TrayView['status'];

let tray: Tray | null = null;
let iconDir = '';

export interface TrayOptions {
  /** Folder with tray-<status>.png (16 px) and tray-<status>@2x.png (32 px). */
  iconDir: string;
  onOpen: () => void;
  onQuit: () => void;
}

let options: TrayOptions | null = null;

// nativeImage picks the @2x file by itself on high-density screens.
const iconFor = (status: TrayStatus) => nativeImage.createFromPath(join(iconDir, `tray-${status}.png`));

export function createTray(opts: TrayOptions): Tray {
  iconDir = opts.iconDir;
  options = opts;
  const icon = iconFor('unknown');
  if (icon.isEmpty()) throw new Error(`the tray icons are missing from ${iconDir}`);
  tray?.destroy();
  tray = new Tray(icon);
  tray.setToolTip('Homeport');
  tray.setContextMenu(
    Menu.buildFromTemplate([
      { label: 'Open', click: () => opts.onOpen() },
      { type: 'separator' },
      { label: 'Quit', click: () => opts.onQuit() },
    ]),
  );
  // Windows and most Linux panels: a left click opens the window (macOS shows the menu).
  tray.on('click', () => opts.onOpen());
  return tray;
}

/** Swap the icon and the tooltip (e.g. "Homeport — 2 services down: nextcloud, immich"). */
export function setTrayStatus(status: TrayStatus, tooltip: string): void {
  if (!tray || tray.isDestroyed()) return;
  tray.setImage(iconFor(status));
  tray.setToolTip(tooltip || 'Homeport');
}

function toTemplate(items: TrayMenuItem[], onAction: (a: TrayAction) => void): MenuItemConstructorOptions[] {
  return items.map((item): MenuItemConstructorOptions => {
    if (item.separator) return { type: 'separator' };
    if (item.submenu) return { label: item.label, submenu: toTemplate(item.submenu, onAction) };
    const action = item.action;
    return action ? { label: item.label, click: () => onAction(action) } : { label: item.label, enabled: false };
  });
}

/** Draw what the services computed (TrayFeed): icon, tooltip, and the menu of what is down. */
export function drawTray(view: TrayView, onAction: (a: TrayAction) => void): void {
  if (!tray || tray.isDestroyed() || !options) return;
  const opts = options;
  setTrayStatus(view.status, view.tooltip);
  tray.setContextMenu(Menu.buildFromTemplate([...toTemplate(view.menu, onAction), { type: 'separator' }, { label: 'Quit Homeport', click: () => opts.onQuit() }]));
}

export function hasTray(): boolean {
  return tray !== null && !tray.isDestroyed();
}

export function destroyTray(): void {
  tray?.destroy();
  tray = null;
}
