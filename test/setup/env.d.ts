/**
 * Test-only bindings added by vitest.config.ts.
 * @module
 */
declare namespace Cloudflare {
  interface Env {
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
    TEST_TINY_RATE_LIMIT: RateLimit;
  }
}
