import type { FastifyInstance } from 'fastify';
import { serialization, type Square } from 'square';
import { z } from 'zod';
import type { EmulatorContext } from '../context.js';
import {
  createCustomer,
  deleteCustomer,
  listCustomers,
  retrieveCustomer,
  searchCustomers,
  updateCustomer,
} from '../domain/customers.js';
import { mapEntries } from '../plumbing/bulk.js';
import { errors } from '../plumbing/errors.js';
import { parse, parseRequest, querySchema, shapes, withoutNulls, type FieldRules } from '../plumbing/validation.js';
import type { Endpoints } from './endpoints.js';

/** ListCustomers: 1–100, default 100, out of range → VALUE_TOO_LOW / VALUE_TOO_HIGH. */
const MAX_PAGE = 100;
/** Every bulk endpoint takes 1–100 items. */
const MAX_BULK = 100;

/**
 * What Square states for a profile's fields beyond the SDK's schema: the Customer object's lengths,
 * which every create and update (one at a time or in bulk) is held to.
 */
const PROFILE_RULES: FieldRules = {
  given_name: { max: 300 },
  family_name: { max: 300 },
  company_name: { max: 500 },
  nickname: { max: 100 },
  email_address: { max: 254 },
  reference_id: { max: 100 },
  'tax_ids.eu_vat': { max: 20 },
};

const listQuery = querySchema<Square.ListCustomersRequest>()({
  cursor: z.string(),
  limit: shapes.queryInt.min(1).max(MAX_PAGE),
  sortField: z.enum(['DEFAULT', 'CREATED_AT']),
  sortOrder: z.enum(['ASC', 'DESC']),
  count: shapes.queryBool,
});
const deleteQuery = querySchema<Omit<Square.DeleteCustomersRequest, 'customerId'>>()({ version: shapes.queryBigInt });

/** The ids of BulkRetrieve/BulkDelete and the map of BulkCreate/BulkUpdate take 1–100 entries (the spec's bounds; rules only cover strings). */
function checkBulkSize(field: string, size: number): void {
  if (size === 0) throw errors.invalid('ARRAY_LENGTH_TOO_SHORT', `Field ${field} must have at least 1 entry`, field);
  if (size > MAX_BULK) throw errors.invalid('ARRAY_LENGTH_TOO_LONG', `Field ${field} must have at most ${MAX_BULK} entries`, field);
}

/** Ids as the keys of a bulk response (a repeated id is answered once). */
const asKeys = (list: string[]): Record<string, undefined> => Object.fromEntries(list.map((id) => [id, undefined]));

export const CUSTOMER_ENDPOINTS: Endpoints = {
  'GET /customers': { response: 'ListCustomersResponse', scopes: ['CUSTOMERS_READ'] }, // ListCustomers
  'POST /customers': { response: 'CreateCustomerResponse', scopes: ['CUSTOMERS_WRITE'] }, // CreateCustomer
  'POST /customers/search': { response: 'SearchCustomersResponse', scopes: ['CUSTOMERS_READ'] }, // SearchCustomers
  'POST /customers/bulk-create': { response: 'BulkCreateCustomersResponse', scopes: ['CUSTOMERS_WRITE'] }, // BulkCreateCustomers
  'POST /customers/bulk-retrieve': { response: 'BulkRetrieveCustomersResponse', scopes: ['CUSTOMERS_READ'] }, // BulkRetrieveCustomers
  'POST /customers/bulk-update': { response: 'BulkUpdateCustomersResponse', scopes: ['CUSTOMERS_WRITE'] }, // BulkUpdateCustomers
  'POST /customers/bulk-delete': { response: 'BulkDeleteCustomersResponse', scopes: ['CUSTOMERS_WRITE'] }, // BulkDeleteCustomers
  'GET /customers/:customer_id': { response: 'GetCustomerResponse', scopes: ['CUSTOMERS_READ'] }, // RetrieveCustomer
  'PUT /customers/:customer_id': { response: 'UpdateCustomerResponse', scopes: ['CUSTOMERS_WRITE'] }, // UpdateCustomer
  'DELETE /customers/:customer_id': { response: 'DeleteCustomerResponse', scopes: ['CUSTOMERS_WRITE'] }, // DeleteCustomer
};

/** Customers API: CRUD, search, the four bulk endpoints, and customer.created/updated/deleted webhooks. */
export function registerCustomers(app: FastifyInstance, ctx: EmulatorContext): void {
  app.get('/customers', async (request) => listCustomers(ctx, request.merchant.id, parse(listQuery, request.query)));

  app.post('/customers', async (request, reply) => {
    const merchantId = request.merchant.id;
    const body = parseRequest(serialization.CreateCustomerRequest, request.body, PROFILE_RULES);
    const scope = { merchantId, endpoint: 'CreateCustomer', key: body.idempotency_key, request: request.body };
    return ctx.idempotency.send(reply, scope, () => ({ customer: createCustomer(ctx, merchantId, body) }));
  });

  app.post('/customers/search', async (request) =>
    searchCustomers(ctx, request.merchant.id, withoutNulls(parseRequest(serialization.SearchCustomersRequest, request.body))),
  );

  app.post('/customers/bulk-create', async (request) => {
    const merchantId = request.merchant.id;
    const { customers } = parseRequest(serialization.BulkCreateCustomersRequest, request.body);
    checkBulkSize('customers', Object.keys(customers).length);
    const responses = ctx.tx(() =>
      mapEntries(customers, (key, data) => {
        // Lengths are checked profile by profile, so that a bad one gets its own errors.
        const fields = parseRequest(serialization.BulkCreateCustomerData, data, PROFILE_RULES);
        return ctx.idempotency.answer({ merchantId, endpoint: 'BulkCreateCustomers', key, request: data }, () => ({
          customer: createCustomer(ctx, merchantId, fields),
        })).body as Record<string, unknown>;
      }),
    );
    return { responses };
  });

  app.post('/customers/bulk-retrieve', async (request) => {
    const merchantId = request.merchant.id;
    const { customer_ids } = parseRequest(serialization.BulkRetrieveCustomersRequest, request.body);
    checkBulkSize('customer_ids', customer_ids.length);
    const responses = mapEntries(asKeys(customer_ids), (id) => ({ customer: retrieveCustomer(ctx, merchantId, id) }));
    return { responses };
  });

  app.post('/customers/bulk-update', async (request) => {
    const merchantId = request.merchant.id;
    const { customers } = parseRequest(serialization.BulkUpdateCustomersRequest, request.body);
    checkBulkSize('customers', Object.keys(customers).length);
    const responses = ctx.tx(() =>
      mapEntries(customers, (id, data) => ({
        customer: updateCustomer(ctx, merchantId, id, parseRequest(serialization.BulkUpdateCustomerData, data, PROFILE_RULES)),
      })),
    );
    return { responses };
  });

  app.post('/customers/bulk-delete', async (request) => {
    const merchantId = request.merchant.id;
    const { customer_ids } = parseRequest(serialization.BulkDeleteCustomersRequest, request.body);
    checkBulkSize('customer_ids', customer_ids.length);
    const responses = ctx.tx(() =>
      mapEntries(asKeys(customer_ids), (id) => {
        deleteCustomer(ctx, merchantId, id, undefined);
        return {};
      }),
    );
    return { responses };
  });

  app.get<{ Params: { customer_id: string } }>('/customers/:customer_id', async (request) => ({
    customer: retrieveCustomer(ctx, request.merchant.id, request.params.customer_id),
  }));

  app.put<{ Params: { customer_id: string } }>('/customers/:customer_id', async (request) => {
    const fields = parseRequest(serialization.UpdateCustomerRequest, request.body, PROFILE_RULES);
    return { customer: ctx.tx(() => updateCustomer(ctx, request.merchant.id, request.params.customer_id, fields)) };
  });

  app.delete<{ Params: { customer_id: string } }>('/customers/:customer_id', async (request) => {
    const { version } = parse(deleteQuery, request.query);
    ctx.tx(() => deleteCustomer(ctx, request.merchant.id, request.params.customer_id, version));
    return {};
  });
}
