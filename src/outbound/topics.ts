import { CUSTOMER_EVENTS } from '../apis/customers/subscriptions.js';
import { GIFT_CARD_EVENTS } from '../apis/gift-cards/subscriptions.js';
import { INVENTORY_COUNT_EVENTS } from '../apis/inventory/inventory-count.js';
import { LOYALTY_ACCOUNT_EVENTS } from '../apis/loyalty/account.js';
import { ORDER_EVENTS } from '../apis/orders/subscriptions.js';
import { PAYMENT_EVENTS } from '../apis/payments/subscriptions.js';
import { liveObjectOf } from '../apis/registry.js';
import type { GatewayContext } from '../context/gateway-context.js';
import type { TopicName } from './types.js';

/** A topic that follows a live update: its payload is that subscription's object, read as the live update reads it. */
export interface LiveTopic {
  /** The live update's subscription field: the payload's selection is validated and run on its type. */
  field: string;
  /** The Square events that change its object. */
  events: ReadonlySet<string>;
  /** The object read for a delivery, by its key (see objectKeysOf); null when Square no longer has it. */
  load(ctx: GatewayContext, objectKey: string): Promise<unknown>;
}

/** An inventory count's key: the variation and the location it counts at, which the event names in pairs. */
const countKey = (variationId: string, locationId: string) => `${variationId}@${locationId}`;

export const LIVE_TOPICS: Readonly<Record<Exclude<TopicName, 'BULK_OPERATION_FINISHED'>, LiveTopic>> = {
  CUSTOMER_UPDATED: { field: 'customerUpdated', events: CUSTOMER_EVENTS, load: (ctx, id) => ctx.loaders.customer.load(id) },
  PAYMENT_UPDATED: { field: 'paymentUpdated', events: PAYMENT_EVENTS, load: (ctx, id) => ctx.loaders.payment.load(id) },
  ORDER_UPDATED: { field: 'orderUpdated', events: ORDER_EVENTS, load: (ctx, id) => ctx.loaders.order.load(id) },
  GIFT_CARD_UPDATED: { field: 'giftCardUpdated', events: GIFT_CARD_EVENTS, load: (ctx, id) => ctx.loaders.giftCard.load(id) },
  INVENTORY_COUNT_UPDATED: {
    field: 'inventoryCountUpdated',
    events: INVENTORY_COUNT_EVENTS,
    load: (ctx, key) => {
      const at = key.lastIndexOf('@');
      return ctx.loaders.inventoryAt(key.slice(0, at), key.slice(at + 1));
    },
  },
  LOYALTY_ACCOUNT_UPDATED: { field: 'loyaltyAccountUpdated', events: LOYALTY_ACCOUNT_EVENTS, load: (ctx, id) => ctx.loaders.loyaltyAccount.load(id) },
};

/**
 * The gateway's own event: a bulk operation (another part of the gateway runs them) has finished.
 * Its publisher gives the payload's data itself (OutboundWebhooks.publish), so it takes no query.
 */
export const BULK_OPERATION_FINISHED = 'BULK_OPERATION_FINISHED' satisfies TopicName;

export const isLiveTopic = (topic: TopicName): topic is keyof typeof LIVE_TOPICS => topic !== BULK_OPERATION_FINISHED;

const TOPIC_OF_EVENT = new Map(
  Object.entries(LIVE_TOPICS).flatMap(([topic, { events }]) => [...events].map((type) => [type, topic as keyof typeof LIVE_TOPICS] as const)),
);

/** What one Square event tells partners: its topic and each object it changed; undefined for an event no topic follows. */
export function topicOfEvent(type: string, body: unknown): { topic: TopicName; objectKeys: string[] } | undefined {
  const topic = TOPIC_OF_EVENT.get(type);
  const live = topic && liveObjectOf(type, body);
  if (!topic || !live) return undefined;
  const objectKeys = live.counted ? [...new Set(live.counted.map((c) => countKey(c.variationId, c.locationId)))] : [live.objectId];
  return { topic, objectKeys };
}
