import type { Square } from 'square';
import { builder } from '../../schema/builder.js';
import { customersIn } from '../customer-groups/customer-members.js';
import { squareIdFrom } from '../../schema/ids.js';
import { CustomerConnection, CustomerRef } from '../customers/refs.js';

export const CustomerSegmentRef = builder.objectRef<Square.CustomerSegment>('CustomerSegment');

builder.node(CustomerSegmentRef, {
  authScopes: { CUSTOMERS_READ: true },
  description:
    'A segment of customers (a Smart Group) whose members Square works out from rules the seller set in the Seller Dashboard, e.g. “Reachable by email”. Read-only through the API.',
  id: { resolve: (s) => s.id! },
  loadOne: (id, ctx) => ctx.loaders.customerSegment.load(id),
  fields: (t) => ({
    squareId: t.string({ nullable: false, description: 'Square’s own id for this segment.', resolve: (s) => s.id! }),
    name: t.string({ nullable: true, description: 'The segment’s name as the seller sees it.', resolve: (s) => s.name ?? null }),
    createdAt: t.field({ type: 'DateTime', nullable: true, description: 'When the segment was created.', resolve: (s) => s.createdAt ?? null }),
    updatedAt: t.field({ type: 'DateTime', nullable: true, description: 'When the segment last changed.', resolve: (s) => s.updatedAt ?? null }),
    customers: t.connection(
      {
        extensions: { squareCalls: 'once' },
        type: CustomerRef,
        nullable: true,
        description: 'The customers in this segment now, oldest first (SearchCustomers by segment): one Square call per page.',
        resolve: (s, args, ctx) => customersIn(ctx, args, { segmentIds: { any: [s.id!] } }),
      },
      CustomerConnection,
    ),
  }),
});

builder.objectField(CustomerRef, 'segments', (t) =>
  t.field({
    type: [CustomerSegmentRef],
    nullable: true,
    description:
      'The segments this customer belongs to, from the profile’s segment ids as Square last computed them; empty when none. Square updates membership on its own, with no webhook.',
    resolve: async (c, _args, ctx) => {
      const segments = await ctx.loaders.customerSegment.loadMany(c.segmentIds ?? []);
      const failed = segments.find((s) => s instanceof Error);
      if (failed) throw failed;
      return segments.filter((s): s is Square.CustomerSegment => s !== null);
    },
  }),
);

builder.queryFields((t) => ({
  customerSegment: t.field({
    authScopes: { CUSTOMERS_READ: true },
    type: CustomerSegmentRef,
    nullable: true,
    description: 'One customer segment by id or squareId; null when the seller has no such segment.',
    args: { id: t.arg.id({ required: true, description: 'The segment’s global id or its squareId.' }) },
    resolve: (_root, args, ctx) => ctx.loaders.customerSegment.load(squareIdFrom(String(args.id), 'CustomerSegment')),
  }),
  customerSegments: t.field({
    authScopes: { CUSTOMERS_READ: true },
    type: [CustomerSegmentRef],
    nullable: true,
    description: 'Every customer segment of the seller, in the order Square lists them.',
    resolve: (_root, _args, ctx) => ctx.loaders.customerSegments(),
  }),
}));
