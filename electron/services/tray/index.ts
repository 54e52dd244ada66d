/**
 * The desktop tray and its notifications: what they show (tray.ts, pure) and the feed that keeps
 * it current from the monitors' and Uptime Kuma's events (tray-feed.ts). It sits above both, so
 * neither imports it; the Electron shell draws what it decides.
 */
export { TrayFeed, type TrayFeedDeps, type TrayFeedEvents, type TraySink } from './tray-feed';
export { notificationFor, trayView, TRAY_DOWN_SHOWN, type DesktopNotification, type TrayAction, type TrayMenuItem, type TrayView } from './tray';
