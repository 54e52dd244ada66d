import type { HostId } from './ids';

/** An environment variable; a secret-looking one arrives without its value (`containers.revealEnv` gives it). */
export interface EnvVarInfo {
  name: string;
  /** Null when masked (the services did not send it). */
  value: string | null;
  masked: boolean;
}

export interface MountInfo {
  type: string;
  /** Volume name, for volumes. */
  name: string | null;
  source: string;
  destination: string;
  readOnly: boolean;
  mode: string;
}

export interface InspectPortInfo {
  privatePort: number;
  protocol: 'tcp' | 'udp' | 'sctp';
  /** Host address it is published on; null when only exposed. */
  hostIp: string | null;
  hostPort: number | null;
  /** A link that opens the service, when it is published on an address the user can reach. */
  url: string | null;
  /** Why there is no link (loopback only, UDP, not published). */
  note: string | null;
}

export interface NetworkAttachmentInfo {
  name: string;
  ipAddress: string;
  ipv6Address: string;
  gateway: string;
  macAddress: string;
  aliases: string[];
}

export interface HealthCheckInfo {
  start: number;
  end: number;
  exitCode: number;
  output: string;
}

export interface HealthInfo {
  status: 'starting' | 'healthy' | 'unhealthy' | 'none';
  failingStreak: number;
  /** The engine keeps the last few checks; newest last. */
  log: HealthCheckInfo[];
  /** The healthcheck's test, e.g. `CMD-SHELL wget -qO- localhost`. */
  test: string[];
}

export interface ContainerInspectInfo {
  hostId: HostId;
  id: string;
  name: string;
  image: string;
  imageId: string;
  created: number;
  /** Null while it never ran. */
  startedAt: number | null;
  finishedAt: number | null;
  state: string;
  exitCode: number | null;
  restartCount: number;
  entrypoint: string[];
  command: string[];
  workingDir: string;
  user: string;
  hostname: string;
  restartPolicy: { name: string; maximumRetryCount: number };
  env: EnvVarInfo[];
  mounts: MountInfo[];
  ports: InspectPortInfo[];
  labels: Array<{ key: string; value: string }>;
  networkMode: string;
  networks: NetworkAttachmentInfo[];
  /** Null when the image defines no healthcheck. */
  health: HealthInfo | null;
  /** The engine's whole answer, pretty-printed, with the masked env values replaced. */
  rawJson: string;
}

export interface RevealEnvInput {
  hostId: HostId;
  containerId: string;
  name: string;
}
