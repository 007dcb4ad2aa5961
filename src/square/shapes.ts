import type { Square } from 'square';
import { LIST, NULLABLE, OPTIONAL, RECORD, type Kind, type ShapeRoot } from './shape-flags.js';
import { SHAPES } from './shapes.generated.js';

/** A value the SDK's schema for it refuses: the SDK then keeps it as it came, under its snake_case key when the schema is wrapped (optional, nullable). */
const REFUSED = Symbol('refused');

const enum Is {
  String,
  Boolean,
  Number,
  Bigint,
  Unknown,
  Enum,
  Literal,
  Object,
}

interface Value {
  is: Is;
  /** Null allowed in its place, the refusal of any other value passed up (a record's values). */
  nullable: boolean;
  literal?: string;
  shape?: Shape;
}

interface Field extends Value {
  parsed: string;
  flags: number;
}

/** A type's keys, without a prototype: a key of Square's (`constructor`) can never find an inherited one. */
type Shape = Record<string, Field>;

const compiled = new Map<string, Shape>();

const KINDS: Record<string, Is> = { string: Is.String, boolean: Is.Boolean, number: Is.Number, bigint: Is.Bigint, unknown: Is.Unknown, enum: Is.Enum };

function valueOf(kind: Kind): Value {
  const nullable = kind.endsWith('?');
  const name = nullable ? kind.slice(0, -1) : kind;
  if (name in KINDS) return { is: KINDS[name]!, nullable };
  if (name.startsWith('"')) return { is: Is.Literal, nullable, literal: JSON.parse(name) as string };
  return { is: Is.Object, nullable, shape: shapeOf(name) };
}

/** The type's shape, nested shapes linked in once each. */
function shapeOf(type: string): Shape {
  let shape = compiled.get(type);
  if (shape) return shape;
  shape = Object.create(null) as Shape;
  compiled.set(type, shape);
  for (const [raw, [parsed, flags, kind]] of Object.entries(SHAPES[type]!)) shape[raw] = { parsed, flags, ...valueOf(kind) };
  return shape;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as object | null;
  return proto === null || Object.getPrototypeOf(proto) === null;
};

/** The value as its kind's schema makes it, or REFUSED. */
function check(kind: Value, value: unknown): unknown {
  switch (kind.is) {
    case Is.String:
    case Is.Enum:
      return typeof value === 'string' ? value : REFUSED;
    case Is.Boolean:
      return typeof value === 'boolean' ? value : REFUSED;
    case Is.Number:
      return typeof value === 'number' ? value : REFUSED;
    case Is.Bigint:
      return typeof value === 'number' ? BigInt(value) : typeof value === 'bigint' ? value : REFUSED;
    case Is.Literal:
      return value === kind.literal ? value : REFUSED;
    case Is.Object:
      return isPlainObject(value) ? convertObject(kind.shape!, value) : REFUSED;
    default:
      return value;
  }
}

/** An item of a list or a value of a record: its schema the SDK's exported one, which keeps what it refuses, or a nullable one, which passes the refusal up. */
function member(kind: Value, value: unknown): unknown {
  if (kind.nullable) return value === null ? null : check(kind, value);
  const made = check(kind, value);
  return made === REFUSED ? value : made;
}

function convertValue(field: Field, value: unknown): unknown {
  if (field.flags & LIST) {
    if (!Array.isArray(value)) return REFUSED;
    const items = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      const item = member(field, value[i]);
      if (item === REFUSED) return REFUSED;
      items[i] = item;
    }
    return items;
  }
  if (field.flags & RECORD) {
    if (!isPlainObject(value)) return REFUSED;
    const entries: Record<string, unknown> = {};
    for (const key in value) {
      if (!Object.hasOwn(value, key) || value[key] === undefined) continue;
      const entry = member(field, value[key]);
      if (entry === REFUSED) return REFUSED;
      entries[key] = entry;
    }
    return entries;
  }
  return check(field, value);
}

/**
 * What the SDK's schema makes of an object of Square's JSON, as the SDK's clients parse
 * answers (unknown keys kept as they are, validation skipped): known keys under their
 * camelCase names, each value as its schema makes it (bigint money, nested objects), null as
 * the key's wrapping makes it; a value its schema refuses kept as it came (under its
 * snake_case key when the schema is wrapped, as the SDK keeps it).
 */
function convertObject(shape: Shape, raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in raw) {
    if (!Object.hasOwn(raw, key)) continue;
    const value = raw[key];
    const field = shape[key];
    if (field === undefined) out[key] = value;
    else if (value === null || value === undefined) out[field.parsed] = field.flags & OPTIONAL ? undefined : value;
    else {
      const made = convertValue(field, value);
      if (made !== REFUSED) out[field.parsed] = made;
      else out[field.flags & (OPTIONAL | NULLABLE) ? key : field.parsed] = value;
    }
  }
  return out;
}

interface Answers {
  SearchOrdersResponse: Square.SearchOrdersResponse;
  BatchGetOrdersResponse: Square.BatchGetOrdersResponse;
  GetPaymentResponse: Square.GetPaymentResponse;
  ListCardsResponse: Square.ListCardsResponse;
  ListGiftCardsResponse: Square.ListGiftCardsResponse;
  ListCustomersResponse: Square.ListCustomersResponse;
}

/**
 * One of Square's answers (parsed JSON) as the SDK's client gives it — camelCase keys, bigint
 * money — without the SDK's schema transform, which made a closure, an options object and a
 * breadcrumb array for every key of every object: the largest cost of a cold page past its
 * HTTP calls. Equal to the SDK's output (test/square/shapes.test.ts), from the SDK's own
 * schemas (scripts/square-shapes.ts).
 */
export function fromSquare<R extends ShapeRoot>(type: R, raw: unknown): Answers[R] {
  return (isPlainObject(raw) ? convertObject(shapeOf(type), raw) : raw) as Answers[R];
}
