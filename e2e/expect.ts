import type { Locator } from 'playwright-core';

// Web-first assertions for playwright-core (the runner-less package): each polls the live page
// until the condition holds or the timeout passes, then fails with what it last saw.

const DEFAULT_TIMEOUT = 10_000;

async function poll<T>(read: () => Promise<T>, ok: (v: T) => boolean, describe: (v: T | undefined) => string, timeout: number): Promise<void> {
  const end = Date.now() + timeout;
  let last: T | undefined;
  for (;;) {
    try {
      last = await read();
      if (ok(last)) return;
    } catch {
      // element not there yet
    }
    if (Date.now() > end) throw new Error(describe(last));
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function expect(locator: Locator) {
  return {
    async toBeVisible(opts: { timeout?: number } = {}) {
      try {
        await locator.first().waitFor({ state: 'visible', timeout: opts.timeout ?? DEFAULT_TIMEOUT });
      } catch {
        throw new Error(`expected ${locator} to be visible`);
      }
    },
    async toBeHidden(opts: { timeout?: number } = {}) {
      await locator.first().waitFor({ state: 'hidden', timeout: opts.timeout ?? DEFAULT_TIMEOUT });
    },
    toHaveText(text: string | RegExp, opts: { timeout?: number } = {}) {
      return poll(
        () => locator.first().innerText(),
        (v) => (typeof text === 'string' ? v.trim() === text : text.test(v)),
        (v) => `expected ${locator} to have text ${String(text)}, got ${JSON.stringify(v)}`,
        opts.timeout ?? DEFAULT_TIMEOUT,
      );
    },
    toHaveAttribute(name: string, value: string, opts: { timeout?: number } = {}) {
      return poll(
        () => locator.first().getAttribute(name),
        (v) => v === value,
        (v) => `expected ${locator} to have ${name}="${value}", got ${JSON.stringify(v)}`,
        opts.timeout ?? DEFAULT_TIMEOUT,
      );
    },
    toBeChecked(opts: { timeout?: number } = {}) {
      return poll(
        () => locator.first().isChecked(),
        (v) => v,
        () => `expected ${locator} to be checked`,
        opts.timeout ?? DEFAULT_TIMEOUT,
      );
    },
  };
}
