import type { GatewayContext } from '../../context/gateway-context.js';
import { staleAfter } from '../customers/events.js';
import { builder } from '../../schema/builder.js';
import { NotFoundError, ValidationError } from '../../schema/errors.js';
import { CustomerRef } from '../customers/refs.js';
import { idInput, mutationErrors, squareWrite } from '../../schema/write.js';

const GroupMembershipInput = builder.inputType('GroupMembershipInput', {
  description: 'A customer and one of the seller’s customer groups.',
  fields: (t) => ({
    customerId: t.id({ required: true, description: 'The customer’s id or squareId.' }),
    groupId: t.id({ required: true, description: 'The group’s id or squareId.' }),
  }),
});

/** Square's refusals name the path's parameters. */
const MEMBERSHIP_FIELDS = { customer_id: 'input.customerId', group_id: 'input.groupId' };

/**
 * Adds or removes a membership (AddGroupToCustomer / RemoveGroupFromCustomer), which
 * Square keeps on the profile: the answer is the customer as it now stands. Square takes
 * no idempotency key, but doing either twice changes nothing, so an unknown outcome is
 * settled by reading the profile and, if it does not show the change, sending it again.
 */
async function changeMembership(ctx: GatewayContext, input: { customerId: string | number; groupId: string | number }, member: boolean) {
  const customerId = idInput(input.customerId, 'Customer', 'input.customerId');
  const groupId = idInput(input.groupId, 'CustomerGroup', 'input.groupId');
  await squareWrite(ctx, {
    send: () => (member ? ctx.square.customers.groups.add({ customerId, groupId }) : ctx.square.customers.groups.remove({ customerId, groupId })),
    settle: async () => {
      const current = await ctx.loaders.currentCustomer(customerId);
      return current && (current.groupIds ?? []).includes(groupId) === member ? {} : undefined;
    },
    fields: MEMBERSHIP_FIELDS,
    stale: () => staleAfter.customer(customerId),
  });
  const customer = await ctx.loaders.customer.clear(customerId).load(customerId);
  if (!customer) throw new NotFoundError('No customer with this id exists for this seller.', 'input.customerId');
  return customer;
}

const MEMBERSHIP_ERRORS = [ValidationError, NotFoundError];

builder.mutationFields((t) => ({
  addCustomerToGroup: t.field({
    type: CustomerRef,
    description: 'Puts a customer in a customer group (Square AddGroupToCustomer); adding a member again changes nothing.',
    authScopes: { CUSTOMERS_WRITE: true },
    errors: mutationErrors('addCustomerToGroup', MEMBERSHIP_ERRORS, { name: 'customer', description: 'The customer, now in the group.' }),
    args: { input: t.arg({ type: GroupMembershipInput, required: true, description: 'Which customer, which group.' }) },
    resolve: (_root, { input }, ctx) => changeMembership(ctx, input, true),
  }),
  removeCustomerFromGroup: t.field({
    type: CustomerRef,
    description: 'Takes a customer out of a customer group (Square RemoveGroupFromCustomer); removing a non-member changes nothing.',
    authScopes: { CUSTOMERS_WRITE: true },
    errors: mutationErrors('removeCustomerFromGroup', MEMBERSHIP_ERRORS, { name: 'customer', description: 'The customer, no longer in the group.' }),
    args: { input: t.arg({ type: GroupMembershipInput, required: true, description: 'Which customer, which group.' }) },
    resolve: (_root, { input }, ctx) => changeMembership(ctx, input, false),
  }),
}));
