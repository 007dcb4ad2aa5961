import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { Repeater, SlidingBuffer } from 'graphql-yoga';
import { Redis } from 'ioredis';
import type { AppliedEvent } from '../webhooks/index.js';

/**
 * What a subscriber hears of one Square event: which object changed, never its body, so
 * that every subscriber reads the object itself, fresh and with its own seller's token.
 */
export interface LiveEvent {
  type: string;
  /** The object to load: the event's `data.id`; for a gift card activity, its gift card. */
  objectId: string;
  eventId: string;
  /** Its place in the order events were applied: the SSE event id a reconnecting subscriber resumes after. */
  sequence: number;
  /** A merge's old profile ids (`customer.created` with `event_context.merge`), so watchers of an old id follow it. */
  mergedFrom?: string[];
  /** The variation and location of each count an `inventory.count.updated` changed, so watchers of one pair skip the rest unread. */
  counted?: Array<{ variationId: string; locationId: string }>;
}

export interface PubSubLogger {
  warn(...args: unknown[]): void;
}

export interface GatewayPubSubOptions {
  /** Redis for pub/sub across gateway instances; in-process when absent. */
  redisUrl?: string | undefined;
  /** Put before every topic, so that deployments (or test runs) sharing one Redis never hear each other. */
  prefix?: string | undefined;
  logger?: PubSubLogger | undefined;
  replay?: LiveHistory | undefined;
}

/** The seller's events applied after the given sequence; throws a typed error when that is too far back. */
export interface LiveHistory {
  missedSince(merchantId: string, sequence: number): Promise<LiveEvent[]>;
}

/** Events a subscriber may fall behind by before the oldest are dropped for it. */
const MAX_PENDING = 1000;

/** Square's events per seller: each seller's own topic, so nothing published for one seller reaches another's subscriber. */
export interface GatewayPubSub {
  publish(merchantId: string, event: LiveEvent): void;
  /** The seller's events from now on, until the iterator is returned or the pub/sub closed. */
  subscribe(merchantId: string): AsyncIterableIterator<LiveEvent>;
  /** Resolves once events published for the seller reach the subscriptions started before this call (Redis confirmed the topic). */
  listening(merchantId: string): Promise<void>;
  /** What reconnecting subscribers missed, when the gateway keeps an event store (live-replay.ts). */
  replay: LiveHistory | undefined;
  /** Ends every subscription, then lets go of Redis. */
  close(): Promise<void>;
}

interface Transport {
  target: EventTarget;
  publish(topic: string, event: LiveEvent): void;
  listening(topic: string): Promise<void>;
  close(): Promise<void>;
}

function inProcess(): Transport {
  const target = new EventTarget();
  return {
    target,
    publish: (topic, event) => void target.dispatchEvent(new CustomEvent(topic, { detail: event })),
    listening: async () => {},
    close: async () => {},
  };
}

/** Logs a client's connection trouble once per outage, not once per reconnection attempt. */
function watchConnection(client: Redis, name: string, logger: PubSubLogger): void {
  let down = false;
  client.on('error', (error) => {
    if (down) return;
    down = true;
    logger.warn(`redis pub/sub (${name}) lost its connection; retrying:`, error);
  });
  client.on('ready', () => {
    if (!down) return;
    down = false;
    logger.warn(`redis pub/sub (${name}) reconnected`);
  });
}

/**
 * The event target drops the promises of its SUBSCRIBE and UNSUBSCRIBE commands; one
 * that fails (the connection closed under it) is logged here instead of becoming an
 * unhandled rejection.
 */
function catchDropped(client: Redis, logger: PubSubLogger): void {
  for (const name of ['subscribe', 'unsubscribe'] as const) {
    const command = client[name].bind(client) as (...args: unknown[]) => Promise<unknown>;
    client[name] = ((...args: unknown[]) => {
      const result = command(...args);
      result.catch((error: unknown) => logger.warn(`redis ${name} failed:`, error));
      return result;
    }) as never;
  }
}

/** Quits politely when connected; otherwise drops the connection attempts at once rather than wait for Redis. */
async function release(client: Redis): Promise<void> {
  if (client.status === 'ready') await client.quit().catch(() => client.disconnect());
  else client.disconnect();
}

function overRedis(url: string, logger: PubSubLogger): Transport {
  // Without a retry limit a pending SUBSCRIBE waits out a Redis outage instead of failing;
  // ioredis subscribes again after reconnecting. No ready check: its INFO, sent after a
  // SUBSCRIBE that went out first on a busy start, is refused in subscriber mode, and the
  // connection then never became ready, leaving the subscription unmade.
  const subscribeClient = new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: false });
  const publishClient = new Redis(url);
  watchConnection(subscribeClient, 'subscriber', logger);
  watchConnection(publishClient, 'publisher', logger);
  catchDropped(subscribeClient, logger);
  const target = createRedisEventTarget<CustomEvent<LiveEvent>>({ publishClient, subscribeClient });
  return {
    target: target as unknown as EventTarget,
    // Published here rather than through the target, whose dispatch drops the command's
    // promise: a failed PUBLISH (Redis down past the client's retries) is logged, and lost.
    publish: (topic, event) => {
      publishClient.publish(topic, JSON.stringify(event)).catch((error: unknown) => logger.warn(`redis publish to ${topic} failed:`, error));
    },
    // Redis answers one connection's commands in order: once this SUBSCRIBE is confirmed, so is the target's before it.
    listening: async (topic) => {
      await subscribeClient.subscribe(topic);
    },
    close: async () => {
      await Promise.all([release(subscribeClient), release(publishClient)]);
    },
  };
}

/**
 * The gateway's pub/sub for live updates: in-process, or Redis (graphql-yoga's Redis
 * event target over ioredis) so that an event received by one instance reaches the
 * subscribers of all. Each subscriber has its own sliding buffer: one that falls
 * behind loses its oldest events rather than hold up (or overflow) the others.
 */
export function createGatewayPubSub(options: GatewayPubSubOptions = {}): GatewayPubSub {
  const logger = options.logger ?? console;
  const transport = options.redisUrl ? overRedis(options.redisUrl, logger) : inProcess();
  const topic = (merchantId: string) => `${options.prefix ?? ''}square:${merchantId}`;
  const live = new Set<Repeater<LiveEvent>>();
  let closed = false;
  return {
    publish: (merchantId, event) => transport.publish(topic(merchantId), event),
    listening: (merchantId) => transport.listening(topic(merchantId)),
    replay: options.replay,
    subscribe: (merchantId) => {
      const name = topic(merchantId);
      const events: Repeater<LiveEvent> = new Repeater<LiveEvent>(async (push, stop) => {
        if (closed) return stop();
        // Tracked only once started: a subscription never pulled holds no listener.
        live.add(events);
        const listener = (event: Event) => void push((event as CustomEvent<LiveEvent>).detail);
        transport.target.addEventListener(name, listener);
        await stop;
        transport.target.removeEventListener(name, listener);
        live.delete(events);
      }, new SlidingBuffer(MAX_PENDING));
      return events;
    },
    close: async () => {
      closed = true;
      // Unsubscribed while Redis is still connected, so no command is left to fail.
      await Promise.all([...live].map((events) => events.return()));
      await transport.close();
    },
  };
}

const dataId = (body: EventBody) => body.data?.id;

/** The object whose id a live event carries, per event type that some subscription listens to. */
const OBJECT_ID: Record<string, (body: EventBody) => string | undefined> = {
  'payment.created': dataId,
  'payment.updated': dataId,
  'order.created': dataId,
  'order.updated': dataId,
  'order.fulfillment.updated': dataId,
  'customer.created': dataId,
  'customer.updated': dataId,
  'gift_card.created': dataId,
  'gift_card.updated': dataId,
  'gift_card.customer_linked': dataId,
  'gift_card.customer_unlinked': dataId,
  'loyalty.account.created': dataId,
  'loyalty.account.updated': dataId,
  // The event carries counts, not one object: subscribers read the counts of the pairs they watch.
  'inventory.count.updated': (body) => body.data?.object?.inventory_counts?.[0]?.catalog_object_id,
  // Square has no call that reads one activity; subscribers load its gift card.
  'gift_card.activity.created': (body) => body.data?.object?.gift_card_activity?.gift_card_id,
};

interface EventBody {
  data?: {
    id?: string;
    object?: {
      gift_card_activity?: { gift_card_id?: string };
      event_context?: { merge?: { from_customer_ids?: unknown } };
      inventory_counts?: Array<{ catalog_object_id?: string; location_id?: string }>;
    };
  };
}

/** What subscribers hear of an applied webhook event; undefined for events no subscription listens to. */
export function liveEventOf(applied: AppliedEvent): LiveEvent | undefined {
  const body = (applied.body ?? {}) as EventBody;
  const objectId = OBJECT_ID[applied.type]?.(body);
  if (typeof objectId !== 'string' || objectId === '') return undefined;
  const event: LiveEvent = { type: applied.type, objectId, eventId: applied.eventId, sequence: applied.sequence };
  const fromIds = body.data?.object?.event_context?.merge?.from_customer_ids;
  if (applied.type === 'customer.created' && Array.isArray(fromIds)) {
    event.mergedFrom = fromIds.filter((id): id is string => typeof id === 'string');
  }
  if (applied.type === 'inventory.count.updated') {
    const pairs = (body.data?.object?.inventory_counts ?? []).map((c) => ({ variationId: c.catalog_object_id, locationId: c.location_id }));
    event.counted = pairs.filter((c): c is { variationId: string; locationId: string } => typeof c.variationId === 'string' && typeof c.locationId === 'string');
  }
  return event;
}
