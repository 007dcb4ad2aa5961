import { z } from 'zod';
import { SquareApiError, errors, type SquareErrorBody } from './errors.js';
import { wireInteger } from './json.js';

type Issue = z.core.$ZodIssue;

function kindOf(issue: Issue): string | undefined {
  return 'origin' in issue ? (issue.origin as string) : undefined;
}

/** Translates a zod issue into the error Square gives for the same mistake. */
function toSquareError(issue: Issue, input: unknown): SquareErrorBody {
  const field = issue.path.map(String).join('.') || undefined;
  const base = { category: 'INVALID_REQUEST_ERROR' as const, field };
  const value = issue.path.reduce<unknown>(
    (v, p) => (v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[p] : undefined),
    input,
  );
  // zod reports an absent enum as a wrong value; Square calls it missing like any other required field.
  if ((issue.code === 'invalid_type' || issue.code === 'invalid_value') && (value === undefined || value === null))
    return { ...base, code: 'MISSING_REQUIRED_PARAMETER', detail: `Field must be set: ${field}` };
  switch (issue.code) {
    case 'invalid_type': {
      const expected: Record<string, SquareErrorBody['code']> = {
        string: 'EXPECTED_STRING',
        number: 'EXPECTED_INTEGER',
        bigint: 'EXPECTED_INTEGER',
        int: 'EXPECTED_INTEGER',
        boolean: 'EXPECTED_BOOLEAN',
        object: 'EXPECTED_OBJECT',
        array: 'EXPECTED_ARRAY',
        record: 'EXPECTED_MAP',
      };
      return { ...base, code: expected[issue.expected] ?? 'INCORRECT_TYPE', detail: `Expected ${issue.expected} for ${field}` };
    }
    case 'too_small': {
      const origin = kindOf(issue);
      if (origin === 'string')
        return { ...base, code: 'VALUE_TOO_SHORT', detail: `Field ${field} must be at least ${issue.minimum} characters long` };
      if (origin === 'array')
        return { ...base, code: 'ARRAY_LENGTH_TOO_SHORT', detail: `Field ${field} must have at least ${issue.minimum} items` };
      return { ...base, code: 'VALUE_TOO_LOW', detail: `Field ${field} must be at least ${issue.minimum}` };
    }
    case 'too_big': {
      const origin = kindOf(issue);
      if (origin === 'string')
        return { ...base, code: 'VALUE_TOO_LONG', detail: `Field ${field} must be at most ${issue.maximum} characters long` };
      if (origin === 'array')
        return { ...base, code: 'ARRAY_LENGTH_TOO_LONG', detail: `Field ${field} must have at most ${issue.maximum} items` };
      return { ...base, code: 'VALUE_TOO_HIGH', detail: `Field ${field} must be at most ${issue.maximum}` };
    }
    case 'invalid_value':
      return { ...base, code: 'INVALID_ENUM_VALUE', detail: `Field ${field} must be one of ${issue.values.join(', ')}` };
    case 'invalid_format':
      return { ...base, code: 'INVALID_VALUE', detail: `Field ${field} is not a valid ${issue.format}` };
    default:
      return { ...base, code: 'INVALID_VALUE', detail: issue.message };
  }
}

/**
 * Parses a request body or query with a zod schema; any mismatch becomes a 400
 * with Square's error codes (MISSING_REQUIRED_PARAMETER, VALUE_TOO_HIGH, ...).
 */
export function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  throw new SquareApiError(
    400,
    result.error.issues.map((issue) => toSquareError(issue, input)),
  );
}

const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;

/**
 * An int64 amount: Square's amounts are 64-bit. The body parser reads an integer past 2^53
 * as a bigint (src/emulator/json.ts), and the amount stays in that form; arithmetic on
 * amounts goes through BigInt.
 */
function amount(min = INT64_MIN) {
  return z
    .preprocess((v) => (typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : v), z.bigint().min(min).max(INT64_MAX))
    .transform(wireInteger);
}

/** An amount the emulator computes (a total, a balance), in wire form; past int64 it is refused, as Square holds no more. */
export function computedAmount(amount: bigint): number | bigint {
  if (amount > INT64_MAX || amount < INT64_MIN) {
    throw errors.invalid('VALUE_TOO_HIGH', 'An amount this request adds up to is beyond the 64-bit range of Square amounts.');
  }
  return wireInteger(amount);
}

/** Drops nulls and undefined from parsed input (Square takes null as absent), so stored objects only carry fields that are set. */
export function compact<T>(value: unknown): T {
  if (Array.isArray(value)) return value.map((v) => compact(v)) as T;
  if (value === null || typeof value !== 'object') return value as T;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v]) => [k, compact(v)]),
  ) as T;
}

/** A parsed request with its nulls dropped: what `withoutNulls` gives. */
export type WithoutNulls<T> = T extends Array<infer U>
  ? Array<WithoutNulls<U>>
  : T extends object
    ? { [K in keyof T]: WithoutNulls<Exclude<T[K], null>> }
    : T;

/** `compact`, typed after its input. */
export const withoutNulls = <T>(value: T): WithoutNulls<T> => compact(value);

/** Reusable pieces of Square request shapes. */
export const shapes = {
  amount,
  money: z.object({ amount: amount(), currency: z.string().length(3) }),
  /** Query parameters arrive as strings; Square accepts `limit=10`. */
  queryInt: z.coerce.number().int(),
  queryBool: z.enum(['true', 'false']).transform((v) => v === 'true'),
  idempotencyKey: (min: number, max?: number) => (max ? z.string().min(min).max(max) : z.string().min(min)),
};
