import { GraphQLError, Kind } from 'graphql';
import { builder } from './builder.js';

const INTEGER = /^-?\d+$/;

function toBigInt(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === 'string' && INTEGER.test(value)) return BigInt(value);
  throw new GraphQLError(`BigInt must be a whole number (as an Int or a string of digits), got ${JSON.stringify(value)}`, {
    extensions: { code: 'BAD_USER_INPUT' },
  });
}

builder.scalarType('BigInt', {
  description:
    'A 64-bit whole number. Sent as a string of digits so that no client loses precision beyond 2^53; accepted as a string or an Int.',
  serialize: (value) => toBigInt(value).toString(),
  parseValue: toBigInt,
  parseLiteral: (ast) => {
    if (ast.kind === Kind.INT || ast.kind === Kind.STRING) return toBigInt(ast.value);
    throw new GraphQLError('BigInt must be an Int or a string of digits.', { extensions: { code: 'BAD_USER_INPUT' } });
  },
});

builder.scalarType('DateTime', {
  description: 'A point in time in RFC 3339 form, as Square reports it (for example 2025-05-28T00:44:41.032Z).',
  serialize: (value) => String(value),
  parseValue: (value) => {
    if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) {
      throw new GraphQLError('DateTime must be an RFC 3339 timestamp.', { extensions: { code: 'BAD_USER_INPUT' } });
    }
    return value;
  },
});
