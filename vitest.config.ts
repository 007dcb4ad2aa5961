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
    // The square SDK is thousands of CommonJS files, which Node loads one by one for every test file (2 s each):
    // bundled once by Vite's optimizer, they load in a fraction of that.
    deps: { optimizer: { ssr: { enabled: true, include: ['square'] } } },
    server: { deps: { inline: ['square'] } },
  },
});
