/** The alert policy (pure, clock-driven) and the notifiers that carry its alerts to a phone. */
export { AlertPolicy, type AlertPolicyConfig, type Clock } from './policy/engine';
export { inMaintenance, maintenanceWindowProblem, muteUntil, nextMaintenanceBoundary, MUTE_TOMORROW_HOUR, type MutePreset } from './policy/maintenance';
export { formatDuration, listNames, narrowAlert } from './policy/render';
export * from './policy/types';
export * from './channels/config';
export { Dispatcher, describeTarget, DEFAULT_ATTEMPTS, DEFAULT_BACKOFF_MS, type DeliveryResult, type DispatcherOptions, type RoutingRules } from './channels/dispatcher';
export { testAlert, type Notifier, type SendOptions } from './channels/format';
export { NOTIFIERS, send } from './channels/send';
export { signBody, type WebhookPayload } from './channels/webhook';
export { readTextCapped } from './channels/http';
