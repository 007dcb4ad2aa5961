import type { FastifyInstance } from 'fastify';
import { serialization, type Square } from 'square';
import { z } from 'zod';
import type { EmulatorContext } from '../context.js';
import {
  GROUP_PAGE,
  addGroupToCustomer,
  createGroup,
  deleteGroup,
  listGroups,
  removeGroupFromCustomer,
  retrieveGroup,
  updateGroup,
} from '../domain/customer-groups.js';
import { parse, parseRequest, querySchema, shapes, type FieldRules } from '../plumbing/validation.js';
import type { Endpoints } from './endpoints.js';

/**
 * A group needs a name: the spec gives no length, but an empty name names nothing, and the
 * emulator refuses it as too short.
 */
const GROUP_RULES: FieldRules = { 'group.name': { min: 1 } };

const listQuery = querySchema<Square.customers.ListGroupsRequest>()({
  cursor: z.string(),
  limit: shapes.queryInt.min(1).max(GROUP_PAGE),
});

type GroupParams = { Params: { group_id: string } };
type MembershipParams = { Params: { customer_id: string; group_id: string } };

export const CUSTOMER_GROUP_ENDPOINTS: Endpoints = {
  'GET /customers/groups': { response: 'ListCustomerGroupsResponse', scopes: ['CUSTOMERS_READ'] }, // ListCustomerGroups
  'POST /customers/groups': { response: 'CreateCustomerGroupResponse', scopes: ['CUSTOMERS_WRITE'] }, // CreateCustomerGroup
  'GET /customers/groups/:group_id': { response: 'GetCustomerGroupResponse', scopes: ['CUSTOMERS_READ'] }, // RetrieveCustomerGroup
  'PUT /customers/groups/:group_id': { response: 'UpdateCustomerGroupResponse', scopes: ['CUSTOMERS_WRITE'] }, // UpdateCustomerGroup
  'DELETE /customers/groups/:group_id': { response: 'DeleteCustomerGroupResponse', scopes: ['CUSTOMERS_WRITE'] }, // DeleteCustomerGroup
  'PUT /customers/:customer_id/groups/:group_id': { response: 'AddGroupToCustomerResponse', scopes: ['CUSTOMERS_WRITE'] }, // AddGroupToCustomer
  'DELETE /customers/:customer_id/groups/:group_id': { response: 'RemoveGroupFromCustomerResponse', scopes: ['CUSTOMERS_WRITE'] }, // RemoveGroupFromCustomer
};

/** Customer Groups API (CRUD) and the Customers API's AddGroupToCustomer / RemoveGroupFromCustomer. */
export function registerCustomerGroups(app: FastifyInstance, ctx: EmulatorContext): void {
  app.get('/customers/groups', async (request) => listGroups(ctx, request.merchant.id, parse(listQuery, request.query)));

  app.post('/customers/groups', async (request, reply) => {
    const merchantId = request.merchant.id;
    const body = parseRequest(serialization.customers.CreateCustomerGroupRequest, request.body, GROUP_RULES);
    const scope = { merchantId, endpoint: 'CreateCustomerGroup', key: body.idempotency_key, request: request.body };
    return ctx.idempotency.send(reply, scope, () => ({ group: createGroup(ctx, merchantId, body.group.name) }));
  });

  app.get<GroupParams>('/customers/groups/:group_id', async (request) => ({
    group: retrieveGroup(ctx, request.merchant.id, request.params.group_id),
  }));

  app.put<GroupParams>('/customers/groups/:group_id', async (request) => {
    const { group } = parseRequest(serialization.customers.UpdateCustomerGroupRequest, request.body, GROUP_RULES);
    return { group: ctx.tx(() => updateGroup(ctx, request.merchant.id, request.params.group_id, group.name)) };
  });

  app.delete<GroupParams>('/customers/groups/:group_id', async (request) => {
    ctx.tx(() => deleteGroup(ctx, request.merchant.id, request.params.group_id));
    return {};
  });

  app.put<MembershipParams>('/customers/:customer_id/groups/:group_id', async (request) => {
    ctx.tx(() => addGroupToCustomer(ctx, request.merchant.id, request.params.customer_id, request.params.group_id));
    return {};
  });

  app.delete<MembershipParams>('/customers/:customer_id/groups/:group_id', async (request) => {
    ctx.tx(() => removeGroupFromCustomer(ctx, request.merchant.id, request.params.customer_id, request.params.group_id));
    return {};
  });
}
