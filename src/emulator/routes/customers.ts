import type { FastifyInstance } from 'fastify';
import { Square, type serialization } from 'square';
import { z } from 'zod';
import { now, type EmulatorContext } from '../context.js';
import { mapEntries } from '../bulk.js';
import { errors } from '../errors.js';
import { newId } from '../ids.js';
import { paginate } from '../pagination.js';
import type { Stored } from '../store.js';
import { parse, shapes } from '../validation.js';
import { deleteCustomerAttributes, moveCustomerAttributes } from './customer-attributes.js';
import { segmentMembership, withSegmentIds } from './customer-segments.js';

type Customer = serialization.Customer.Raw;
type Address = serialization.Address.Raw;
type CreationSource = serialization.CustomerCreationSource.Raw;

const COUNTRIES = Object.values(Square.Country) as [serialization.Country.Raw, ...serialization.Country.Raw[]];
const CREATION_SOURCES = Object.values(Square.CustomerCreationSource) as [CreationSource, ...CreationSource[]];
const SORT_FIELDS = ['DEFAULT', 'CREATED_AT'] as const;
const SORT_ORDERS = ['ASC', 'DESC'] as const;
/** Both ListCustomers and SearchCustomers: 1–100, default 100, out of range → VALUE_TOO_LOW / VALUE_TOO_HIGH. */
const MAX_PAGE = 100;
/** Every bulk endpoint takes 1–100 items. */
const MAX_BULK = 100;

const opt = <T extends z.ZodType>(schema: T) => schema.nullable().optional();
const text = (max?: number) => opt(max === undefined ? z.string() : z.string().max(max));

const addressSchema = z.object({
  address_line_1: text(),
  address_line_2: text(),
  address_line_3: text(),
  locality: text(),
  sublocality: text(),
  sublocality_2: text(),
  sublocality_3: text(),
  administrative_district_level_1: text(),
  administrative_district_level_2: text(),
  administrative_district_level_3: text(),
  postal_code: text(),
  country: opt(z.enum(COUNTRIES)),
  first_name: text(),
  last_name: text(),
});

/**
 * The profile fields every create and update request shares, with the lengths the
 * spec states. Null is accepted everywhere because BulkCreateCustomerData and every
 * update are nullable; on create it means "not given", on update "remove".
 */
const profileSchema = z.object({
  given_name: text(300),
  family_name: text(300),
  company_name: text(500),
  nickname: text(100),
  email_address: text(254),
  address: opt(addressSchema),
  phone_number: text(),
  reference_id: text(100),
  note: text(),
  birthday: text(),
  tax_ids: opt(z.object({ eu_vat: text(20) })),
});
type Profile = z.output<typeof profileSchema>;

const createSchema = profileSchema.extend({ idempotency_key: text() });
const updateSchema = profileSchema.extend({ version: opt(z.number().int()) });
type Update = z.output<typeof updateSchema>;

const STRING_FIELDS = [
  'given_name',
  'family_name',
  'company_name',
  'nickname',
  'email_address',
  'phone_number',
  'reference_id',
  'note',
  'birthday',
] as const;
/** A profile needs one of these; list and search only show profiles that have one. */
const PUBLIC_FIELDS = ['given_name', 'family_name', 'company_name', 'email_address', 'phone_number'] as const;

const listQuery = z.object({
  cursor: z.string().optional(),
  limit: shapes.queryInt.min(1).max(MAX_PAGE).optional(),
  sort_field: z.enum(SORT_FIELDS).optional(),
  sort_order: z.enum(SORT_ORDERS).optional(),
  count: shapes.queryBool.optional(),
});

const textFilter = opt(z.object({ exact: text(), fuzzy: text() }));
const timeRange = opt(z.object({ start_at: text(), end_at: text() }));
const filterValue = opt(z.object({ all: opt(z.array(z.string())), any: opt(z.array(z.string())), none: opt(z.array(z.string())) }));
const searchSchema = z.object({
  cursor: text(),
  limit: opt(z.number().int().min(1).max(MAX_PAGE)),
  count: opt(z.boolean()),
  query: opt(
    z.object({
      filter: opt(
        z.object({
          creation_source: opt(
            z.object({ values: opt(z.array(z.enum(CREATION_SOURCES))), rule: opt(z.enum(['INCLUDE', 'EXCLUDE'])) }),
          ),
          created_at: timeRange,
          updated_at: timeRange,
          email_address: textFilter,
          phone_number: textFilter,
          reference_id: textFilter,
          group_ids: filterValue,
          segment_ids: filterValue,
          custom_attribute: opt(z.object({ filters: opt(z.array(z.unknown())) })),
        }),
      ),
      sort: opt(z.object({ field: opt(z.enum(SORT_FIELDS)), order: opt(z.enum(SORT_ORDERS)) })),
    }),
  ),
});
type SearchFilter = NonNullable<NonNullable<z.output<typeof searchSchema>['query']>['filter']>;

const idsSchema = z.object({ customer_ids: z.array(z.string()).min(1).max(MAX_BULK) });
const mapSchema = z.object({ customers: z.record(z.string(), z.unknown()) });

/** Customers API: CRUD, search, the four bulk endpoints, and customer.created/updated/deleted webhooks. */
export function registerCustomers(app: FastifyInstance, ctx: EmulatorContext): void {
  const { customers } = ctx.stores;

  app.get('/customers', async (request) => {
    const q = parse(listQuery, request.query);
    const visible = customers.all(request.merchant.id).filter((s) => isPublic(s.doc));
    const field = q.sort_field ?? 'DEFAULT';
    const order = q.sort_order ?? 'ASC';
    const page = paginate({
      items: visible,
      key: sortKey(field),
      order,
      limit: q.limit ?? MAX_PAGE,
      cursor: q.cursor,
      query: { endpoint: 'ListCustomers', field, order },
    });
    return pageBody(page.items.map((s) => s.doc).map(withSegmentIds(ctx, request.merchant.id)), page.cursor, q.count ? visible.length : undefined);
  });

  app.post('/customers', async (request, reply) => {
    const merchantId = request.merchant.id;
    const body = parse(createSchema, request.body);
    const create = () => ({ status: 200, body: { customer: createCustomer(ctx, merchantId, body) } });
    const result = body.idempotency_key
      ? ctx.idempotency.run(merchantId, 'CreateCustomer', body.idempotency_key, request.body, create)
      : ctx.tx(create);
    return reply.code(result.status).send(result.body);
  });

  app.post('/customers/search', async (request) => {
    const body = parse(searchSchema, request.body);
    const filter = body.query?.filter ?? {};
    const matches = compileFilter(filter, (id) => segmentMembership(ctx, request.merchant.id, id));
    const found = customers.all(request.merchant.id).filter((s) => isPublic(s.doc) && matches(s.doc));
    const field = body.query?.sort?.field ?? 'DEFAULT';
    const order = body.query?.sort?.order ?? 'ASC';
    const page = paginate({
      items: found,
      key: sortKey(field),
      order,
      limit: body.limit ?? MAX_PAGE,
      cursor: body.cursor,
      query: { endpoint: 'SearchCustomers', filter, field, order },
    });
    return pageBody(page.items.map((s) => s.doc).map(withSegmentIds(ctx, request.merchant.id)), page.cursor, body.count ? found.length : undefined);
  });

  app.post('/customers/bulk-create', async (request) => {
    const merchantId = request.merchant.id;
    const items = bulkMap(request.body);
    const responses = ctx.tx(() =>
      mapEntries(items, (key, data) => {
        const fields = parse(profileSchema, data);
        return ctx.idempotency.run(merchantId, 'BulkCreateCustomers', key, data, () => ({
          status: 200,
          body: { customer: createCustomer(ctx, merchantId, fields) },
        })).body as Record<string, unknown>;
      }),
    );
    return { responses };
  });

  app.post('/customers/bulk-retrieve', async (request) => {
    const { customer_ids } = parse(idsSchema, request.body);
    const read = withSegmentIds(ctx, request.merchant.id);
    const responses = mapEntries(asKeys(customer_ids), (id) => ({ customer: read(ctx.stores.customers.require(request.merchant.id, id)) }));
    return { responses };
  });

  app.post('/customers/bulk-update', async (request) => {
    const items = bulkMap(request.body);
    const responses = ctx.tx(() =>
      mapEntries(items, (id, data) => ({
        customer: updateCustomer(ctx, request.merchant.id, id, parse(updateSchema, data)),
      })),
    );
    return { responses };
  });

  app.post('/customers/bulk-delete', async (request) => {
    const { customer_ids } = parse(idsSchema, request.body);
    const responses = ctx.tx(() =>
      mapEntries(asKeys(customer_ids), (id) => {
        deleteCustomer(ctx, request.merchant.id, id, undefined);
        return {};
      }),
    );
    return { responses };
  });

  app.get<{ Params: { customer_id: string } }>('/customers/:customer_id', async (request) => ({
    customer: withSegmentIds(ctx, request.merchant.id)(ctx.stores.customers.require(request.merchant.id, request.params.customer_id)),
  }));

  app.put<{ Params: { customer_id: string } }>('/customers/:customer_id', async (request) => {
    const fields = parse(updateSchema, request.body);
    return { customer: ctx.tx(() => updateCustomer(ctx, request.merchant.id, request.params.customer_id, fields)) };
  });

  app.delete<{ Params: { customer_id: string } }>('/customers/:customer_id', async (request) => {
    const { version } = parse(z.object({ version: shapes.queryInt.optional() }), request.query);
    ctx.tx(() => deleteCustomer(ctx, request.merchant.id, request.params.customer_id, version));
    return {};
  });
}

/** Whether the merchant has this customer profile; for APIs that take a `customer_id`. */
export function customerExists(ctx: EmulatorContext, merchantId: string, id: string): boolean {
  return ctx.stores.customers.get(merchantId, id) !== undefined;
}

/**
 * Square's profile merge (done in the Seller Dashboard, so here through the control
 * plane): a new MERGE profile takes, field by field, the first non-empty value in the
 * order the ids are given; cards, gift cards and custom attributes (per key, the first
 * profile's value) move to it; the old profiles are deleted. Orders and payments keep the old ids, as they do in Square.
 */
export function mergeCustomers(ctx: EmulatorContext, merchantId: string, ids: string[]): Customer {
  const { customers, cards, giftCards } = ctx.stores;
  if (new Set(ids).size !== ids.length)
    throw errors.invalidValue('from_customer_ids', 'The customer IDs to merge must be distinct.');
  return ctx.tx(() => {
    const sources = ids.map((id) => ctx.stores.customers.require(merchantId, id));
    const at = now();
    const merged: Customer = { id: newId.customer(), created_at: at, updated_at: at };
    for (const field of [...STRING_FIELDS, 'address', 'tax_ids'] as const) {
      const value = sources.map((s) => s[field]).find((v) => v !== undefined && v !== null && v !== '');
      if (value !== undefined) Object.assign(merged, { [field]: value });
    }
    const groups = [...new Set(sources.flatMap((s) => s.group_ids ?? []))];
    if (groups.length > 0) merged.group_ids = groups;
    // An opt-out from marketing email on any of the profiles survives the merge.
    merged.preferences = { email_unsubscribed: sources.some((s) => s.preferences?.email_unsubscribed === true) };
    merged.creation_source = 'MERGE';
    merged.version = 0;
    customers.insert(merchantId, merged.id!, merged);

    const from = new Set(ids);
    for (const { doc } of cards.all(merchantId)) {
      if (doc.customer_id && from.has(doc.customer_id)) cards.put(merchantId, doc.id!, { ...doc, customer_id: merged.id });
    }
    for (const { doc } of giftCards.all(merchantId)) {
      const linked = doc.customer_ids ?? [];
      if (!linked.some((id) => from.has(id))) continue;
      const moved = [...new Set(linked.map((id) => (from.has(id) ? merged.id! : id)))];
      giftCards.put(merchantId, doc.id!, { ...doc, customer_ids: moved });
    }
    moveCustomerAttributes(ctx, merchantId, ids, merged.id!);
    for (const id of ids) customers.delete(merchantId, id);

    // Square puts the merge context inside `data.object` of both events.
    const event_context = { merge: { from_customer_ids: ids, to_customer_id: merged.id } };
    ctx.webhooks.emit({ merchantId, type: 'customer.created', id: merged.id!, object: { customer: merged, event_context } });
    for (const source of sources) {
      ctx.webhooks.emit({
        merchantId,
        type: 'customer.deleted',
        id: source.id!,
        object: { customer: source, event_context },
        deleted: true,
      });
    }
    return merged;
  });
}

function createCustomer(ctx: EmulatorContext, merchantId: string, fields: Profile): Customer {
  validateProfile(fields);
  if (!PUBLIC_FIELDS.some((f) => fields[f]))
    throw errors.badRequest(
      'At least one of given_name, family_name, company_name, email_address, or phone_number is required for a customer',
    );
  const at = now();
  const customer: Customer = { id: newId.customer(), created_at: at, updated_at: at };
  applyProfile(customer, fields);
  customer.preferences = { email_unsubscribed: false };
  customer.creation_source = 'THIRD_PARTY';
  customer.version = 0;
  ctx.stores.customers.insert(merchantId, customer.id!, customer);
  ctx.webhooks.emit({ merchantId, type: 'customer.created', id: customer.id!, object: { customer } });
  return withSegmentIds(ctx, merchantId)(customer);
}

function updateCustomer(ctx: EmulatorContext, merchantId: string, id: string, fields: Update): Customer {
  const existing = ctx.stores.customers.require(merchantId, id);
  checkVersion(existing, fields.version);
  validateProfile(fields);
  const customer: Customer = structuredClone(existing);
  applyProfile(customer, fields);
  customer.version = Number(existing.version ?? 0) + 1;
  customer.updated_at = now();
  ctx.stores.customers.put(merchantId, id, customer);
  ctx.webhooks.emit({ merchantId, type: 'customer.updated', id, object: { customer } });
  return withSegmentIds(ctx, merchantId)(customer);
}

function deleteCustomer(ctx: EmulatorContext, merchantId: string, id: string, version: number | undefined): void {
  const customer = ctx.stores.customers.require(merchantId, id);
  checkVersion(customer, version);
  ctx.stores.customers.delete(merchantId, id);
  deleteCustomerAttributes(ctx, merchantId, id);
  ctx.webhooks.emit({ merchantId, type: 'customer.deleted', id, object: { customer }, deleted: true });
}

function checkVersion(customer: Customer, version: number | null | undefined): void {
  const current = Number(customer.version ?? 0);
  if (version !== undefined && version !== null && version !== current)
    throw errors.versionMismatch(
      `The customer ${customer.id} is at version ${current}, not at the version ${version} given in the request.`,
    );
}

/**
 * Writes the given fields onto a profile. Null (or, for strings, an empty string)
 * removes a field; address and tax_ids are updated sparsely, subfield by subfield.
 */
function applyProfile(customer: Customer, fields: Profile): void {
  const target = customer as Record<string, unknown>;
  for (const field of STRING_FIELDS) {
    const value = fields[field];
    if (value === undefined) continue;
    if (value === null || value === '') delete target[field];
    else target[field] = field === 'birthday' ? normalizeBirthday(value) : value;
  }
  if (fields.address !== undefined) {
    // Square ignores a recipient's name on a customer's address.
    const { first_name: _first, last_name: _last, ...given } = fields.address ?? {};
    const address = fields.address === null ? {} : mergeSparse<Address>(customer.address ?? {}, given);
    if (Object.keys(address).length > 0) customer.address = address;
    else delete customer.address;
  }
  if (fields.tax_ids !== undefined) {
    const taxIds = fields.tax_ids === null ? {} : mergeSparse(customer.tax_ids ?? {}, fields.tax_ids);
    if (Object.keys(taxIds).length > 0) customer.tax_ids = taxIds;
    else delete customer.tax_ids;
  }
}

function mergeSparse<T extends object>(current: T, changes: Record<string, unknown>): T {
  const out: Record<string, unknown> = { ...(current as Record<string, unknown>) };
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    if (value === null || value === '') delete out[key];
    else out[key] = value;
  }
  return out as T;
}

const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
const PHONE = /^\+?[0-9 ().-]+$/;
const BIRTHDAY = /^(?:(\d{4})-)?(\d{2})-(\d{2})$/;

/** Square's content checks beyond type and length: email, phone (9–16 digits), birthday, EU VAT id. */
function validateProfile(fields: Profile): void {
  const invalid = (code: 'INVALID_EMAIL_ADDRESS' | 'INVALID_PHONE_NUMBER' | 'INVALID_TIME' | 'INVALID_VALUE', field: string, detail: string) =>
    errors.invalid(code, detail, field);
  const { email_address: email, phone_number: phone, birthday } = fields;
  if (email && !EMAIL.test(email)) throw invalid('INVALID_EMAIL_ADDRESS', 'email_address', `Invalid email address: ${email}.`);
  if (phone) {
    const digits = phone.replace(/\D/g, '').length;
    if (!PHONE.test(phone) || digits < 9 || digits > 16)
      throw invalid('INVALID_PHONE_NUMBER', 'phone_number', `Invalid phone number: ${phone}.`);
  }
  if (birthday && !validBirthday(birthday))
    throw invalid('INVALID_TIME', 'birthday', `Invalid birthday: ${birthday}. Use YYYY-MM-DD or MM-DD.`);
  const vat = fields.tax_ids?.eu_vat;
  if (vat && !/^[A-Za-z0-9]+$/.test(vat))
    throw invalid('INVALID_VALUE', 'tax_ids.eu_vat', 'The EU VAT ID can contain alphanumeric characters only.');
}

function validBirthday(value: string): boolean {
  const m = BIRTHDAY.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1] ?? 0), Number(m[2]), Number(m[3])];
  // Year 0000 means "no year", so February 29 is allowed; a leap year is used to check it.
  const date = new Date(Date.UTC(year === 0 ? 2000 : year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Square returns birthdays as YYYY-MM-DD, with 0000 when no year was given. */
function normalizeBirthday(value: string): string {
  return /^\d{2}-\d{2}$/.test(value) ? `0000-${value}` : value;
}

function isPublic(customer: Customer): boolean {
  return PUBLIC_FIELDS.some((f) => customer[f]);
}

/**
 * DEFAULT sorts by given and family name; a profile with neither falls back to
 * company, email, then phone (compared case-insensitively). The store's seq breaks ties.
 */
function sortKey(field: (typeof SORT_FIELDS)[number]) {
  return ({ seq, doc }: Stored<Customer>): [string, number] => {
    if (field === 'CREATED_AT') return [doc.created_at ?? '', seq];
    const name = [doc.given_name, doc.family_name].filter(Boolean).join(' ');
    return [(name || doc.company_name || doc.email_address || doc.phone_number || '').toLowerCase(), seq];
  };
}

/** Square sends `{}` rather than an empty array when nothing matches. */
function pageBody(items: Customer[], cursor: string | undefined, count: number | undefined) {
  const body: { customers?: Customer[]; cursor?: string; count?: number } = {};
  if (items.length > 0) body.customers = items;
  if (cursor) body.cursor = cursor;
  if (count !== undefined) body.count = count;
  return body;
}

/** Everything in `filter` must hold (Square combines filters with AND). */
function compileFilter(
  filter: SearchFilter,
  segmentOf: (id: string) => ((customer: Customer) => boolean) | undefined,
): (customer: Customer) => boolean {
  const tests: Array<(c: Customer) => boolean> = [];
  const squash = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
  const digits = (s: string) => s.replace(/\D/g, '');

  const matchText = (
    name: 'email_address' | 'phone_number' | 'reference_id',
    exact: (value: string, query: string) => boolean,
    normalize: (s: string) => string,
  ) => {
    const f = filter[name];
    if (!f) return;
    if (f.exact && f.fuzzy)
      throw errors.invalid('CONFLICTING_PARAMETERS', 'A text filter can be exact or fuzzy, not both.', `query.filter.${name}`);
    if (f.exact) {
      const query = f.exact;
      tests.push((c) => Boolean(c[name]) && exact(c[name]!, query));
    } else if (f.fuzzy) {
      // Fuzzy: every whitespace-separated token of the query is contained in the normalized value.
      const tokens = f.fuzzy.split(/\s+/).map(normalize).filter(Boolean);
      tests.push((c) => Boolean(c[name]) && tokens.every((t) => normalize(c[name]!).includes(t)));
    }
  };
  matchText('email_address', (v, q) => v.toLowerCase() === q.toLowerCase(), squash);
  matchText('phone_number', (v, q) => e164(v) === e164(q), digits);
  matchText('reference_id', (v, q) => v === q, squash);

  for (const name of ['created_at', 'updated_at'] as const) {
    const range = filter[name];
    if (!range) continue;
    const bound = (edge: 'start_at' | 'end_at') => {
      const value = range[edge];
      if (!value) return undefined;
      const time = Date.parse(value);
      if (Number.isNaN(time))
        throw errors.invalid('INVALID_TIME', `Invalid RFC 3339 timestamp: ${value}.`, `query.filter.${name}.${edge}`);
      return time;
    };
    const start = bound('start_at');
    const end = bound('end_at');
    if (start !== undefined && end !== undefined && start > end)
      throw errors.invalid('INVALID_TIME_RANGE', 'The start of the time range is after its end.', `query.filter.${name}`);
    // Start inclusive, end exclusive.
    tests.push((c) => {
      const t = Date.parse(c[name] ?? '');
      return (start === undefined || t >= start) && (end === undefined || t < end);
    });
  }

  const source = filter.creation_source;
  if (source?.values && source.values.length > 0) {
    const values = new Set<string>(source.values);
    const include = (source.rule ?? 'INCLUDE') === 'INCLUDE';
    tests.push((c) => values.has(c.creation_source ?? '') === include);
  }

  const groups = filter.group_ids;
  if (groups) {
    tests.push((c) => {
      const member = new Set(c.group_ids ?? []);
      return (
        (!groups.all?.length || groups.all.every((g) => member.has(g))) &&
        (!groups.any?.length || groups.any.some((g) => member.has(g))) &&
        !(groups.none ?? []).some((g) => member.has(g))
      );
    });
  }

  const segments = filter.segment_ids;
  if (segments) {
    const membership = (id: string) => {
      const member = segmentOf(id);
      if (!member) throw errors.badRequest(`Segment ID ${id} is invalid.`);
      return member;
    };
    const [all, any, none] = [segments.all, segments.any, segments.none].map((ids) => (ids ?? []).map(membership));
    tests.push((c) => all!.every((m) => m(c)) && (any!.length === 0 || any!.some((m) => m(c))) && !none!.some((m) => m(c)));
  }

  // Filtering on custom attributes is not emulated: any key given is refused as unknown.
  if (filter.custom_attribute?.filters?.length)
    throw errors.badRequest('Custom attribute definition not found for the given key.');

  return (c) => tests.every((t) => t(c));
}

/** Phone numbers in their standard E.164 form; numbers stored without a country code are taken as US numbers. */
function e164(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (phone.trim().startsWith('+')) return `+${digits}`;
  return digits.length === 10 ? `+1${digits}` : `+${digits}`;
}

/** The `{key: data}` map of BulkCreate/BulkUpdate, with 1–100 entries. */
function bulkMap(body: unknown): Record<string, unknown> {
  const { customers } = parse(mapSchema, body);
  const size = Object.keys(customers).length;
  if (size === 0) throw errors.invalid('ARRAY_LENGTH_TOO_SHORT', 'Field customers must have at least 1 entry', 'customers');
  if (size > MAX_BULK)
    throw errors.invalid('ARRAY_LENGTH_TOO_LONG', `Field customers must have at most ${MAX_BULK} entries`, 'customers');
  return customers;
}

/** Ids as the keys of a bulk response (a repeated id is answered once). */
function asKeys(list: string[]): Record<string, undefined> {
  return Object.fromEntries(list.map((id) => [id, undefined]));
}
