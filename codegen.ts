import type { CodegenConfig } from '@graphql-codegen/cli';
import { trustedDocumentsManifest } from './scripts/trusted-documents-manifest.js';

const documents = ['schema/operations/*.graphql'];

/**
 * Typed documents for the example operations in schema/operations, and the trusted
 * documents manifest of the same operations, generated from the checked-in SDL (never
 * from a running server, so no token is ever needed here).
 */
const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  documents,
  emitLegacyCommonJSImports: false,
  generates: {
    'test/gql/': {
      preset: 'client',
      config: {
        scalars: { BigInt: 'string', DateTime: 'string' },
        enumsAsTypes: true,
        useTypeImports: true,
      },
      presetConfig: { fragmentMasking: false },
    },
    'schema/persisted-operations.json': {
      preset: {
        buildGeneratesSection: (options) => [
          {
            filename: options.baseOutputDir,
            schema: options.schema,
            documents: options.documents,
            config: {},
            plugins: [{ manifest: {} }],
            pluginMap: { manifest: { plugin: (_schema, sources) => trustedDocumentsManifest(sources.flatMap((s) => s.document ?? [])) } },
          },
        ],
      },
    },
  },
};

export default config;
