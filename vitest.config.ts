import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  // Node loads graphql's CommonJS build for Pothos and yoga; tests must share that one copy, not the .mjs.
  resolve: { alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }] },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Loading each test file's modules is most of the suite's time and CPU-bound: two files at once use both
    // cores of the CI machine (the default leaves one to vitest itself), the suite a third faster.
    maxWorkers: 2,
  },
});
