import type { FastifyInstance } from 'fastify';
import { serialization, type Square } from 'square';
import { z } from 'zod';
import type { EmulatorContext } from '../context.js';
import { ATTRIBUTE_PAGE } from '../domain/customer-attribute-definitions.js';
import { deleteAttribute, listAttributes, retrieveAttribute, upsertAttribute } from '../domain/customer-attributes.js';
import { mapEntries } from '../plumbing/bulk.js';
import { errors } from '../plumbing/errors.js';
import { parse, parseRequest, querySchema, shapes, withoutNulls, type FieldRules } from '../plumbing/validation.js';
import type { Endpoints } from './endpoints.js';

/** BulkUpsertCustomerCustomAttributes takes 1–25 upserts. */
const MAX_BULK = 25;

/** What Square states for UpsertCustomerCustomAttribute beyond the SDK's schema. */
const UPSERT_RULES: FieldRules = {
  idempotency_key: { max: 45 },
  'custom_attribute.key': { min: 1 },
};
/** The same for each entry of a bulk upsert, which also names its customer. */
const BULK_ITEM_RULES: FieldRules = { ...UPSERT_RULES, customer_id: { min: 1 } };

const listQuery = querySchema<Omit<Square.customers.ListCustomAttributesRequest, 'customerId'>>()({
  cursor: z.string(),
  limit: shapes.queryInt.min(1).max(ATTRIBUTE_PAGE.max),
  withDefinitions: shapes.queryBool,
});
const getQuery = querySchema<Omit<Square.customers.GetCustomAttributesRequest, 'customerId' | 'key'>>()({
  withDefinition: shapes.queryBool,
  version: shapes.queryInt,
});

type AttributeParams = { Params: { customer_id: string; key: string } };

export const CUSTOMER_ATTRIBUTE_ENDPOINTS: Endpoints = {
  'GET /customers/:customer_id/custom-attributes': { response: 'ListCustomerCustomAttributesResponse', scopes: ['CUSTOMERS_READ'] }, // ListCustomerCustomAttributes
  'GET /customers/:customer_id/custom-attributes/:key': { response: 'GetCustomerCustomAttributeResponse', scopes: ['CUSTOMERS_READ'] }, // RetrieveCustomerCustomAttribute
  'POST /customers/:customer_id/custom-attributes/:key': { response: 'UpsertCustomerCustomAttributeResponse', scopes: ['CUSTOMERS_WRITE'] }, // UpsertCustomerCustomAttribute
  'DELETE /customers/:customer_id/custom-attributes/:key': { response: 'DeleteCustomerCustomAttributeResponse', scopes: ['CUSTOMERS_WRITE'] }, // DeleteCustomerCustomAttribute
  'POST /customers/custom-attributes/bulk-upsert': { response: 'BatchUpsertCustomerCustomAttributesResponse', scopes: ['CUSTOMERS_WRITE'] }, // BulkUpsertCustomerCustomAttributes
};

/** Customer Custom Attributes API, values: upsert (one or in bulk), list, retrieve, delete. */
export function registerCustomerAttributes(app: FastifyInstance, ctx: EmulatorContext): void {
  app.get<{ Params: { customer_id: string } }>('/customers/:customer_id/custom-attributes', async (request) =>
    listAttributes(ctx, request.merchant.id, request.params.customer_id, parse(listQuery, request.query)),
  );

  app.get<AttributeParams>('/customers/:customer_id/custom-attributes/:key', async (request) => ({
    custom_attribute: retrieveAttribute(ctx, request.merchant.id, request.params.customer_id, request.params.key, parse(getQuery, request.query)),
  }));

  app.post<AttributeParams>('/customers/:customer_id/custom-attributes/:key', async (request, reply) => {
    const merchantId = request.merchant.id;
    const { customer_id: customerId, key } = request.params;
    const body = withoutNulls(parseRequest(serialization.customers.UpsertCustomerCustomAttributeRequest, request.body, UPSERT_RULES));
    const scope = { merchantId, endpoint: `UpsertCustomerCustomAttribute/${customerId}/${key}`, key: body.idempotency_key, request: request.body };
    return ctx.idempotency.send(reply, scope, () => ({ custom_attribute: upsertAttribute(ctx, merchantId, customerId, key, body.custom_attribute) }));
  });

  app.delete<AttributeParams>('/customers/:customer_id/custom-attributes/:key', async (request) => {
    ctx.tx(() => deleteAttribute(ctx, request.merchant.id, request.params.customer_id, request.params.key));
    return {};
  });

  app.post('/customers/custom-attributes/bulk-upsert', async (request) => {
    const merchantId = request.merchant.id;
    const { values } = parseRequest(serialization.customers.BatchUpsertCustomerCustomAttributesRequest, request.body);
    // The spec's 1–25 bounds on the map; rules only cover strings.
    const size = Object.keys(values).length;
    if (size === 0) throw errors.invalid('ARRAY_LENGTH_TOO_SHORT', 'Field values must have at least 1 entry', 'values');
    if (size > MAX_BULK) throw errors.invalid('ARRAY_LENGTH_TOO_LONG', `Field values must have at most ${MAX_BULK} entries`, 'values');
    const responses = ctx.tx(() =>
      mapEntries(values, (_id, raw) => {
        // Lengths are checked entry by entry, so that a bad entry gets its own errors.
        const item = withoutNulls(
          parseRequest(serialization.BatchUpsertCustomerCustomAttributesRequestCustomerCustomAttributeUpsertRequest, raw, BULK_ITEM_RULES),
        );
        // Each entry names its attribute in the body, where the single upsert has it in the path.
        const key = item.custom_attribute.key;
        if (key === undefined) throw errors.missing('custom_attribute.key');
        const scope = { merchantId, endpoint: `UpsertCustomerCustomAttribute/${item.customer_id}/${key}`, key: item.idempotency_key, request: raw };
        return ctx.idempotency.answer(scope, () => ({
          customer_id: item.customer_id,
          custom_attribute: upsertAttribute(ctx, merchantId, item.customer_id, key, item.custom_attribute),
        })).body as Record<string, unknown>;
      }),
    );
    return { values: responses };
  });
}
