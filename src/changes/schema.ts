import { brandWithType, type OutputType, type SchemaTypes } from '@pothos/core';
import { resolveNodes } from '@pothos/plugin-relay';
import { GraphQLError } from 'graphql';
import type { Change } from '../context/gateway-context.js';
import { builder } from '../schema/builder.js';
import { familyOf } from './feed.js';

const ChangeRef = builder.objectRef<Change>('Change');

ChangeRef.implement({
  description: 'A change of the seller’s data: one Square event the gateway received and applied (a webhook), with the object it is about.',
  fields: (t) => ({
    eventId: t.exposeString('eventId', { nullable: false, description: 'Square’s id of the event.' }),
    type: t.exposeString('type', { nullable: false, description: 'Square’s event type, e.g. payment.updated.' }),
    objectType: t.string({
      nullable: true,
      description: 'The kind of object the event is about, as Square names it (its data.type), e.g. payment.',
      resolve: (change) => change.objectType ?? null,
    }),
    objectId: t.string({ nullable: true, description: 'Square’s id of that object (its data.id).', resolve: (change) => change.objectId ?? null }),
    occurredAt: t.field({ type: 'DateTime', nullable: true, description: 'When it happened at Square (the event’s created_at).', resolve: (change) => change.occurredAt ?? null }),
    appliedAt: t.field({ type: 'DateTime', nullable: false, description: 'When the gateway applied it.', resolve: (change) => change.appliedAt }),
    object: t.field({
      type: builder.nodeInterfaceRef(),
      nullable: true,
      description:
        'The object as it stands now, read through the graph (so with the caller’s scopes): a Customer, Card, GiftCard, Payment, Refund, Order, Location or LoyaltyAccount; null for the kinds the graph reads otherwise (catalog versions, inventory counts, custom attributes, gift card activities) and for objects gone since.',
      resolve: async (change, _args, ctx, info) => {
        const node = familyOf(change.type)?.node;
        if (!node || !change.objectId) return null;
        // The same object twice in a page is loaded once: the second lookup is handed the first's promise, not yet branded with its type.
        const [loading] = await resolveNodes(builder, ctx, info, [{ typename: node, id: change.objectId }]);
        const found = (await loading) as object | null | undefined;
        if (!found) return null;
        // Named as the relay plugin names the types it brands (resolveNodes), by the type's name.
        brandWithType(found, node as OutputType<SchemaTypes>);
        return found;
      },
    }),
  }),
});

const ChangeEdge = builder.objectRef<{ cursor: string; node: Change }>('ChangeEdge').implement({
  description: 'One change with its place in the feed.',
  fields: (t) => ({
    cursor: t.exposeString('cursor', { nullable: false, description: 'An opaque place in the feed: pass it as after to read on from this change.' }),
    node: t.field({ type: ChangeRef, nullable: false, description: 'The change.', resolve: (edge) => edge.node }),
  }),
});

const ChangeConnection = builder
  .objectRef<{ edges: Array<{ cursor: string; node: Change }>; pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null } }>('ChangeConnection')
  .implement({
    description: 'A page of the change feed, oldest first.',
    fields: (t) => ({
      edges: t.field({ type: [ChangeEdge], nullable: false, description: 'The changes on this page, each with its cursor.', resolve: (page) => page.edges }),
      pageInfo: t.field({
        type: builder.pageInfoRef(),
        nullable: false,
        description: 'Whether more changes follow now, and the cursor to read on from (null on an empty page: keep the one you had).',
        resolve: (page) => page.pageInfo,
      }),
    }),
  });

builder.queryField('changes', (t) =>
  t.field({
    type: ChangeConnection,
    nullable: false,
    description:
      'The seller’s changes (the Square events the gateway received and applied, from its webhooks), oldest first, each once and in a stable order: poll with after set to the last endCursor. Only the kinds the API key may read (a payment’s with PAYMENTS_READ, …). Kept for CHANGES_RETENTION_DAYS (28 by default); a cursor older than that is CHANGES_CURSOR_EXPIRED. After a bulk operation, start from its changesCursor.',
    args: {
      after: t.arg.string({ required: false, description: 'Read the changes after this cursor (an edge’s, an endCursor, or a bulk operation’s changesCursor); from the oldest kept when omitted.' }),
      types: t.arg.stringList({ required: false, description: 'Only events of these Square types, e.g. ["payment.created", "payment.updated"]; every type the gateway knows when omitted.' }),
      first: t.arg.int({ required: false, description: 'At most this many changes: 0 to 100, 20 when omitted.' }),
    },
    resolve: (_root, args, ctx) => {
      if (!ctx.changes) throw new GraphQLError('The change feed needs Square webhooks: configure SQUARE_WEBHOOK_SIGNATURE_KEY.', { extensions: { code: 'CHANGES_UNAVAILABLE' } });
      return ctx.changes.page(ctx, args);
    },
  }),
);
