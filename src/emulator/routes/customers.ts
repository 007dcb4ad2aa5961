import type { FastifyInstance } from 'fastify';
import { Square, type serialization } from 'square';
import { z } from 'zod';
import type { EmulatorContext } from '../context.js';
import { mapEntries } from '../bulk.js';
import {
  SORT_FIELDS,
  compileFilter,
  createCustomer,
  deleteCustomer,
  isPublic,
  sortKey,
  updateCustomer,
} from '../domain/customers.js';
import { errors } from '../errors.js';
import { paginate } from '../pagination.js';
import { parse, shapes } from '../validation.js';
import { segmentMembership, withSegmentIds } from './customer-segments.js';

type Customer = serialization.Customer.Raw;
type CreationSource = serialization.CustomerCreationSource.Raw;

const COUNTRIES = Object.values(Square.Country) as [serialization.Country.Raw, ...serialization.Country.Raw[]];
const CREATION_SOURCES = Object.values(Square.CustomerCreationSource) as [CreationSource, ...CreationSource[]];
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

const createSchema = profileSchema.extend({ idempotency_key: text() });
const updateSchema = profileSchema.extend({ version: opt(z.number().int()) });

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

/** Square sends `{}` rather than an empty array when nothing matches. */
function pageBody(items: Customer[], cursor: string | undefined, count: number | undefined) {
  const body: { customers?: Customer[]; cursor?: string; count?: number } = {};
  if (items.length > 0) body.customers = items;
  if (cursor) body.cursor = cursor;
  if (count !== undefined) body.count = count;
  return body;
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
