// How the square SDK's schema wraps one key's value (scripts/square-shapes.ts reads it from the SDK).

/** `.optional()`: null becomes undefined. */
export const OPTIONAL = 1;
/** `.optionalNullable()` or `.nullable()`: null stays null. */
export const NULLABLE = 2;
/** A list of the kind. */
export const LIST = 4;
/** A record (string keys, kept as they are) of the kind. */
export const RECORD = 8;

/**
 * A value's kind: `string`, `boolean`, `number`, `bigint`, `unknown`, `enum` (any string: the
 * SDK's clients accept values it does not know), a string literal in JSON (`"UNIT"`), or the
 * name of an object type; a trailing `?` when null is allowed in its place (a record's values).
 */
export type Kind = string;

/** Per type, per snake_case key: its camelCase name, its wrapping and its kind. */
export type Shapes = Record<string, Record<string, readonly [parsed: string, flags: number, kind: Kind]>>;

/** The answers the hot reads convert themselves (see shapes.ts); the generated shapes hold them and every type inside. */
export const SHAPE_ROOTS = ['SearchOrdersResponse', 'BatchGetOrdersResponse', 'GetPaymentResponse', 'ListCardsResponse', 'ListGiftCardsResponse', 'ListCustomersResponse'] as const;
export type ShapeRoot = (typeof SHAPE_ROOTS)[number];
