import { GraphQLError } from 'graphql';
import type { GatewayContext } from '../context/gateway-context.js';
import { builder } from '../schema/builder.js';
import { NotFoundError, ValidationError } from '../schema/errors.js';
import { mutationErrors } from '../schema/write.js';
import { cursorOf, seqOfCursor } from './store.js';
import type { DELIVERY_STATUSES, TOPIC_NAMES} from './types.js';
import { SubscriptionRefused, type DeliveryAttempt, type OutboundAccess, type WebhookDelivery, type WebhookSubscription, type WithSecret } from './types.js';

/** The caller's outbound webhooks; OUTBOUND_WEBHOOKS_UNAVAILABLE on a gateway that keeps none. */
function outboundOf(ctx: GatewayContext): OutboundAccess {
  if (ctx.outbound) return ctx.outbound;
  throw new GraphQLError('Outbound webhooks need Square webhooks and the event store (SQUARE_WEBHOOK_SIGNATURE_KEY), and VAULT_KEYS to seal their secrets.', {
    extensions: { code: 'OUTBOUND_WEBHOOKS_UNAVAILABLE' },
  });
}

/** A refusal as the mutation reports it: not found and invalid input as data, a scope the key lacks as FORBIDDEN. */
async function refusedAsData<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof SubscriptionRefused)) throw error;
    if (error.code === 'FORBIDDEN') throw new GraphQLError(error.message, { extensions: { code: 'FORBIDDEN' } });
    if (error.code === 'NOT_FOUND') throw new NotFoundError(error.message, error.field);
    throw new ValidationError(error.message, error.field, error.code);
  }
}

const WebhookTopic = builder.enumType('WebhookTopic', {
  description: 'What a webhook subscription is told of: each live update’s object as it changes, or a bulk operation’s end.',
  values: {
    CUSTOMER_UPDATED: { description: 'A customer profile created or changed (customer.created, customer.updated), as customerUpdated delivers it. CUSTOMERS_READ.' },
    PAYMENT_UPDATED: { description: 'A payment created or changed (payment.created, payment.updated), as paymentUpdated delivers it. PAYMENTS_READ.' },
    ORDER_UPDATED: { description: 'An order created or changed (order.created, order.updated, order.fulfillment.updated), as orderUpdated delivers it. ORDERS_READ.' },
    GIFT_CARD_UPDATED: { description: 'A gift card created, changed, linked or unlinked, or given an activity, as giftCardUpdated delivers it. GIFTCARDS_READ.' },
    INVENTORY_COUNT_UPDATED: {
      description: 'The counts of one variation at one location after a change (inventory.count.updated), as inventoryCountUpdated delivers them: one delivery per variation and location. INVENTORY_READ.',
    },
    LOYALTY_ACCOUNT_UPDATED: { description: 'A loyalty account created or its balance changed, as loyaltyAccountUpdated delivers it. LOYALTY_READ.' },
    BULK_OPERATION_FINISHED: { description: 'A bulk operation of the seller finished: its data is the operation as it ended. It takes no query.' },
  } satisfies Record<(typeof TOPIC_NAMES)[number], { description: string }>,
});

const WebhookDeliveryStatus = builder.enumType('WebhookDeliveryStatus', {
  description: 'Where a delivery stands.',
  values: {
    PENDING: { description: 'Not attempted yet: due now, or waiting for an earlier delivery of the same object to its subscription.' },
    RETRYING: { description: 'Its attempts failed so far; tried again at nextAttemptAt, with a growing wait, for up to 72 hours.' },
    DELIVERED: { description: 'The receiver answered 2xx.' },
    FAILED: { description: 'Given up: failed for 72 hours, its subscription disabled, or its object could no longer be read for its owner (see lastError). webhookDeliveryResend sends it again.' },
  } satisfies Record<(typeof DELIVERY_STATUSES)[number], { description: string }>,
});

const WebhookSubscriptionRef = builder.objectRef<WebhookSubscription>('WebhookSubscription').implement({
  description:
    'A partner’s subscription to a topic: each event is POSTed to callbackUrl as JSON, signed in X-Gateway-Signature with the subscription’s secret (see the README: Partners: outbound webhooks).',
  fields: (t) => ({
    id: t.exposeID('id', { nullable: false, description: 'The subscription’s id (whsub_…).' }),
    topic: t.field({ type: WebhookTopic, nullable: false, description: 'What it is told of.', resolve: (s) => s.topic }),
    callbackUrl: t.exposeString('callbackUrl', { nullable: false, description: 'Where deliveries are POSTed.' }),
    query: t.exposeString('query', {
      nullable: false,
      description: 'The selection each delivery’s object goes through (the payload’s data), run with the owner key’s scopes; empty for BULK_OPERATION_FINISHED.',
    }),
    merchantId: t.string({
      nullable: true,
      description: 'The seller whose events it is told of; null for every connected seller its partner key may act for.',
      resolve: (s) => (s.sellers.kind === 'all' ? null : s.sellers.merchantId),
    }),
    enabled: t.exposeBoolean('enabled', { nullable: false, description: 'Whether events are delivered to it.' }),
    disabledReason: t.exposeString('disabledReason', { nullable: true, description: 'Why it was disabled (failed for 72 hours, its key revoked, …); null while enabled.' }),
    disabledAt: t.field({ type: 'DateTime', nullable: true, description: 'When it was disabled.', resolve: (s) => s.disabledAt }),
    failingSince: t.field({ type: 'DateTime', nullable: true, description: 'Since when every attempt has failed; null once one worked. After 72 hours it is disabled.', resolve: (s) => s.failingSince }),
    previousSecretExpiresAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'After a rotation: until when the previous secret still signs beside the new one.',
      resolve: (s) => s.previousSecretExpiresAt,
    }),
    createdAt: t.field({ type: 'DateTime', nullable: false, description: 'When it was created.', resolve: (s) => s.createdAt }),
    updatedAt: t.field({ type: 'DateTime', nullable: false, description: 'When it last changed.', resolve: (s) => s.updatedAt }),
  }),
});

const WebhookDeliveryAttemptRef = builder.objectRef<DeliveryAttempt>('WebhookDeliveryAttempt').implement({
  description: 'One attempt at a delivery.',
  fields: (t) => ({
    at: t.field({ type: 'DateTime', nullable: false, description: 'When it was made.', resolve: (a) => a.at }),
    statusCode: t.exposeInt('statusCode', { nullable: true, description: 'The receiver’s HTTP status; null when none came.' }),
    durationMs: t.exposeInt('durationMs', { nullable: false, description: 'How long the receiver took.' }),
    error: t.exposeString('error', { nullable: true, description: 'Why it failed: a status, a timeout, a refused address, an unreachable receiver; null when it worked.' }),
    responseBody: t.exposeString('responseBody', { nullable: true, description: 'The first 256 bytes of the receiver’s answer (nothing more is kept).' }),
  }),
});

const WebhookDeliveryRef = builder.objectRef<WebhookDelivery>('WebhookDelivery').implement({
  description: 'One event’s delivery to one subscription, with its attempts.',
  fields: (t) => ({
    id: t.exposeID('id', { nullable: false, description: 'The delivery’s id (whdl_…), for webhookDeliveryResend.' }),
    eventId: t.exposeString('eventId', {
      nullable: false,
      description: 'The event’s id (whev_…) as the receiver gets it (payload id, X-Gateway-Event-Id): the same at every attempt and resend, so that the receiver can drop repeats.',
    }),
    topic: t.field({ type: WebhookTopic, nullable: false, description: 'Its topic.', resolve: (d) => d.topic }),
    merchantId: t.exposeString('merchantId', { nullable: false, description: 'The seller the event is of.' }),
    objectId: t.exposeString('objectKey', {
      nullable: false,
      description: 'The object it tells of (an inventory count: variation@location); deliveries of one object to a subscription are made in order.',
    }),
    squareEventId: t.exposeString('squareEventId', { nullable: true, description: 'Square’s event it follows; null for the gateway’s own events.' }),
    status: t.field({ type: WebhookDeliveryStatus, nullable: false, description: 'Where it stands.', resolve: (d) => d.status }),
    attemptCount: t.exposeInt('attempts', { nullable: false, description: 'Attempts made so far.' }),
    attempts: t.field({
      type: [WebhookDeliveryAttemptRef],
      nullable: false,
      description: 'Its attempts, oldest first.',
      resolve: (d, _args, ctx) => outboundOf(ctx).attempts(d.id),
    }),
    createdAt: t.field({ type: 'DateTime', nullable: false, description: 'When it was enqueued.', resolve: (d) => d.createdAt }),
    nextAttemptAt: t.field({ type: 'DateTime', nullable: true, description: 'When it is attempted next; null once delivered or failed.', resolve: (d) => d.nextAttemptAt }),
    deliveredAt: t.field({ type: 'DateTime', nullable: true, description: 'When the receiver took it.', resolve: (d) => d.deliveredAt }),
    lastStatusCode: t.exposeInt('lastStatusCode', { nullable: true, description: 'The receiver’s status at the last attempt.' }),
    lastError: t.exposeString('lastError', { nullable: true, description: 'Why the last attempt failed.' }),
  }),
});

const WebhookDeliveryConnection = builder.connectionObject(
  { type: WebhookDeliveryRef, name: 'WebhookDeliveryConnection', description: 'A page of a subscription’s deliveries, newest first.' },
  { description: 'A delivery in a page of deliveries, with its cursor.' },
);

builder.queryFields((t) => ({
  webhookSubscriptions: t.field({
    type: [WebhookSubscriptionRef],
    nullable: false,
    description: 'The webhook subscriptions the API key owns, oldest first.',
    resolve: (_root, _args, ctx) => outboundOf(ctx).subscriptions(),
  }),
  webhookDeliveries: t.connection(
    {
      type: WebhookDeliveryRef,
      nullable: true,
      description: 'A subscription’s deliveries, newest first, with their attempts; null when the API key owns no such subscription. Pages forward only (first, after).',
      args: {
        subscriptionId: t.arg.id({ required: true, description: 'The subscription.' }),
        status: t.arg({ type: WebhookDeliveryStatus, required: false, description: 'Only the deliveries in this state.' }),
      },
      resolve: async (_root, args, ctx) => {
        if (args.last != null || args.before != null) throw new GraphQLError('webhookDeliveries pages forward only: use first and after.', { extensions: { code: 'BAD_USER_INPUT' } });
        const first = args.first ?? 20;
        if (first < 0 || first > 100) throw new GraphQLError('first must be between 0 and 100.', { extensions: { code: 'BAD_USER_INPUT', argument: 'first' } });
        const before = args.after == null ? undefined : seqOfCursor(args.after);
        if (args.after != null && before === undefined) throw new GraphQLError('after is not a cursor from this connection.', { extensions: { code: 'BAD_USER_INPUT', argument: 'after' } });
        const page = await outboundOf(ctx).deliveries(String(args.subscriptionId), args.status ?? undefined, first, before);
        if (!page) return null;
        const edges = page.deliveries.map((node) => ({ cursor: cursorOf(node.seq), node }));
        return { edges, pageInfo: { hasNextPage: page.more, hasPreviousPage: args.after != null, startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null } };
      },
    },
    WebhookDeliveryConnection,
  ),
}));

const WebhookSubscriptionCreateInput = builder.inputType('WebhookSubscriptionCreateInput', {
  description: 'A new webhook subscription. A partner key’s request names its seller (X-Square-Merchant-Id) for that seller’s events, or none for every seller the key may act for.',
  fields: (t) => ({
    topic: t.field({ type: WebhookTopic, required: true, description: 'What to be told of.' }),
    callbackUrl: t.string({ required: true, description: 'Where to POST: https, to a public address (unless the gateway allows otherwise, OUTBOUND_WEBHOOK_URLS).' }),
    query: t.string({
      required: false,
      description: 'A selection set on the topic’s object, e.g. "{ squareId status totalMoney { formatted } }", validated now and run with the key’s scopes; by default every plain field of the object the key may read.',
    }),
  }),
});

const WebhookSubscriptionUpdateInput = builder.inputType('WebhookSubscriptionUpdateInput', {
  description: 'Changes to a webhook subscription; what is left out stays.',
  fields: (t) => ({
    id: t.id({ required: true, description: 'The subscription.' }),
    callbackUrl: t.string({ required: false, description: 'A new callback URL.' }),
    query: t.string({ required: false, description: 'A new selection, for events delivered from now on.' }),
    enabled: t.boolean({ required: false, description: 'false stops deliveries (those not yet made fail); true resumes a disabled subscription, its failure streak forgotten.' }),
    rotateSecret: t.boolean({
      required: false,
      description: 'true makes a new secret, returned this once; the previous one keeps signing beside it (OUTBOUND_WEBHOOK_SECRET_GRACE_HOURS) so that receivers can switch.',
    }),
  }),
});

const WebhookSubscriptionDeleteInput = builder.inputType('WebhookSubscriptionDeleteInput', {
  description: 'The webhook subscription to delete.',
  fields: (t) => ({ id: t.id({ required: true, description: 'The subscription.' }) }),
});

const WebhookSubscriptionWithSecret = builder.objectRef<WithSecret>('WebhookSubscriptionWithSecret').implement({
  description: 'A subscription, with its secret when it was just made.',
  fields: (t) => ({
    subscription: t.field({ type: WebhookSubscriptionRef, nullable: false, description: 'The subscription.', resolve: (w) => w.subscription }),
    secret: t.exposeString('secret', {
      nullable: true,
      description: 'The secret deliveries are signed with (whsec_…): shown this once, at creation or rotation, never again; null otherwise.',
    }),
  }),
});

builder.mutationFields((t) => ({
  webhookSubscriptionCreate: t.field({
    type: WebhookSubscriptionWithSecret,
    description: 'Subscribes a URL to a topic for the API key. Returns the signing secret once.',
    errors: mutationErrors('webhookSubscriptionCreate', [ValidationError], { name: 'result', description: 'The subscription and its secret.' }),
    args: { input: t.arg({ type: WebhookSubscriptionCreateInput, required: true, description: 'The subscription.' }) },
    resolve: (_root, { input }, ctx) => refusedAsData(() => outboundOf(ctx).create({ topic: input.topic, callbackUrl: input.callbackUrl, query: input.query })),
  }),
  webhookSubscriptionUpdate: t.field({
    type: WebhookSubscriptionWithSecret,
    description: 'Changes a subscription the API key owns: its URL, query, whether it is enabled, or its secret (rotateSecret).',
    errors: mutationErrors('webhookSubscriptionUpdate', [ValidationError, NotFoundError], { name: 'result', description: 'The subscription, and its new secret after a rotation.' }),
    args: { input: t.arg({ type: WebhookSubscriptionUpdateInput, required: true, description: 'What changes.' }) },
    resolve: (_root, { input }, ctx) => refusedAsData(() => outboundOf(ctx).update(String(input.id), input)),
  }),
  webhookSubscriptionDelete: t.field({
    type: WebhookSubscriptionRef,
    description: 'Deletes a subscription the API key owns, with its deliveries: nothing more is delivered to it.',
    errors: mutationErrors('webhookSubscriptionDelete', [NotFoundError], { name: 'subscription', description: 'The subscription as it was.' }),
    args: { input: t.arg({ type: WebhookSubscriptionDeleteInput, required: true, description: 'Which.' }) },
    resolve: (_root, { input }, ctx) => refusedAsData(() => outboundOf(ctx).delete(String(input.id))),
  }),
  webhookDeliveryResend: t.field({
    type: WebhookDeliveryRef,
    description:
      'Sends a delivery again now, with the same event id and payload (a fresh signature): a failed or delivered one joins its object’s line anew; a waiting one is tried at once. Its subscription must be enabled.',
    errors: mutationErrors('webhookDeliveryResend', [ValidationError, NotFoundError], { name: 'delivery', description: 'The delivery, due again.' }),
    args: { id: t.arg.id({ required: true, description: 'The delivery (WebhookDelivery.id).' }) },
    resolve: (_root, args, ctx) => refusedAsData(() => outboundOf(ctx).resend(String(args.id))),
  }),
}));
