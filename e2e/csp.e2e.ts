import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { WebSocketServer } from 'ws';
import { expect as pwExpect } from './expect';
import { closeInBrowser, openInBrowser, type Headless } from './harness';

// The page's Content-Security-Policy lets it open a WebSocket to its own origin (the headless
// transport) and nowhere else: a script that got into the page cannot send what it reads to a
// server of its choosing. Checked in Chromium, which enforces the policy, against a real
// WebSocket server on another port of this machine.

let server: Headless;
let browser: Browser;
let page: Page;
let elsewhere: WebSocketServer;
let elsewhereConnections = 0;

beforeAll(async () => {
  elsewhere = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  elsewhere.on('connection', (socket) => {
    elsewhereConnections++;
    socket.send('hello from elsewhere');
  });
  await new Promise((done) => elsewhere.once('listening', done));
  ({ server, browser, page } = await openInBrowser());
  await page.goto(server.loginUrl);
  await pwExpect(page.getByRole('button', { name: 'Hosts', exact: true })).toBeVisible({ timeout: 20_000 });
});

afterAll(async () => {
  await closeInBrowser({ browser, server });
  await new Promise((done) => (elsewhere ? elsewhere.close(done) : done(null)));
});

interface Attempt {
  opened: boolean;
  violations: Array<{ blockedURI: string; directive: string }>;
}

/** Opens a WebSocket from inside the page; settles on open, or on error plus the CSP report. */
function tryWebSocket(p: Page, url: string): Promise<Attempt> {
  return p.evaluate(
    (target) =>
      new Promise<Attempt>((resolve) => {
        const violations: Attempt['violations'] = [];
        document.addEventListener('securitypolicyviolation', (e) => violations.push({ blockedURI: e.blockedURI, directive: e.effectiveDirective }));
        let ws: WebSocket;
        try {
          ws = new WebSocket(target);
        } catch {
          resolve({ opened: false, violations });
          return;
        }
        ws.onopen = () => {
          ws.close();
          resolve({ opened: true, violations });
        };
        // The violation event is queued as a task of its own; give it time to arrive.
        ws.onerror = () => setTimeout(() => resolve({ opened: false, violations }), 500);
      }),
    url,
  );
}

describe('the headless page’s Content-Security-Policy', () => {
  it('lets the page open a WebSocket to its own origin only', async () => {
    const own = `${server.origin.replace(/^http/, 'ws')}/ws`;
    const mine = await tryWebSocket(page, own);
    expect(mine).toEqual({ opened: true, violations: [] });

    const port = (elsewhere.address() as AddressInfo).port;
    for (const url of [`ws://127.0.0.1:${port}/`, `ws://localhost:${port}/steal`]) {
      const attempt = await tryWebSocket(page, url);
      expect(attempt.opened, url).toBe(false);
      expect(attempt.violations.map((v) => v.directive)).toContain('connect-src');
    }
    expect(elsewhereConnections).toBe(0);
  });
});
