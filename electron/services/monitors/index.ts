/**
 * Homeport's own monitors (HTTP, TCP, ping, DNS, containers, SSH commands, pushes), their alerts
 * and where the alerts go: MonitorsManager runs them, MonitorsService answers the contract, and
 * the wiring connects them to the hosts and their engines.
 */
export { MonitorsManager, type MonitorsManagerOptions } from './monitors-manager';
export { MonitorsService, toAlertInfo, toMonitorInfo } from './monitors-service';
export { engineFeedVia, hostExecVia, monitorSuggestions, referenceTargetsFromEnv, wireMonitors } from './monitors-wiring';
