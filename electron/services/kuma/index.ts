/** Uptime Kuma instances Homeport mirrors (and watches), and Homeport's own push heartbeat. */
export { DEFAULT_HEARTBEAT_SEC, KumaManager } from './kuma-manager';
export { KumaService } from './kuma-service';
