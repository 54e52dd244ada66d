/**
 * The bounds of a monitor's settings, in one place: the monitor form checks them as the person
 * types, the contract caps what may cross, and the monitors service's validation enforces them
 * (its messages name the field and the fix). Change a bound here and all three follow.
 */
export const MONITOR_LIMITS = {
  /** Checks every 20 s at most (more often loads the checked service for nothing), at least once a day. */
  intervalSec: { min: 20, max: 86_400 },
  /** A check's timeout: also at most the interval. */
  timeoutSec: { min: 1, max: 120 },
  retries: { min: 0, max: 20 },
  nameLength: 200,
  idLength: 128,
  hostIdLength: 200,
  /** A host name as DNS allows it. */
  hostLength: 253,
  port: { min: 1, max: 65_535 },
  maxRedirects: { min: 0, max: 20 },
  certExpiryWarnDays: { min: 1, max: 365 },
  pingCount: { min: 1, max: 10 },
  /** A push monitor's grace period after its interval. */
  graceSec: { min: 0, max: 86_400 },
  exitStatus: { min: 0, max: 255 },
  urlLength: 2048,
  /** Keyword and regex sources are capped so that a pasted document cannot become a pattern. */
  keywordLength: 1000,
  regexLength: 500,
  jsonEqualsLength: 1000,
  dnsExpectedLength: 1000,
  acceptedStatusEntries: 20,
  headerCount: 50,
  headerValueLength: 8192,
  bearerTokenLength: 8192,
  bodyBytes: 64 * 1024,
  commandLength: 4096,
  /** A push token: long enough not to be guessed, short enough for a URL. */
  pushTokenLength: { min: 16, max: 128 },
} as const;

/**
 * What the contract lets through before the monitors' own validation looks: a cap on the size of
 * what crosses, looser than the rules above on purpose, so that the rule's own message (which
 * names the field and the fix) is the one a person reads.
 */
export const MONITOR_INPUT_CAPS = {
  name: MONITOR_LIMITS.nameLength,
  hostId: MONITOR_LIMITS.hostIdLength,
  url: 4096,
  host: 300,
  container: 300,
  command: 8192,
  token: 200,
} as const;

/** Alert settings: maintenance windows per monitor (or for all), channels per route, alerts kept. */
export const ALERT_LIMITS = {
  maintenanceWindows: 50,
  routeChannels: 50,
  recentAlerts: 50,
} as const;

/** A YAML import: the file's size and its number of monitors. */
export const MONITOR_IMPORT_LIMITS = {
  bytes: 1024 * 1024,
  entries: 2000,
} as const;
