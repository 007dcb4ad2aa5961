import { Kind, valueFromASTUntyped } from 'graphql';
import { builder } from './builder.js';

/**
 * A scalar's refusal of an input. Its message says what form is expected and never
 * quotes the input, which may be a card nonce or another secret; the gateway puts the
 * input's path in front of it (src/gateway/input-errors.ts).
 */
export class InputFormError extends Error {}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const INTEGER = /^-?\d+$/;
/** Square's amounts are int64; a longer string of digits is out of range without parsing it. */
const INT64_DIGITS = 19;
const AMOUNT_HINT = 'money amounts are in the smallest currency unit, e.g. "1250" for $12.50';

function toBigInt(value: unknown): bigint {
  let parsed: bigint | undefined;
  if (typeof value === 'bigint') parsed = value;
  else if (typeof value === 'number' && Number.isSafeInteger(value)) parsed = BigInt(value);
  else if (typeof value === 'string' && INTEGER.test(value)) {
    if (value.replace('-', '').length > INT64_DIGITS) parsed = INT64_MAX + 1n;
    else parsed = BigInt(value);
  }
  if (parsed === undefined)
    throw new InputFormError(`Expected a BigInt: a whole number as a string of digits (or an Int up to 2^53); ${AMOUNT_HINT}.`);
  if (parsed < INT64_MIN || parsed > INT64_MAX)
    throw new InputFormError(`Expected a BigInt within 64 bits, from ${INT64_MIN} to ${INT64_MAX}; ${AMOUNT_HINT}.`);
  return parsed;
}

builder.scalarType('BigInt', {
  description:
    'A 64-bit whole number (-9223372036854775808 to 9223372036854775807). Sent as a string of digits so that no client loses precision beyond 2^53; accepted as a string or an Int.',
  serialize: (value) => toBigInt(value).toString(),
  parseValue: toBigInt,
  parseLiteral: (ast) => toBigInt(ast.kind === Kind.INT || ast.kind === Kind.STRING ? ast.value : undefined),
});

builder.scalarType('DateTime', {
  description: 'A point in time in RFC 3339 form, as Square reports it (for example 2025-05-28T00:44:41.032Z).',
  serialize: (value) => String(value),
  parseValue: (value) => {
    if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) {
      throw new InputFormError('Expected a DateTime: an RFC 3339 timestamp, e.g. 2025-05-28T00:44:41.032Z.');
    }
    return value;
  },
});

builder.scalarType('JSON', {
  description: 'Any JSON value (string, number, boolean, object, array or null), as Square holds it, e.g. a custom attribute’s value.',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (ast, variables) => valueFromASTUntyped(ast, variables),
});
