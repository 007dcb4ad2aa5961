import type { serialization } from 'square';
import { z } from 'zod';
import { SquareApiError, errors, type SquareErrorBody } from './errors.js';
import { wireInteger } from './json.js';
import { isTimestamp } from './timestamps.js';

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
 * as a bigint (plumbing/json.ts), and the amount stays in that form; arithmetic on
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
  /** `true` or `false`; anything else is EXPECTED_BOOLEAN, as Square answers. */
  queryBool: z.preprocess((v) => (v === 'true' ? true : v === 'false' ? false : v), z.boolean()),
  queryBigInt: z.coerce.bigint(),
  idempotencyKey: (min: number, max?: number) => (max ? z.string().min(min).max(max) : z.string().min(min)),
};

/** Square's wire name for one of the SDK's camelCase fields: `beginTime` → `begin_time`, `last4` → `last_4`. */
type WireName<S extends string, Prev extends string = ''> = S extends `${infer H}${infer T}`
  ? `${H extends Lowercase<H>
      ? H extends Uppercase<H>
        ? Prev extends '' | `${number}` ? H : `_${H}`
        : H
      : `_${Lowercase<H>}`}${WireName<T, H>}`
  : '';

/**
 * How to read each query parameter of one of the SDK's request types (`Square.ListPaymentsRequest`),
 * named as the SDK names it. The SDK serializes query parameters by hand and has no schema for them,
 * so this is checked against its request type instead: a parameter the SDK does not send, or one read
 * as another type than the SDK's, does not compile, and every parameter the SDK sends must be read.
 */
export type QuerySpec<Request> = { [K in keyof Request & string]-?: z.ZodType<NonNullable<Request[K]>> };

/** The query a `QuerySpec` reads, under Square's wire names. */
export type ParsedQuery<Spec extends Record<string, z.ZodType>> = { [K in keyof Spec & string as WireName<K>]?: z.output<Spec[K]> };

const wireName = (name: string) => name.replace(/[A-Z]|(?<=[a-z])\d/g, (c) => `_${c.toLowerCase()}`);

/**
 * The schema of a request's query parameters, read as `spec` says and kept under Square's wire names,
 * for `parse`: `querySchema<Square.ListPaymentsRequest>()({ beginTime: z.string(), … })`. Parameters
 * the SDK does not know are ignored, as Square ignores them.
 */
export function querySchema<Request>(): <Spec extends QuerySpec<Request>>(spec: Spec) => z.ZodType<ParsedQuery<Spec>> {
  return (spec) =>
    z.object(Object.fromEntries(Object.entries(spec).map(([name, schema]) => [wireName(name), (schema as z.ZodType).optional()]))) as never;
}

/** One of the SDK's serialization schemas (`serialization.CreatePaymentRequest`, …), as far as checking a request needs it. */
interface RequestSchema<Raw> {
  parse(
    raw: unknown,
    options: { unrecognizedObjectKeys: 'fail'; allowUnrecognizedEnumValues: false; allowUnrecognizedUnionMembers: false; skipValidation: false },
  ): { ok: true } | { ok: false; errors: Array<{ path: string[]; message: string }> };
  json(parsed: never): { ok: true; value: Raw } | { ok: false };
}

/**
 * What Square states of a request's fields that the SDK's schemas do not carry, by dotted path
 * (`billing_address.postal_code`, `[]` for each element of a list: `line_items[].name`), whether its
 * spec says it in a property or in prose: `min` and `max` bound a string's length, a list's length or a
 * number; `oneOf` lists the values of a field the SDK types as a plain string; `integer` and
 * `timestamp` (RFC 3339) are what the SDK types only as a number or a string.
 */
export interface FieldRule {
  min?: number;
  max?: number;
  oneOf?: readonly string[];
  integer?: true;
  timestamp?: true;
  /** Required, where the SDK's schema makes it optional but Square's API does not. */
  required?: true;
}

export type FieldRules = Record<string, FieldRule>;

/** `rules` of an object, for that object where it sits in a request (`order`, `changes[]`). */
export const rulesUnder = (at: string, rules: FieldRules): FieldRules =>
  Object.fromEntries(Object.entries(rules).map(([path, rule]) => [`${at}.${path}`, rule]));

/** What the SDK says it expected, as Square's error code for the mistake. */
const EXPECTED: Record<string, serialization.ErrorCode.Raw> = {
  string: 'EXPECTED_STRING',
  number: 'EXPECTED_INTEGER',
  'bigint | number': 'EXPECTED_INTEGER',
  boolean: 'EXPECTED_BOOLEAN',
  object: 'EXPECTED_OBJECT',
  list: 'EXPECTED_ARRAY',
  enum: 'INVALID_ENUM_VALUE',
};

/** `['line_items', '[0]', 'name']` as Square writes it: `line_items[0].name`. */
const fieldOf = (path: readonly string[]) => path.reduce((acc, p) => (p.startsWith('[') || !acc ? acc + p : `${acc}.${p}`), '');

function sdkIssue(issue: { path: string[]; message: string }): SquareErrorBody {
  const base = { category: 'INVALID_REQUEST_ERROR' as const };
  // A union's discriminant (a catalog object's `type`) is a required field like any other to Square.
  const key = /^(Missing required|Unexpected) key "(.+)"$/.exec(issue.message) ?? /^(Missing) discriminant \("(.+)"\)$/.exec(issue.message);
  if (key) {
    const missing = key[1] !== 'Unexpected';
    const field = fieldOf(missing ? [...issue.path, key[2]!] : issue.path);
    return missing
      ? { ...base, code: 'MISSING_REQUIRED_PARAMETER', detail: `Field must be set: ${field}`, field }
      : { ...base, code: 'UNKNOWN_BODY_PARAMETER', detail: `Unknown field: ${field}`, field };
  }
  const field = fieldOf(issue.path);
  const expected = /^Expected (.+?)\. Received/.exec(issue.message)?.[1] ?? '';
  return { ...base, code: EXPECTED[expected] ?? 'INVALID_VALUE', detail: `${issue.message} (${field})`, field };
}

/** Square's int64 amounts: every `amount` of a request must fit, whatever object holds it. */
function amountIssues(value: unknown, path: string[]): SquareErrorBody[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => amountIssues(v, [...path, `[${i}]`]));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, v]): SquareErrorBody[] => {
    const field = [...path, key];
    if (key === 'amount' && (typeof v === 'number' || typeof v === 'bigint')) {
      if (typeof v === 'number' && !Number.isInteger(v))
        return [{ category: 'INVALID_REQUEST_ERROR', code: 'EXPECTED_INTEGER', detail: `Amounts are integers: ${fieldOf(field)}`, field: fieldOf(field) }];
      const big = BigInt(v);
      const code = big > INT64_MAX ? 'VALUE_TOO_HIGH' : big < INT64_MIN ? 'VALUE_TOO_LOW' : undefined;
      return code ? [{ category: 'INVALID_REQUEST_ERROR', code, detail: `Amounts are 64-bit: ${fieldOf(field)}`, field: fieldOf(field) }] : [];
    }
    return amountIssues(v, field);
  });
}

/** The values at a rule's path, with their fields as Square writes them: `line_items[].name` → `line_items[0].name`, … */
function valuesAt(input: unknown, path: string): Array<{ field: string; value: unknown }> {
  return path.split('.').reduce<Array<{ field: string; value: unknown }>>(
    (found, segment) =>
      found.flatMap(({ field, value }) => {
        const key = segment.endsWith('[]') ? segment.slice(0, -2) : segment;
        const inner = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
        const name = field ? `${field}.${key}` : key;
        if (!segment.endsWith('[]')) return [{ field: name, value: inner }];
        return Array.isArray(inner) ? inner.map((item, i) => ({ field: `${name}[${i}]`, value: item })) : [];
      }),
    [{ field: '', value: input }],
  );
}

/** What a value breaks of its rule, in Square's codes. */
function ruleIssue(field: string, value: unknown, { min, max, oneOf, integer, timestamp, required }: FieldRule): SquareErrorBody | undefined {
  const issue = (code: serialization.ErrorCode.Raw, detail: string): SquareErrorBody => ({ category: 'INVALID_REQUEST_ERROR', code, detail, field });
  if (value == null) return required ? issue('MISSING_REQUIRED_PARAMETER', `Field must be set: ${field}`) : undefined;
  if (typeof value === 'string') {
    if (max !== undefined && value.length > max) return issue('VALUE_TOO_LONG', `Field ${field} must be at most ${max} characters long`);
    if (min !== undefined && value.length < min) return issue('VALUE_TOO_SHORT', `Field ${field} must be at least ${min} characters long`);
    if (oneOf && !oneOf.includes(value)) return issue('INVALID_ENUM_VALUE', `Field ${field} must be one of ${oneOf.join(', ')}`);
    if (timestamp && !isTimestamp(value)) return issue('INVALID_VALUE', `Field ${field} must be an RFC 3339 timestamp`);
  } else if (Array.isArray(value)) {
    if (max !== undefined && value.length > max) return issue('ARRAY_LENGTH_TOO_LONG', `Field ${field} must have at most ${max} items`);
    if (min !== undefined && value.length < min) return issue('ARRAY_LENGTH_TOO_SHORT', `Field ${field} must have at least ${min} items`);
  } else if (typeof value === 'number' || typeof value === 'bigint') {
    if (integer && !Number.isInteger(Number(value))) return issue('EXPECTED_INTEGER', `Field ${field} must be a whole number`);
    if (max !== undefined && value > max) return issue('VALUE_TOO_HIGH', `Field ${field} must be at most ${max}`);
    if (min !== undefined && value < min) return issue('VALUE_TOO_LOW', `Field ${field} must be at least ${min}`);
  }
  return undefined;
}

function ruleIssues(input: unknown, rules: FieldRules): SquareErrorBody[] {
  return Object.entries(rules).flatMap(([path, rule]) =>
    valuesAt(input, path).flatMap(({ field, value }) => ruleIssue(field, value, rule) ?? []),
  );
}

const STRICT = { unrecognizedObjectKeys: 'fail', allowUnrecognizedEnumValues: false, allowUnrecognizedUnionMembers: false, skipValidation: false } as const;

type SdkError = { path: string[]; message: string };

const sdkErrors = (schema: RequestSchema<unknown>, body: unknown): SdkError[] => {
  const result = schema.parse(body, STRICT);
  return result.ok ? [] : result.errors;
};

/** The SDK's list schema reports a value that is not a list without its path (it drops the breadcrumbs it is given). */
const unplacedList = (error: SdkError) => error.path.length === 0 && error.message.startsWith('Expected list.');

const MAX_PLACES = 500;

/** Every place in `value` holding something other than a list, with the value as it would be with a list there. */
function nonLists(value: unknown, path: string[] = []): Array<{ path: string[]; replaced: () => unknown }> {
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, v]) => {
    const here = Array.isArray(value) ? `[${key}]` : key;
    const replace = (inner: () => unknown) => () => (Array.isArray(value) ? value.map((x, i) => (String(i) === key ? inner() : x)) : { ...value, [key]: inner() });
    const own = Array.isArray(v) ? [] : [{ path: [...path, here], replaced: replace(() => []) }];
    return [...own, ...nonLists(v, [...path, here]).map((n) => ({ path: n.path, replaced: replace(n.replaced) }))];
  });
}

/**
 * Finds where the lists were that the SDK found missing: each place whose value, made a list, takes
 * one such error away. Only run for a request already refused, so its cost is no one's but the caller's.
 */
function listsMisplaced(schema: RequestSchema<unknown>, body: unknown, first: SdkError): SdkError[] {
  const unplaced = (errors: SdkError[]) => errors.filter(unplacedList);
  const places = nonLists(body);
  // Each place costs a parse of the whole body: past a request's usual size, the error goes without its field.
  if (places.length > MAX_PLACES) return [first];
  const before = unplaced(sdkErrors(schema, body)).length;
  const found = places
    .filter((place) => unplaced(sdkErrors(schema, place.replaced())).length < before)
    .map((place) => place.path);
  // A list in place of an object above the field takes the error away too: the deepest place is the field.
  const within = (inner: string[], outer: string[]) => inner.length > outer.length && outer.every((p, i) => inner[i] === p);
  const deepest = found.filter((path) => !found.some((other) => within(other, path)));
  return deepest.length > 0 ? deepest.map((path) => ({ path, message: first.message })) : [first];
}

/**
 * Checks a request body against the SDK's own schema for it: an unknown field, a wrong type and an
 * unknown enum value get Square's codes (UNKNOWN_BODY_PARAMETER, EXPECTED_STRING, INVALID_ENUM_VALUE, …)
 * with `field`, as do amounts beyond int64 and what the API's `rules` state. The body is returned as it
 * came, in Square's wire form. `sparse` names an object sent as a partial change (UpdateOrder's `order`),
 * in which the fields its schema requires may be left out.
 */
export function parseRequest<Raw>(schema: RequestSchema<Raw>, input: unknown, rules: FieldRules = {}, { sparse }: { sparse?: string } = {}): Raw {
  const body = input ?? {};
  // The SDK reads an amount with BigInt(), which throws on a fraction: amounts are checked first.
  const issues = amountIssues(body, []);
  if (issues.length === 0) {
    const errors = sdkErrors(schema, body);
    const unplaced = errors.find(unplacedList);
    issues.push(
      ...[...errors.filter((error) => !unplacedList(error)), ...(unplaced ? listsMisplaced(schema, body, unplaced) : [])]
        .map(sdkIssue)
        .filter((issue) => !(sparse && issue.code === 'MISSING_REQUIRED_PARAMETER' && issue.field?.startsWith(`${sparse}.`))),
    );
  }
  issues.push(...ruleIssues(body, rules));
  if (issues.length > 0) throw new SquareApiError(400, issues);
  return body as Raw;
}
