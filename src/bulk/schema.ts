import { GraphQLError } from 'graphql';
import type { YogaInitialContext } from 'graphql-yoga';
import { BULK_OPERATION_FINISHED } from '../context/live-events.js';
import type { BulkOperations, GatewayContext } from '../context/gateway-context.js';
import { builder } from '../schema/builder.js';
import { NotFoundError, ValidationError } from '../schema/errors.js';
import { squareIdFrom } from '../schema/ids.js';
import { deliver, liveObjects } from '../schema/subscriptions.js';
import { mutationErrors } from '../schema/write.js';
import type { BulkOperationRecord } from '../store/index.js';
import { BulkOperationLimitError, BulkOperationStateError, BulkOperationStatus } from './errors.js';

function bulkOf(ctx: GatewayContext): BulkOperations {
  if (!ctx.bulk) {
    throw new GraphQLError('Bulk operations need the gateway’s store: configure GATEWAY_DB or DATABASE_URL (or Square webhooks).', {
      extensions: { code: 'BULK_OPERATIONS_UNAVAILABLE' },
    });
  }
  return ctx.bulk;
}

/** The origin the caller reached the gateway at: the file URLs it is given are under it. */
const originOf = (ctx: GatewayContext) => new URL((ctx as GatewayContext & Partial<YogaInitialContext>).request?.url ?? 'http://localhost/').origin;

export const BulkOperationRef = builder.objectRef<BulkOperationRecord>('BulkOperation');

builder.node(BulkOperationRef, {
  description:
    'A query run over every page of its connections in the background, its result one JSONL file (see bulkOperationRunQuery). Only the seller and API key that started it see it.',
  id: { resolve: (op) => op.id },
  loadOne: (id, ctx) => bulkOf(ctx).find(ctx, id).then((op) => op ?? null),
  fields: (t) => ({
    status: t.field({ type: BulkOperationStatus, nullable: false, description: 'Where it stands.', resolve: (op) => op.status }),
    query: t.exposeString('query', { nullable: false, description: 'The query it runs, as given.' }),
    errorCode: t.exposeString('errorCode', {
      nullable: true,
      description: 'Why it FAILED, in the graph’s codes (FORBIDDEN: the API key lacks a scope the query needs; RATE_LIMITED, UPSTREAM_ERROR: Square kept refusing or failing; …).',
    }),
    errorMessage: t.exposeString('errorMessage', { nullable: true, description: 'Why it FAILED, in words.' }),
    createdAt: t.field({ type: 'DateTime', nullable: false, description: 'When it was started.', resolve: (op) => op.createdAt }),
    completedAt: t.field({ type: 'DateTime', nullable: true, description: 'When it ended (COMPLETED, FAILED or CANCELED).', resolve: (op) => op.completedAt }),
    objectCount: t.field({ type: 'BigInt', nullable: false, description: 'Lines written so far: every node of every connection.', resolve: (op) => op.objectCount }),
    rootObjectCount: t.field({ type: 'BigInt', nullable: false, description: 'Of those, the nodes of the root connection (or the root object).', resolve: (op) => op.rootObjectCount }),
    fileSize: t.field({ type: 'BigInt', nullable: false, description: 'The file’s size so far, in bytes.', resolve: (op) => op.fileSize }),
    url: t.string({
      nullable: true,
      description:
        'Once COMPLETED: where to download the file (JSONL), a signed URL good for an hour, needing no API key (ask again for a fresh one). Kept for 7 days after it ended (BULK_RETENTION_DAYS).',
      resolve: (op, _args, ctx) => bulkOf(ctx).fileUrl(op, originOf(ctx), false) ?? null,
    }),
    partialDataUrl: t.string({
      nullable: true,
      description: 'Once FAILED or CANCELED: where to download the lines it wrote before it stopped, signed as url is; null when it wrote none.',
      resolve: (op, _args, ctx) => bulkOf(ctx).fileUrl(op, originOf(ctx), true) ?? null,
    }),
    changesCursor: t.string({
      nullable: true,
      description:
        'Where the change feed stood when it started: follow changes(after: changesCursor) from here once the file is read, and nothing that changed meanwhile is missed (a change read both ways is the newer in the feed). Null on a gateway without Square webhooks, which has no feed.',
      resolve: (op, _args, ctx) => ctx.changes?.cursorAt(op.changesCursor) ?? null,
    }),
  }),
});

builder.queryFields((t) => ({
  bulkOperation: t.field({
    type: BulkOperationRef,
    nullable: true,
    description: 'One of your bulk operations by its id; null for an id of none (or of another seller’s or API key’s).',
    args: { id: t.arg.id({ required: true, description: 'The bulk operation’s id.' }) },
    resolve: async (_root, args, ctx) => (await bulkOf(ctx).find(ctx, squareIdFrom(String(args.id), 'BulkOperation'))) ?? null,
  }),
  currentBulkOperation: t.field({
    type: BulkOperationRef,
    nullable: true,
    description: 'Your most recent bulk operation (this seller’s, started with this API key), whatever its status; null before the first.',
    resolve: async (_root, _args, ctx) => (await bulkOf(ctx).current(ctx)) ?? null,
  }),
}));

builder.mutationFields((t) => ({
  bulkOperationRunQuery: t.field({
    type: BulkOperationRef,
    description:
      'Runs a query over every page of its connections in the background and writes the result as one JSONL file: one line per node, those of nested connections with `__parentId`. The query is one root field (a connection, or an object holding one), values written inline; `first`, `after` and the like are the operation’s to choose. Its pages make the Square calls an interactive request would, at low priority within the seller’s Square budget. Follow status with bulkOperation(id), currentBulkOperation or the bulkOperationFinished subscription; download from url.',
    errors: mutationErrors('bulkOperationRunQuery', [ValidationError, BulkOperationLimitError], {
      name: 'bulkOperation',
      description: 'The operation, CREATED or already RUNNING.',
    }),
    args: { query: t.arg.string({ required: true, description: 'The GraphQL query to run, e.g. { customers { edges { node { id givenName } } } }.' }) },
    resolve: (_root, args, ctx) => bulkOf(ctx).run(ctx, args.query),
  }),
  cancelBulkOperation: t.field({
    type: BulkOperationRef,
    description: 'Stops a CREATED or RUNNING bulk operation: it ends CANCELED, and what it wrote so far is at its partialDataUrl.',
    errors: mutationErrors('cancelBulkOperation', [NotFoundError, BulkOperationStateError], { name: 'bulkOperation', description: 'The operation, CANCELED.' }),
    args: { id: t.arg.id({ required: true, description: 'The bulk operation’s id.' }) },
    resolve: async (_root, args, ctx) => {
      const canceled = await bulkOf(ctx).cancel(ctx, squareIdFrom(String(args.id), 'BulkOperation', 'id'));
      if (!canceled) throw new NotFoundError('You have no bulk operation with this id.', 'id');
      return canceled;
    },
  }),
}));

builder.subscriptionFields((t) => ({
  bulkOperationFinished: t.field({
    type: BulkOperationRef,
    nullable: false,
    description:
      'Each of your bulk operations (this seller’s, started with this API key) as it ends: COMPLETED, FAILED or CANCELED. Not Square’s news: these carry no SSE id to resume after; on a reconnect, read currentBulkOperation.',
    subscribe: (_root, _args, ctx) =>
      liveObjects(ctx, {
        types: new Set([BULK_OPERATION_FINISHED]),
        load: async (c, event) => (await bulkOf(c).find(c, event.objectId)) ?? null,
      }),
    // A gap or the seller's disconnection is said as the other subscriptions say it; an operation goes out without an event id (deliver would give it its sequence, 0).
    resolve: (delivered, _args, ctx) => ('object' in delivered ? delivered.object : deliver(delivered, ctx)),
  }),
}));
