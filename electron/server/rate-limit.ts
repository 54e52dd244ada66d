/**
 * Failed logins (a wrong token on /login, a wrong `Authorization: Bearer`) per client address:
 * a bucket of `burst` attempts that refills one attempt every `refillMs`. While a client's bucket
 * is empty every attempt it makes is refused (429) without the token being compared, so guessing
 * runs at the refill rate at most (OWASP authentication cheat sheet: throttle per source).
 * Successful logins cost nothing. Behind a reverse proxy every client has the proxy's address
 * and shares one bucket.
 */
export interface AttemptLimitOptions {
  /** Failures allowed in a row. Default 10. */
  burst?: number;
  /** One more allowed failure after this long. Default 6 s (10 a minute). */
  refillMs?: number;
  now?: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Clients remembered at most; beyond that, full buckets are dropped (they are the default). */
const MAX_CLIENTS = 10_000;

export class AttemptLimiter {
  private readonly burst: number;
  private readonly refillMs: number;
  private readonly now: () => number;
  private readonly buckets = new Map<string, Bucket>();

  constructor(opts: AttemptLimitOptions = {}) {
    this.burst = opts.burst ?? 10;
    this.refillMs = opts.refillMs ?? 6000;
    this.now = opts.now ?? Date.now;
  }

  /** Seconds to wait before this client may try again; 0 when it may try now. */
  retryAfter(client: string): number {
    const b = this.refill(client);
    if (!b || b.tokens >= 1) return 0;
    return Math.max(1, Math.ceil((b.at + this.refillMs - this.now()) / 1000));
  }

  /** Counts a failed attempt. */
  fail(client: string): void {
    const b = this.refill(client) ?? { tokens: this.burst, at: this.now() };
    b.tokens = Math.max(0, b.tokens - 1);
    if (!this.buckets.has(client)) {
      if (this.buckets.size >= MAX_CLIENTS) this.prune();
      this.buckets.set(client, b);
    }
  }

  private refill(client: string): Bucket | undefined {
    const b = this.buckets.get(client);
    if (!b) return undefined;
    const now = this.now();
    const steps = Math.floor((now - b.at) / this.refillMs);
    if (steps > 0) {
      b.tokens = Math.min(this.burst, b.tokens + steps);
      b.at += steps * this.refillMs;
    }
    if (b.tokens >= this.burst) {
      this.buckets.delete(client);
      return undefined;
    }
    return b;
  }

  private prune(): void {
    for (const client of [...this.buckets.keys()]) this.refill(client);
    // Still full of clients that are being limited: forget the oldest half rather than grow.
    if (this.buckets.size >= MAX_CLIENTS) {
      let drop = this.buckets.size / 2;
      for (const client of this.buckets.keys()) {
        if (drop-- <= 0) break;
        this.buckets.delete(client);
      }
    }
  }
}
