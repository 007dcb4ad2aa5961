import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/** The gateway's side of `src`; the emulator (`src/emulator`) is the other, and neither imports the other. */
const GATEWAY = ['./src/gateway', './src/context', './src/apis', './src/schema', './src/square', './src/store', './src/webhooks', './src/bulk', './src/changes'];

/** What the gateway's HTTP server (`src/gateway`) stands on: the schema (and its APIs), the request context, Square, the stores. */
const BELOW_SERVER = ['./src/context', './src/apis', './src/schema', './src/square', './src/store', './src/webhooks', './src/redis', './src/bulk', './src/changes'];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', 'test/gql/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // Each Square API merges its loaders and scopes into one interface by declaration (src/apis/api.ts).
      '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'with-single-extends' }],
      'no-console': 'off',
    },
  },
  {
    // Module boundaries. Tests, bench and scripts drive both sides, and so do `src/main.ts` and
    // `src/startup.ts`, which start both: the zones below cover neither.
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createTypeScriptImportResolver()],
    },
    // Import cycles, type imports included, are `npm run lint`'s dependency-cruiser step (.dependency-cruiser.mjs):
    // import-x/no-cycle skips type imports.
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            { target: GATEWAY, from: './src/emulator', message: 'The gateway talks to Square (or the emulator) over HTTP only.' },
            { target: './src/emulator', from: GATEWAY, message: 'The emulator stands alone: it shares no code with the gateway.' },
            {
              target: BELOW_SERVER,
              from: './src/gateway',
              message: 'Nothing the HTTP server stands on imports it: what a request carries is in src/context.',
            },
            { target: './src/context', from: './src/schema', message: 'The request context is below the schema: the schema imports it.' },
          ],
        },
      ],
    },
  },
  {
    // Every Square read goes through a loader (each API's loaders.ts), so that the cache, the request's cost and
    // the seller's budget apply to it; resolvers and mutations call the SDK only to write.
    files: ['src/apis/**/*.ts'],
    ignores: ['src/apis/**/loaders.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "CallExpression[callee.property.name=/^(get|list|search\\w*|batchGet\\w*|getFromGan|bulkRetrieve\\w*|retrieve\\w*)$/]:has(MemberExpression[property.name='square'])",
          message: 'Read Square through a loader (this API’s loaders.ts), not the SDK.',
        },
      ],
    },
  },
  {
    // Tests read raw JSON answers whose shape is what they assert.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
