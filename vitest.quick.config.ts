import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * `npm run test:quick`: the unit-level tests, files that start no emulator, gateway, server or child
 * process and need no PostgreSQL or Redis, in under a minute. A new such file belongs in this list.
 */
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: [
      'test/schema/{connections,query-cost,readme-tour,schema,sdl}.test.ts',
      'test/install/engines.test.ts',
      'test/square/endpoint.test.ts',
      'test/apis/events.test.ts',
      'test/docs/**/*.test.ts',
      'test/startup/configuration.test.ts',
      'test/bulk/secrets.test.ts',
      'test/vault/cipher.test.ts',
    ],
  },
});
