import type { serialization } from 'square';
import { now, type CustomerAttribute, type EmulatorContext } from '../context.js';
import { errors } from '../plumbing/errors.js';
import { paginate } from '../plumbing/pagination.js';
import { ATTRIBUTE_PAGE, attributeId, checkReadVersion, checkWriteVersion, validateValue } from './customer-attribute-definitions.js';

/**
 * Customer Custom Attributes API, values: upsert (one at a time or in bulk, each with optional
 * idempotency and optimistic concurrency), list, retrieve, delete. Every value is checked
 * against its definition's schema. A customer's attributes follow the profile: deleted with it,
 * moved by a merge.
 */

type Attribute = serialization.CustomAttribute.Raw;
/** What an upsert writes: the value, and the version it expects to replace. */
export interface Upsert {
  value?: unknown;
  version?: number | undefined;
}

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

export function upsertAttribute(ctx: EmulatorContext, merchantId: string, customerId: string, key: string, fields: Upsert): Attribute {
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
  emitAttributeEvent(ctx, merchantId, customerId, key, rendered, 'updated');
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


export function listAttributes(
  ctx: EmulatorContext,
  merchantId: string,
  customerId: string,
  query: { cursor?: string; limit?: number; with_definitions?: boolean },
) {
  ctx.stores.customers.require(merchantId, customerId, 'customer_id');
  const withDefinitions = query.with_definitions ?? false;
  const page = paginate({
    items: ctx.stores.customerAttributes.all(merchantId).filter(({ doc }) => doc.customer_id === customerId),
    key: ({ seq }) => [seq],
    limit: query.limit ?? ATTRIBUTE_PAGE.default,
    cursor: query.cursor,
    query: { endpoint: 'ListCustomerCustomAttributes', customerId, with: withDefinitions },
  });
  if (page.items.length === 0) return {};
  return {
    custom_attributes: page.items.map((s) => render(ctx, merchantId, s.doc.custom_attribute, withDefinitions)),
    ...(page.cursor ? { cursor: page.cursor } : {}),
  };
}

export function retrieveAttribute(
  ctx: EmulatorContext,
  merchantId: string,
  customerId: string,
  key: string,
  query: { version?: number; with_definition?: boolean },
): Attribute {
  const attribute = findAttribute(ctx, merchantId, customerId, key);
  checkReadVersion(Number(attribute.version ?? 1), query.version);
  return render(ctx, merchantId, attribute, query.with_definition ?? false);
}

export function deleteAttribute(ctx: EmulatorContext, merchantId: string, customerId: string, key: string): void {
  const attribute = render(ctx, merchantId, findAttribute(ctx, merchantId, customerId, key), false);
  ctx.stores.customerAttributes.delete(merchantId, attributeId(customerId, key));
  emitAttributeEvent(ctx, merchantId, customerId, key, attribute, 'deleted');
}

/** Square's event for a change of one customer's attribute: its id is `<key>:<customer id>`. */
function emitAttributeEvent(ctx: EmulatorContext, merchantId: string, customerId: string, key: string, attribute: object, change: 'updated' | 'deleted'): void {
  ctx.webhooks.emit({
    merchantId,
    type: `customer.custom_attribute.owned.${change}`,
    dataType: 'custom_attribute',
    id: `${key}:${customerId}`,
    object: { custom_attribute: attribute },
    ...(change === 'deleted' ? { deleted: true } : {}),
  });
}
