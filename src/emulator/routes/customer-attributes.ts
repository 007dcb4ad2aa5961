import type { FastifyInstance } from 'fastify';
import type { serialization } from 'square';
import { z } from 'zod';
import { mapEntries } from '../bulk.js';
import { now, type CustomerAttribute, type EmulatorContext } from '../context.js';
import { errors } from '../errors.js';
import { paginate } from '../pagination.js';
import { parse, shapes } from '../validation.js';
import {
  ATTRIBUTE_PAGE,
  attributeId,
  checkReadVersion,
  checkWriteVersion,
  validateValue,
} from './customer-attribute-definitions.js';

type Attribute = serialization.CustomAttribute.Raw;

/** BulkUpsertCustomerCustomAttributes takes 1–25 upserts. */
const MAX_BULK = 25;

const attributeFields = z.object({ key: z.string().optional(), value: z.unknown(), version: z.number().int().optional() });
const upsertSchema = z.object({ custom_attribute: attributeFields, idempotency_key: shapes.idempotencyKey(1, 45).optional() });
const bulkItem = z.object({
  customer_id: z.string().min(1),
  custom_attribute: attributeFields.extend({ key: z.string().min(1) }),
  idempotency_key: shapes.idempotencyKey(1, 45).optional(),
});
const bulkSchema = z.object({ values: z.record(z.string(), z.unknown()) });
const listQuery = z.object({
  cursor: z.string().optional(),
  limit: shapes.queryInt.min(1).max(ATTRIBUTE_PAGE.max).optional(),
  with_definitions: shapes.queryBool.optional(),
});
const getQuery = z.object({ with_definition: shapes.queryBool.optional(), version: shapes.queryInt.optional() });

type Upsert = z.output<typeof attributeFields>;
type AttributeParams = { Params: { customer_id: string; key: string } };

/** An attribute as Square answers it: visibility is always the definition's current one. */
function render(ctx: EmulatorContext, merchantId: string, attribute: Attribute, withDefinition: boolean): Attribute {
  const definition = ctx.stores.customerAttributeDefinitions.require(merchantId, attribute.key!, 'key');
  return {
    ...attribute,
    visibility: definition.visibility ?? 'VISIBILITY_HIDDEN',
    ...(withDefinition ? { definition } : {}),
  };
}

function findAttribute(ctx: EmulatorContext, merchantId: string, customerId: string, key: string): Attribute {
  ctx.stores.customers.require(merchantId, customerId, 'customer_id');
  ctx.stores.customerAttributeDefinitions.require(merchantId, key, 'key');
  const stored = ctx.stores.customerAttributes.get(merchantId, attributeId(customerId, key));
  if (!stored) throw errors.notFound(`Custom attribute \`${key}\` not found for customer \`${customerId}\`.`, 'key');
  return stored.custom_attribute;
}

function upsert(ctx: EmulatorContext, merchantId: string, customerId: string, key: string, fields: Upsert): Attribute {
  ctx.stores.customers.require(merchantId, customerId, 'customer_id');
  const definition = ctx.stores.customerAttributeDefinitions.require(merchantId, key, 'key');
  validateValue(definition, fields.value, 'custom_attribute.value');
  const id = attributeId(customerId, key);
  const existing = ctx.stores.customerAttributes.get(merchantId, id)?.custom_attribute;
  checkWriteVersion(Number(existing?.version ?? 0), fields.version, 'custom attribute');
  const at = now();
  const attribute: Attribute = {
    key,
    value: fields.value,
    version: Number(existing?.version ?? 0) + 1,
    updated_at: at,
    created_at: existing?.created_at ?? at,
  };
  const doc: CustomerAttribute = { customer_id: customerId, custom_attribute: attribute };
  if (existing) ctx.stores.customerAttributes.put(merchantId, id, doc);
  else ctx.stores.customerAttributes.insert(merchantId, id, doc);
  const rendered = render(ctx, merchantId, attribute, false);
  ctx.webhooks.emit({
    merchantId,
    type: 'customer.custom_attribute.owned.updated',
    dataType: 'custom_attribute',
    id: `${key}:${customerId}`,
    object: { custom_attribute: rendered },
  });
  return rendered;
}

/** A customer's attributes go with the profile (Square keeps none of a deleted customer). */
export function deleteCustomerAttributes(ctx: EmulatorContext, merchantId: string, customerId: string): void {
  for (const { doc } of ctx.stores.customerAttributes.all(merchantId)) {
    if (doc.customer_id === customerId) ctx.stores.customerAttributes.delete(merchantId, attributeId(customerId, doc.custom_attribute.key!));
  }
}

/** A merge gives the new profile each key's value from the first merged profile that has one. */
export function moveCustomerAttributes(ctx: EmulatorContext, merchantId: string, fromIds: string[], toId: string): void {
  const { customerAttributes: attributes } = ctx.stores;
  const all = attributes.all(merchantId);
  for (const fromId of fromIds) {
    for (const { doc } of all.filter((s) => s.doc.customer_id === fromId)) {
      const key = doc.custom_attribute.key!;
      if (!attributes.get(merchantId, attributeId(toId, key)))
        attributes.insert(merchantId, attributeId(toId, key), { customer_id: toId, custom_attribute: doc.custom_attribute });
    }
    deleteCustomerAttributes(ctx, merchantId, fromId);
  }
}

/**
 * Customer Custom Attributes API, values: upsert (one or in bulk, each with optional
 * idempotency and optimistic concurrency), list, retrieve, delete. Every value is checked
 * against its definition's schema.
 */
export function registerCustomerAttributes(app: FastifyInstance, ctx: EmulatorContext): void {
  const { customerAttributes: attributes } = ctx.stores;

  app.get<{ Params: { customer_id: string } }>('/customers/:customer_id/custom-attributes', async (request) => {
    const merchantId = request.merchant.id;
    const { customer_id: customerId } = request.params;
    const q = parse(listQuery, request.query);
    ctx.stores.customers.require(merchantId, customerId, 'customer_id');
    const page = paginate({
      items: attributes.all(merchantId).filter(({ doc }) => doc.customer_id === customerId),
      key: ({ seq }) => [seq],
      limit: q.limit ?? ATTRIBUTE_PAGE.default,
      cursor: q.cursor,
      query: { endpoint: 'ListCustomerCustomAttributes', customerId, with: q.with_definitions ?? false },
    });
    if (page.items.length === 0) return {};
    return {
      custom_attributes: page.items.map((s) => render(ctx, merchantId, s.doc.custom_attribute, q.with_definitions ?? false)),
      ...(page.cursor ? { cursor: page.cursor } : {}),
    };
  });

  app.get<AttributeParams>('/customers/:customer_id/custom-attributes/:key', async (request) => {
    const merchantId = request.merchant.id;
    const q = parse(getQuery, request.query);
    const attribute = findAttribute(ctx, merchantId, request.params.customer_id, request.params.key);
    checkReadVersion(Number(attribute.version ?? 1), q.version);
    return { custom_attribute: render(ctx, merchantId, attribute, q.with_definition ?? false) };
  });

  app.post<AttributeParams>('/customers/:customer_id/custom-attributes/:key', async (request, reply) => {
    const merchantId = request.merchant.id;
    const { customer_id: customerId, key } = request.params;
    const body = parse(upsertSchema, request.body);
    const run = () => ({ status: 200, body: { custom_attribute: upsert(ctx, merchantId, customerId, key, body.custom_attribute) } });
    const result = body.idempotency_key
      ? ctx.idempotency.run(merchantId, `UpsertCustomerCustomAttribute/${customerId}/${key}`, body.idempotency_key, request.body, run)
      : ctx.tx(run);
    return reply.code(result.status).send(result.body);
  });

  app.delete<AttributeParams>('/customers/:customer_id/custom-attributes/:key', async (request) => {
    const merchantId = request.merchant.id;
    const { customer_id: customerId, key } = request.params;
    ctx.tx(() => {
      const attribute = render(ctx, merchantId, findAttribute(ctx, merchantId, customerId, key), false);
      attributes.delete(merchantId, attributeId(customerId, key));
      ctx.webhooks.emit({
        merchantId,
        type: 'customer.custom_attribute.owned.deleted',
        dataType: 'custom_attribute',
        id: `${key}:${customerId}`,
        object: { custom_attribute: attribute },
        deleted: true,
      });
    });
    return {};
  });

  app.post('/customers/custom-attributes/bulk-upsert', async (request) => {
    const merchantId = request.merchant.id;
    const { values } = parse(bulkSchema, request.body);
    const size = Object.keys(values).length;
    if (size === 0) throw errors.invalid('ARRAY_LENGTH_TOO_SHORT', 'Field values must have at least 1 entry', 'values');
    if (size > MAX_BULK) throw errors.invalid('ARRAY_LENGTH_TOO_LONG', `Field values must have at most ${MAX_BULK} entries`, 'values');
    const responses = ctx.tx(() =>
      mapEntries(values, (_id, raw) => {
        const item = parse(bulkItem, raw);
        const { key, ...fields } = item.custom_attribute;
        const run = () => ({
          status: 200,
          body: { customer_id: item.customer_id, custom_attribute: upsert(ctx, merchantId, item.customer_id, key, fields) },
        });
        const endpoint = `UpsertCustomerCustomAttribute/${item.customer_id}/${key}`;
        return (item.idempotency_key ? ctx.idempotency.run(merchantId, endpoint, item.idempotency_key, raw, run) : run())
          .body as Record<string, unknown>;
      }),
    );
    return { values: responses };
  });
}
