import type { CodegenConfig } from '@graphql-codegen/cli';
import { trustedDocumentsManifest } from './scripts/trusted-documents-manifest.js';

/** The operations a partner may be given: the trusted documents manifest holds these alone. */
const exampleOperations = 'schema/operations/*.graphql';

/**
 * Typed documents for the example operations in schema/operations, for the operations only
 * tests run (test/operations) and for the documents tests write inline with `graphql(…)`;
 * and the trusted documents manifest of the example operations only (a test's document is
 * never trusted), generated from the checked-in SDL (never from a running server, so no
 * token is ever needed here).
 */
const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  emitLegacyCommonJSImports: false,
  // Only `graphql(…)` is a typed document: a test's own `gql` helper sends raw strings.
  pluckConfig: { globalGqlIdentifierName: 'graphql' },
  generates: {
    'test/gql/': {
      documents: [exampleOperations, 'test/operations/*.graphql', 'test/**/*.ts', '!test/gql/**'],
      preset: 'client',
      config: {
        scalars: { BigInt: 'string', DateTime: 'string' },
        enumsAsTypes: true,
        useTypeImports: true,
      },
      presetConfig: { fragmentMasking: false },
    },
    'schema/persisted-operations.json': {
      documents: [exampleOperations],
      preset: {
        buildGeneratesSection: (options) => [
          {
            filename: options.baseOutputDir,
            schema: options.schema,
            documents: options.documents,
            config: {},
            plugins: [{ manifest: {} }],
            pluginMap: { manifest: { plugin: (schema, sources) => trustedDocumentsManifest(schema, sources) } },
          },
        ],
      },
    },
  },
};

export default config;
