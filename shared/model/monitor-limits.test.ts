import { describe, expect, it } from 'vitest';
import { MONITOR_INPUT_CAPS, MONITOR_LIMITS } from './monitor-limits';

describe('monitor limits', () => {
  it('the contract never refuses what the monitors’ own rules accept, so their message (with its fix) is the one shown', () => {
    expect(MONITOR_INPUT_CAPS.name).toBeGreaterThanOrEqual(MONITOR_LIMITS.nameLength);
    expect(MONITOR_INPUT_CAPS.hostId).toBeGreaterThanOrEqual(MONITOR_LIMITS.hostIdLength);
    expect(MONITOR_INPUT_CAPS.url).toBeGreaterThanOrEqual(MONITOR_LIMITS.urlLength);
    expect(MONITOR_INPUT_CAPS.host).toBeGreaterThanOrEqual(MONITOR_LIMITS.hostLength);
    expect(MONITOR_INPUT_CAPS.command).toBeGreaterThanOrEqual(MONITOR_LIMITS.commandLength);
    expect(MONITOR_INPUT_CAPS.token).toBeGreaterThanOrEqual(MONITOR_LIMITS.pushTokenLength.max);
  });
});
