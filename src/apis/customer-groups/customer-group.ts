import type { Square } from 'square';
import { builder } from '../../schema/builder.js';
import { customersIn } from './customer-members.js';
import { squareIdFrom } from '../../schema/ids.js';
import { CustomerConnection, CustomerRef } from '../customers/refs.js';

export const CustomerGroupRef = builder.objectRef<Square.CustomerGroup>('CustomerGroup');

builder.node(CustomerGroupRef, {
  authScopes: { CUSTOMERS_READ: true },
  description: 'A group of customers the seller made by hand (Customer Groups API), e.g. “VIP” or “Wholesale”.',
  id: { resolve: (g) => g.id! },
  loadOne: (id, ctx) => ctx.loaders.customerGroup.load(id),
  fields: (t) => ({
    squareId: t.string({ nullable: false, description: 'Square’s own id for this group.', resolve: (g) => g.id! }),
    name: t.string({ nullable: false, description: 'The group’s name, unique among the seller’s groups.', resolve: (g) => g.name }),
    createdAt: t.field({ type: 'DateTime', nullable: true, description: 'When the group was created.', resolve: (g) => g.createdAt ?? null }),
    updatedAt: t.field({ type: 'DateTime', nullable: true, description: 'When the group last changed.', resolve: (g) => g.updatedAt ?? null }),
    customers: t.connection(
      {
        extensions: { squareCalls: 'once' },
        type: CustomerRef,
        nullable: true,
        description: 'The customers in this group, oldest first (SearchCustomers by group): one Square call per page.',
        resolve: (g, args, ctx) => customersIn(ctx, args, { groupIds: { any: [g.id!] } }),
      },
      CustomerConnection,
    ),
  }),
});

builder.objectField(CustomerRef, 'groups', (t) =>
  t.field({
    type: [CustomerGroupRef],
    nullable: true,
    description: 'The groups this customer belongs to, in the order Square lists them on the profile; empty when none.',
    resolve: async (c, _args, ctx) => {
      const groups = await ctx.loaders.customerGroup.loadMany(c.groupIds ?? []);
      const failed = groups.find((g) => g instanceof Error);
      if (failed) throw failed;
      // A group deleted since the profile was read has left it: Square takes it off every member.
      return groups.filter((g): g is Square.CustomerGroup => g !== null);
    },
  }),
);

builder.queryFields((t) => ({
  customerGroup: t.field({
    authScopes: { CUSTOMERS_READ: true },
    type: CustomerGroupRef,
    nullable: true,
    description: 'One customer group by id or squareId; null when the seller has no such group.',
    args: { id: t.arg.id({ required: true, description: 'The group’s global id or its squareId.' }) },
    resolve: (_root, args, ctx) => ctx.loaders.customerGroup.load(squareIdFrom(String(args.id), 'CustomerGroup')),
  }),
  customerGroups: t.field({
    authScopes: { CUSTOMERS_READ: true },
    type: [CustomerGroupRef],
    nullable: true,
    description: 'Every customer group of the seller, oldest first.',
    resolve: (_root, _args, ctx) => ctx.loaders.customerGroups(),
  }),
}));
