import { randomUUID } from 'node:crypto';
import type { serialization } from 'square';
import { now, type EmulatorContext } from '../context.js';
import { SquareApiError, errors } from '../plumbing/errors.js';
import { paginate } from '../plumbing/pagination.js';
import type { WithoutNulls } from '../plumbing/validation.js';

/**
 * Customer Custom Attributes API, definitions: create, list, retrieve, update, delete.
 * The emulator serves one application, so every definition is the caller's own: keys
 * are simple keys, and visibility only decides what other apps would see (it is kept
 * and copied onto each attribute).
 */

type Definition = serialization.CustomAttributeDefinition.Raw;
/** A definition as a request gives it, without its nulls (Square takes null as absent). */
export type DefinitionFields = WithoutNulls<Definition>;

/** List endpoints of custom attributes and their definitions: 1–100, default 20. */
export const ATTRIBUTE_PAGE = { max: 100, default: 20 };

/** Square: up to 60 alphanumeric characters, periods, underscores and hyphens. */
const KEY = /^[A-Za-z0-9._-]{1,60}$/;

function checkKey(key: string): void {
  if (!KEY.test(key))
    throw errors.invalidValue('custom_attribute_definition.key', 'A key has up to 60 alphanumeric characters, periods, underscores and hyphens.');
}

const SQUARE_TYPE = /^https:\/\/developer-production-s\.squarecdn\.com\/schemas\/v1\/common\.json#squareup\.common\.(\w+)$/;
const SELECTION_META = /\/meta-schemas\/v1\/selection\.json$/;

/** The store id of a customer's attribute. */
export const attributeId = (customerId: string, key: string) => `${customerId}/${key}`;

const conflict = (detail: string, field: string) => SquareApiError.of(409, 'INVALID_REQUEST_ERROR', 'CONFLICT', detail, field);

/** A strongly consistent read: Square refuses a version it has not reached yet. */
export function checkReadVersion(current: number, asked: number | undefined): void {
  if (asked !== undefined && asked > current)
    throw errors.badRequest(`Version ${asked} is higher than the current version ${current}.`);
}

/** An optimistic-concurrency write: -1 or no version means "whatever is current". */
export function checkWriteVersion(current: number, given: number | null | undefined, what: string): void {
  if (given === undefined || given === null || given === -1 || given === current) return;
  throw errors.versionMismatch(`The ${what} is at version ${current}, not at the version ${given} given in the request.`);
}

/**
 * The data types Square offers: a `$ref` to one of its common schemas, or a Selection
 * (the only schema a definition may change later). Selection options get an id each
 * (`items.enum`, in the order of `items.names`), kept when an option keeps its name.
 */
function normalizeSchema(schema: Record<string, unknown>, previous?: Record<string, unknown>): Record<string, unknown> {
  const field = 'custom_attribute_definition.schema';
  const ref = typeof schema.$ref === 'string' ? SQUARE_TYPE.exec(schema.$ref)?.[1] : undefined;
  if (ref && ref !== 'Selection' && VALIDATORS[ref]) return { $ref: schema.$ref };
  if (typeof schema.$schema !== 'string' || !SELECTION_META.test(schema.$schema))
    throw errors.invalidValue(field, 'The schema must reference one of Square’s custom attribute data types.');
  const items = (schema.items ?? {}) as { names?: unknown };
  const names = items.names;
  if (!Array.isArray(names) || names.length === 0 || !names.every((n) => typeof n === 'string' && n.length > 0))
    throw errors.invalidValue(`${field}.items.names`, 'A Selection needs at least one named option.');
  if (new Set(names).size !== names.length) throw errors.invalidValue(`${field}.items.names`, 'Option names must be unique.');
  const maxItems = schema.maxItems ?? 1;
  if (typeof maxItems !== 'number' || !Number.isInteger(maxItems) || maxItems < 1 || maxItems > names.length)
    throw errors.invalidValue(`${field}.maxItems`, 'maxItems must be between 1 and the number of options.');
  const old = (previous?.items ?? {}) as { names?: string[]; enum?: string[] };
  const ids = names.map((name: string) => old.enum?.[old.names?.indexOf(name) ?? -1] ?? randomUUID());
  return { $schema: schema.$schema, type: 'array', uniqueItems: true, maxItems, items: { names, enum: ids } };
}

const isDate = (v: string) => /^\d{4}-\d{2}-\d{2}$/.test(v) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v);
const VALIDATORS: Record<string, (value: unknown) => boolean> = {
  String: (v) => typeof v === 'string' && v.length <= 1000,
  Email: (v) => typeof v === 'string' && /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v),
  PhoneNumber: (v) => typeof v === 'string' && /^\+[1-9]\d{1,14}$/.test(v),
  // Square's Number is a decimal in a string, with up to 5 digits after the point.
  Number: (v) => typeof v === 'string' && /^-?\d{1,15}(\.\d{1,5})?$/.test(v),
  Boolean: (v) => typeof v === 'boolean',
  Date: (v) => typeof v === 'string' && isDate(v),
  DateTime: (v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v) && !Number.isNaN(Date.parse(v)),
  Duration: (v) => typeof v === 'string' && /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/.test(v),
  Address: (v) => v !== null && typeof v === 'object' && !Array.isArray(v),
};

/** Refuses a value that does not conform to the definition's schema, as Square does on every write. */
export function validateValue(definition: Definition, value: unknown, field: string): void {
  const schema = (definition.schema ?? {}) as { $ref?: string; maxItems?: number; items?: { enum?: string[] } };
  const type = schema.$ref ? SQUARE_TYPE.exec(schema.$ref)?.[1] : 'Selection';
  const ok =
    type === 'Selection'
      ? Array.isArray(value) &&
        new Set(value).size === value.length &&
        value.length <= (schema.maxItems ?? 1) &&
        value.every((v) => schema.items?.enum?.includes(v as string))
      : VALIDATORS[type ?? '']?.(value) === true;
  if (!ok) throw errors.invalidValue(field, `The value does not conform to the ${type} schema of \`${definition.key}\`.`);
}

function requireNamedIfVisible(fields: DefinitionFields | Definition): void {
  if ((fields.visibility ?? 'VISIBILITY_HIDDEN') === 'VISIBILITY_HIDDEN') return;
  for (const name of ['name', 'description'] as const)
    if (!fields[name]) throw errors.missing(`custom_attribute_definition.${name}`);
}

function checkUniqueName(ctx: EmulatorContext, merchantId: string, definition: Definition): void {
  const taken = ctx.stores.customerAttributeDefinitions
    .all(merchantId)
    .some(({ doc }) => doc.key !== definition.key && doc.name !== undefined && doc.name === definition.name);
  if (taken) throw conflict(`A custom attribute definition named \`${definition.name}\` exists.`, 'custom_attribute_definition.name');
}

function emit(ctx: EmulatorContext, merchantId: string, action: string, definition: Definition, deleted = false): void {
  ctx.webhooks.emit({
    merchantId,
    type: `customer.custom_attribute_definition.owned.${action}`,
    dataType: 'custom_attribute_definition',
    id: definition.key!,
    object: { custom_attribute_definition: definition },
    deleted,
  });
}


export function listDefinitions(ctx: EmulatorContext, merchantId: string, query: { cursor?: string; limit?: number }) {
  const page = paginate({
    items: ctx.stores.customerAttributeDefinitions.all(merchantId),
    key: ({ seq }) => [seq],
    limit: query.limit ?? ATTRIBUTE_PAGE.default,
    cursor: query.cursor,
    query: 'ListCustomerCustomAttributeDefinitions',
  });
  if (page.items.length === 0) return {};
  return { custom_attribute_definitions: page.items.map((s) => s.doc), ...(page.cursor ? { cursor: page.cursor } : {}) };
}

export function retrieveDefinition(ctx: EmulatorContext, merchantId: string, key: string, version: number | undefined): Definition {
  const definition = ctx.stores.customerAttributeDefinitions.require(merchantId, key, 'key');
  checkReadVersion(Number(definition.version ?? 1), version);
  return definition;
}

export function createDefinition(ctx: EmulatorContext, merchantId: string, fields: DefinitionFields): Definition {
  const definitions = ctx.stores.customerAttributeDefinitions;
  if (!fields.key) throw errors.missing('custom_attribute_definition.key');
  checkKey(fields.key);
  if (!fields.schema) throw errors.missing('custom_attribute_definition.schema');
  requireNamedIfVisible(fields);
  if (definitions.get(merchantId, fields.key))
    throw conflict(`A custom attribute definition with key \`${fields.key}\` exists.`, 'custom_attribute_definition.key');
  const at = now();
  const definition: Definition = {
    key: fields.key,
    schema: normalizeSchema(fields.schema),
    ...(fields.name !== undefined ? { name: fields.name } : {}),
    ...(fields.description !== undefined ? { description: fields.description } : {}),
    visibility: fields.visibility ?? 'VISIBILITY_HIDDEN',
    version: 1,
    updated_at: at,
    created_at: at,
  };
  checkUniqueName(ctx, merchantId, definition);
  definitions.insert(merchantId, fields.key, definition);
  emit(ctx, merchantId, 'created', definition);
  return definition;
}

/** The definition is named by the path: a key in the body is not read. */
export function updateDefinition(ctx: EmulatorContext, merchantId: string, key: string, fields: DefinitionFields): Definition {
  const existing = ctx.stores.customerAttributeDefinitions.require(merchantId, key, 'key');
  checkWriteVersion(Number(existing.version ?? 1), fields.version, 'custom attribute definition');
  if (fields.schema && !('$schema' in (existing.schema ?? {})))
    throw errors.invalidValue('custom_attribute_definition.schema', 'Only the schema of a Selection can be changed.');
  const definition: Definition = {
    ...existing,
    ...(fields.name !== undefined ? { name: fields.name } : {}),
    ...(fields.description !== undefined ? { description: fields.description } : {}),
    ...(fields.visibility !== undefined ? { visibility: fields.visibility } : {}),
    ...(fields.schema ? { schema: normalizeSchema(fields.schema, existing.schema ?? undefined) } : {}),
    version: Number(existing.version ?? 1) + 1,
    updated_at: now(),
  };
  requireNamedIfVisible(definition);
  checkUniqueName(ctx, merchantId, definition);
  ctx.stores.customerAttributeDefinitions.put(merchantId, definition.key!, definition);
  emit(ctx, merchantId, 'updated', definition);
  return definition;
}

export function deleteDefinition(ctx: EmulatorContext, merchantId: string, key: string): void {
  const { customerAttributeDefinitions: definitions, customerAttributes: attributes } = ctx.stores;
  const definition = definitions.require(merchantId, key, 'key');
  // Square deletes the attribute from every profile along with its definition.
  for (const { doc } of attributes.all(merchantId)) {
    if (doc.custom_attribute.key === definition.key) attributes.delete(merchantId, attributeId(doc.customer_id, definition.key!));
  }
  definitions.delete(merchantId, definition.key!);
  emit(ctx, merchantId, 'deleted', definition, true);
}
