import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Typed documents for the example operations in schema/operations, generated from the
 * checked-in SDL (never from a running server, so no token is ever needed here).
 */
const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  documents: ['schema/operations/*.graphql'],
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
  },
};

export default config;
