import type { MethodName } from './services';

/**
 * The runtime allowlist: exactly the methods the contract declares, as plain strings (no zod), so
 * that the sandboxed preload can check names without bundling the schemas.
 */
export const METHOD_NAMES = [
  'app.info',
  'hosts.list',
  'hosts.add',
  'hosts.update',
  'hosts.remove',
  'hosts.test',
  'hosts.connect',
  'hosts.disconnect',
  'hosts.acceptHostKey',
  'hosts.scanSshConfig',
  'hosts.importSshConfig',
  'keys.list',
  'keys.import',
  'keys.generate',
  'keys.remove',
  'containers.list',
  'containers.start',
  'containers.stop',
  'containers.restart',
  'containers.remove',
  'containers.upgradeOptions',
  'containers.rollback',
  'containers.discardPrevious',
  'images.list',
  'images.remove',
  'images.prune',
  'volumes.list',
  'volumes.remove',
  'volumes.browse',
  'volumes.prune',
  'volumes.prepareBackup',
  'volumes.prepareRestore',
  'networks.list',
  'networks.removeUnused',
  'networks.inspect',
  'engines.overview',
  'engines.diskUsage',
  'monitors.list',
  'monitors.add',
  'monitors.update',
  'monitors.remove',
  'monitors.pause',
  'monitors.resume',
  'monitors.history',
  'monitors.suggestions',
  'monitors.pushUrl',
  'monitors.listChannels',
  'monitors.addChannel',
  'monitors.removeChannel',
  'monitors.testChannel',
  'kuma.list',
  'kuma.add',
  'kuma.remove',
  'kuma.pauseMonitor',
  'kuma.resumeMonitor',
  'kuma.heartbeat',
  'kuma.setHeartbeat',
  'kuma.sendHeartbeat',
  'stacks.list',
  'stacks.file',
  'stacks.validateFile',
  'stacks.saveFile',
  'stacks.rollbackFile',
  'stacks.setServiceImage',
  'streams.open',
  'streams.close',
  'streams.send',
] as const satisfies readonly MethodName[];

// A declared method missing from the list fails to compile here.
type Missing = Exclude<MethodName, (typeof METHOD_NAMES)[number]>;
export const allMethodsListed: [Missing] extends [never] ? true : Missing = true;

const names: ReadonlySet<string> = new Set(METHOD_NAMES);
export function isMethodName(m: unknown): m is MethodName {
  return typeof m === 'string' && names.has(m);
}
