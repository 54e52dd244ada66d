import { checkDns } from './dns';
import type { CheckContext } from './env';
import { checkHttp } from './http';
import { checkPing, type PingContext } from './ping';
import { checkSshCommand } from './ssh-command';
import { checkTcp } from './tcp';
import type { CheckResult, PolledMonitorConfig, SshExec } from './types';

export * from './types';
export { validateMonitorConfig, monitorConfigShapeSchema, hostProblem, parseResolver, LIMITS, PUSH_TOKEN } from './validate';
export { parseJsonPath, evaluateJsonPath, jsonValueAsText, JsonPathError, type JsonPathSegment } from './json-path';
export { createCheckEnv, defaultCheckEnv, type CheckContext, type CheckEnv, type CheckEnvOptions } from './env';
export { checkHttp, HTTP_BODY_CAP } from './http';
export { checkTcp } from './tcp';
export { checkPing, type PingContext } from './ping';
export { checkDns } from './dns';
export { checkSshCommand, type SshCommandContext } from './ssh-command';
export { ContainerWatch, CONTAINER_EVENTS, type DockerLike, type DockerEventLike, type ContainerInspectLike } from './container-watch';
export { evaluatePush } from './push';
export { RegexSandbox } from './regex-sandbox';

export interface RunCheckContext extends CheckContext, Pick<PingContext, 'pingCommand'> {
  /** Needed by ssh-command monitors: runs a command over the host's SSH connection. */
  exec?: SshExec;
}

/**
 * One check of a polled monitor (the scheduler's `run`). Never throws for a target failure: a
 * failure is a 'down' result whose message names the cause. upsideDown and retries are the
 * caller's. Container monitors use ContainerWatch; push monitors use evaluatePush.
 */
export function runCheck(cfg: PolledMonitorConfig, ctx: RunCheckContext): Promise<CheckResult> {
  switch (cfg.type) {
    case 'http':
      return checkHttp(cfg, ctx);
    case 'tcp':
      return checkTcp(cfg, ctx);
    case 'ping':
      return checkPing(cfg, ctx);
    case 'dns':
      return checkDns(cfg, ctx);
    case 'ssh-command':
      if (!ctx.exec) return Promise.resolve({ status: 'down', latencyMs: null, message: 'The host is not connected, so the command cannot run' });
      return checkSshCommand(cfg, { ...ctx, exec: ctx.exec });
  }
}
