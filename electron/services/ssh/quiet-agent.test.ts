import http from 'node:http';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { quietAgent } from './docker-transport';

describe('quietAgent', () => {
  it('makes the eager inspect docker-modem runs on every request cheap', () => {
    const agent = new http.Agent({ keepAlive: true });
    // Stand-in for live sockets and SSH channels hanging off the agent.
    (agent as unknown as { heavy: unknown }).heavy = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`s${i}`, { i, nested: { deep: { deeper: [i, i] } } }]));
    const before = inspect({ path: '/containers/x/stats', agent }, { showHidden: true, depth: null }).length;
    quietAgent(agent);
    const after = inspect({ path: '/containers/x/stats', agent }, { showHidden: true, depth: null });
    expect(before).toBeGreaterThan(100_000);
    expect(after).toContain('[http.Agent]');
    expect(after.length).toBeLessThan(200);
    agent.destroy();
  });
});
