import type { FastifyInstance } from 'fastify';
import type { serialization } from 'square';
import { z } from 'zod';
import { now, type EmulatorContext } from '../context.js';
import { newId } from '../ids.js';
import { paginate } from '../pagination.js';
import { parse, shapes } from '../validation.js';

type Group = serialization.CustomerGroup.Raw;
type Customer = serialization.Customer.Raw;

/** ListCustomerGroups: 1–50, default 50; out of range → VALUE_TOO_LOW / VALUE_TOO_HIGH. */
const MAX_PAGE = 50;

const groupSchema = z.object({ name: z.string().min(1) });
const createSchema = z.object({ idempotency_key: shapes.idempotencyKey(1, 45).optional(), group: groupSchema });
const updateSchema = z.object({ group: groupSchema });
const listQuery = z.object({ cursor: z.string().optional(), limit: shapes.queryInt.min(1).max(MAX_PAGE).optional() });

type GroupParams = { Params: { group_id: string } };
type MembershipParams = { Params: { customer_id: string; group_id: string } };

/**
 * Customer Groups API (CRUD) and the Customers API's AddGroupToCustomer /
 * RemoveGroupFromCustomer. Membership lives on the customer (`group_ids`): changing it
 * is a profile update (version + 1, `customer.updated`), and deleting a group takes it
 * off every member.
 */
export function registerCustomerGroups(app: FastifyInstance, ctx: EmulatorContext): void {
  const { customerGroups: groups, customers } = ctx.stores;

  app.get('/customers/groups', async (request) => {
    const q = parse(listQuery, request.query);
    const page = paginate({
      items: groups.all(request.merchant.id),
      key: ({ seq }) => [seq],
      limit: q.limit ?? MAX_PAGE,
      cursor: q.cursor,
      query: 'ListCustomerGroups',
    });
    return {
      ...(page.items.length > 0 ? { groups: page.items.map((s) => s.doc) } : {}),
      ...(page.cursor ? { cursor: page.cursor } : {}),
    };
  });

  app.post('/customers/groups', async (request, reply) => {
    const merchantId = request.merchant.id;
    const body = parse(createSchema, request.body);
    const create = () => {
      const at = now();
      const group: Group = { id: newId.customerGroup(), name: body.group.name, created_at: at, updated_at: at };
      groups.insert(merchantId, group.id!, group);
      return { status: 200, body: { group } };
    };
    const result = body.idempotency_key
      ? ctx.idempotency.run(merchantId, 'CreateCustomerGroup', body.idempotency_key, request.body, create)
      : ctx.tx(create);
    return reply.code(result.status).send(result.body);
  });

  app.get<GroupParams>('/customers/groups/:group_id', async (request) => ({
    group: ctx.stores.customerGroups.require(request.merchant.id, request.params.group_id, 'group_id'),
  }));

  app.put<GroupParams>('/customers/groups/:group_id', async (request) => {
    const merchantId = request.merchant.id;
    const { group: fields } = parse(updateSchema, request.body);
    return ctx.tx(() => {
      const group: Group = { ...ctx.stores.customerGroups.require(merchantId, request.params.group_id, 'group_id'), ...fields, updated_at: now() };
      groups.put(merchantId, group.id!, group);
      return { group };
    });
  });

  app.delete<GroupParams>('/customers/groups/:group_id', async (request) => {
    const merchantId = request.merchant.id;
    ctx.tx(() => {
      const { id } = ctx.stores.customerGroups.require(merchantId, request.params.group_id, 'group_id');
      for (const { doc } of customers.all(merchantId)) {
        if (doc.group_ids?.includes(id!)) setGroups(ctx, merchantId, doc, doc.group_ids.filter((g) => g !== id));
      }
      groups.delete(merchantId, id!);
    });
    return {};
  });

  app.put<MembershipParams>('/customers/:customer_id/groups/:group_id', async (request) => {
    const merchantId = request.merchant.id;
    ctx.tx(() => {
      const customer = ctx.stores.customers.require(merchantId, request.params.customer_id, 'customer_id');
      const { id } = ctx.stores.customerGroups.require(merchantId, request.params.group_id, 'group_id');
      const current = customer.group_ids ?? [];
      // Adding a member twice changes nothing, as in Square.
      if (!current.includes(id!)) setGroups(ctx, merchantId, customer, [...current, id!]);
    });
    return {};
  });

  app.delete<MembershipParams>('/customers/:customer_id/groups/:group_id', async (request) => {
    const merchantId = request.merchant.id;
    ctx.tx(() => {
      const customer = ctx.stores.customers.require(merchantId, request.params.customer_id, 'customer_id');
      const { id } = ctx.stores.customerGroups.require(merchantId, request.params.group_id, 'group_id');
      const current = customer.group_ids ?? [];
      if (current.includes(id!)) setGroups(ctx, merchantId, customer, current.filter((g) => g !== id));
    });
    return {};
  });
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
