import type { serialization } from 'square';
import { now, type EmulatorContext } from '../context.js';
import { newId } from '../plumbing/ids.js';
import { paginate } from '../plumbing/pagination.js';

/**
 * Customer Groups API (CRUD) and the Customers API's AddGroupToCustomer /
 * RemoveGroupFromCustomer. Membership lives on the customer (`group_ids`): changing it
 * is a profile update (version + 1, `customer.updated`), and deleting a group takes it
 * off every member.
 */

type Group = serialization.CustomerGroup.Raw;
type Customer = serialization.Customer.Raw;

/** ListCustomerGroups: 1–50, default 50. */
export const GROUP_PAGE = 50;

export function listGroups(ctx: EmulatorContext, merchantId: string, query: { cursor?: string; limit?: number }) {
  const page = paginate({
    items: ctx.stores.customerGroups.all(merchantId),
    key: ({ seq }) => [seq],
    limit: query.limit ?? GROUP_PAGE,
    cursor: query.cursor,
    query: 'ListCustomerGroups',
  });
  return {
    ...(page.items.length > 0 ? { groups: page.items.map((s) => s.doc) } : {}),
    ...(page.cursor ? { cursor: page.cursor } : {}),
  };
}

export function retrieveGroup(ctx: EmulatorContext, merchantId: string, id: string): Group {
  return ctx.stores.customerGroups.require(merchantId, id, 'group_id');
}

/** Only the name is the caller's: the id and the timestamps in a request are Square's and not read. */
export function createGroup(ctx: EmulatorContext, merchantId: string, name: string): Group {
  const at = now();
  const group: Group = { id: newId.customerGroup(), name, created_at: at, updated_at: at };
  ctx.stores.customerGroups.insert(merchantId, group.id!, group);
  return group;
}

export function updateGroup(ctx: EmulatorContext, merchantId: string, id: string, name: string): Group {
  const group: Group = { ...retrieveGroup(ctx, merchantId, id), name, updated_at: now() };
  ctx.stores.customerGroups.put(merchantId, group.id!, group);
  return group;
}

export function deleteGroup(ctx: EmulatorContext, merchantId: string, groupId: string): void {
  const { id } = retrieveGroup(ctx, merchantId, groupId);
  for (const { doc } of ctx.stores.customers.all(merchantId)) {
    if (doc.group_ids?.includes(id!)) setGroups(ctx, merchantId, doc, doc.group_ids.filter((g) => g !== id));
  }
  ctx.stores.customerGroups.delete(merchantId, id!);
}

export function addGroupToCustomer(ctx: EmulatorContext, merchantId: string, customerId: string, groupId: string): void {
  const customer = ctx.stores.customers.require(merchantId, customerId, 'customer_id');
  const { id } = retrieveGroup(ctx, merchantId, groupId);
  const current = customer.group_ids ?? [];
  // Adding a member twice changes nothing, as in Square.
  if (!current.includes(id!)) setGroups(ctx, merchantId, customer, [...current, id!]);
}

export function removeGroupFromCustomer(ctx: EmulatorContext, merchantId: string, customerId: string, groupId: string): void {
  const customer = ctx.stores.customers.require(merchantId, customerId, 'customer_id');
  const { id } = retrieveGroup(ctx, merchantId, groupId);
  const current = customer.group_ids ?? [];
  if (current.includes(id!)) setGroups(ctx, merchantId, customer, current.filter((g) => g !== id));
}

/** Square leaves `group_ids` out of a profile that belongs to no group. */
function setGroups(ctx: EmulatorContext, merchantId: string, customer: Customer, groupIds: string[]): void {
  const { group_ids: _old, ...rest } = customer;
  const updated: Customer = {
    ...rest,
    ...(groupIds.length > 0 ? { group_ids: groupIds } : {}),
    version: Number(customer.version ?? 0) + 1,
    updated_at: now(),
  };
  ctx.stores.customers.put(merchantId, updated.id!, updated);
  ctx.webhooks.emit({ merchantId, type: 'customer.updated', id: updated.id!, object: { customer: updated } });
}
