import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';
import { WAIT } from './test/support/waiting.js';

const require = createRequire(import.meta.url);

export default defineConfig({
  // Node loads graphql's CommonJS build for Pothos and yoga; tests must share that one copy, not the .mjs.
  resolve: { alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }] },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    expect: { poll: WAIT },
    pool: 'forks',
    // Two files at once use both cores of the CI machine (the default leaves one to vitest itself).
    maxWorkers: 2,
    // Each worker loads the square SDK (~4,000 modules), the schema and the emulator once for all the files it
    // runs, instead of once a file: that load was two thirds of the suite's time. Files stay independent as
    // they start their own emulators and use fresh sellers; what one process shares (the emulator's clock)
    // the tests that move it reset, and spies are restored after each file.
    isolate: false,
  },
});
