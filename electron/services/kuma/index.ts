/** Uptime Kuma integration and Homeport's own push heartbeat (issue #4, items 7 and 8). */
export * from './kuma-model';
export { KumaClient, type KumaClientEvents, type KumaClientOptions, type KumaCredentials, type KumaHello, type KumaLoginResult, type KumaMonitorsUpdate } from './kuma-client';
export { KumaWatch, defaultKumaBackoff, type KumaWatchEvents, type KumaWatchOptions, type KumaWatchState } from './kuma-watch';
export { KumaPoller, type KumaPollerEvents, type KumaPollerOptions, type KumaReadOnlySnapshot, type KumaReadOnlySource } from './kuma-poller';
export { fetchKumaMetrics, metricsToMonitors, parsePrometheusText, type KumaMetricsOptions, type KumaMetricsSnapshot, type PromSample } from './kuma-metrics';
export { fetchKumaStatusPage, statusPageToMonitors, type KumaStatusPageOptions, type KumaStatusPageSnapshot } from './kuma-status-page';
export { startPushHeartbeat, validatePushUrl, pushTargetKind, type PushHeartbeat, type PushHeartbeatOptions, type PushHeartbeatStatus, type PushTargetKind } from './push-heartbeat';
export { REMOTE_ERROR } from './kuma-errors';
