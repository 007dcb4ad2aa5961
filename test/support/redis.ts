import { randomUUID } from 'node:crypto';

export const REDIS_URL = process.env.REDIS_URL || undefined;
if (!REDIS_URL) {
  console.warn('Redis pub/sub tests are SKIPPED: REDIS_URL is not set (CI sets it; locally e.g. REDIS_URL=redis://127.0.0.1:6379).');
}

/** A topic prefix of its own per test run, so that runs sharing one Redis never hear each other. */
export const testPrefix = () => `test-${randomUUID().slice(0, 8)}:`;
