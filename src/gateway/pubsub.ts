import { randomUUID } from 'node:crypto';
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { Repeater, SlidingBuffer } from 'graphql-yoga';
import { Redis } from 'ioredis';
import { liveObjectOf } from '../apis/registry.js';
import type { LiveEvent, LiveEventSource, LiveHistory, LiveMessage } from '../context/live-events.js';
import type { AppliedEvent } from '../webhooks/index.js';
import { commandClient, RedisBreaker, RedisUnavailable, release } from '../redis/breaker.js';

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

/** Events a subscriber may fall behind by before the oldest are dropped for it. */
const MAX_PENDING = 1000;
/** How often the subscriber connection is asked (PING) whether it still answers: nothing else would tell a hung one. */
const HEARTBEAT_MS = 1_000;

/** Square's events per seller: each seller's own topic, so nothing published for one seller reaches another's subscriber. */
export interface GatewayPubSub extends LiveEventSource {
  /** Delivers to this instance's subscribers at once, and to the other instances' through Redis. */
  publish(merchantId: string, event: LiveEvent): void;
  /** With Redis: its connections' breakers, for /readyz. */
  breakers: RedisBreaker[];
  /** Ends every subscription, then lets go of Redis. */
  close(): Promise<void>;
}

/** What goes over Redis: an event or a gap, and the instance that sent it, which has delivered it to its own subscribers. */
type Carried = LiveMessage & { origin?: string };

interface RedisTransport {
  /** Messages from Redis, each under its topic. */
  target: EventTarget;
  publish(topic: string, message: Carried): Promise<void>;
  listening(topic: string): Promise<void>;
  publisher: RedisBreaker;
  subscriber: RedisBreaker;
  close(): Promise<void>;
}

/** Logs a connection's trouble once per outage, with the client's last error when there was one, and its recovery. */
function watched(client: Redis, breaker: RedisBreaker, name: string, logger: PubSubLogger): RedisBreaker {
  let cause: unknown;
  client.on('error', (error) => (cause = error));
  breaker.onChange((open) => {
    if (!open) {
      cause = undefined;
      return logger.warn(`redis pub/sub (${name}) answers again`);
    }
    const message = `redis pub/sub (${name}) is ${breaker.degraded()}; live updates reach this instance's subscribers only, with LIVE_UPDATES_GAP, until it answers`;
    if (cause === undefined) logger.warn(message);
    else logger.warn(`${message}:`, cause);
  });
  return breaker;
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

function overRedis(url: string, logger: PubSubLogger): RedisTransport {
  // Without a retry limit or a command timeout a pending SUBSCRIBE waits out a Redis outage
  // instead of failing; ioredis subscribes again after reconnecting (a SUBSCRIBE that failed
  // would be forgotten). No ready check: its INFO, sent after a SUBSCRIBE that went out first
  // on a busy start, is refused in subscriber mode, and the connection then never became
  // ready, leaving the subscription unmade.
  const subscribeClient = new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: false });
  const publishClient = commandClient(url);
  const subscriber = watched(subscribeClient, new RedisBreaker(subscribeClient, 'liveUpdates', HEARTBEAT_MS), 'subscriber', logger);
  const publisher = watched(publishClient, new RedisBreaker(publishClient, 'liveUpdates'), 'publisher', logger);
  catchDropped(subscribeClient, logger);
  const target = createRedisEventTarget<CustomEvent<Carried>>({ publishClient, subscribeClient });
  return {
    target: target as unknown as EventTarget,
    // Published here rather than through the target, whose dispatch drops the command's promise.
    publish: async (topic, message) => {
      await publisher.run(() => publishClient.publish(topic, JSON.stringify(message)));
    },
    // Redis answers one connection's commands in order: once this SUBSCRIBE is confirmed, so is the target's before it.
    listening: async (topic) => {
      await subscribeClient.subscribe(topic);
    },
    publisher,
    subscriber,
    close: async () => {
      await Promise.all([release(subscribeClient), release(publishClient)]);
    },
  };
}

/** The event every local subscription hears where it may have missed events. */
const GAP = 'gap';

/**
 * The gateway's pub/sub for live updates: in-process, or also over Redis (graphql-yoga's
 * Redis event target over ioredis) so that an event received by one instance reaches the
 * subscribers of all. The instance that applies an event delivers it to its own
 * subscribers directly, whatever Redis does, and ignores its own copy coming back through
 * Redis. Each subscriber has its own sliding buffer: one that falls behind loses its
 * oldest events rather than hold up (or overflow) the others.
 */
export function createGatewayPubSub(options: GatewayPubSubOptions = {}): GatewayPubSub {
  const logger = options.logger ?? console;
  const origin = randomUUID();
  const local = new EventTarget();
  const redis = options.redisUrl ? overRedis(options.redisUrl, logger) : undefined;
  const topic = (merchantId: string) => `${options.prefix ?? ''}square:${merchantId}`;
  const live = new Set<Repeater<LiveMessage>>();
  /** Topics with events other instances' subscribers never got: each hears of the gap once Redis takes it. */
  const unpublished = new Set<string>();
  let closed = false;
  const publish = (name: string, message: LiveMessage) =>
    redis?.publish(name, { ...message, origin }).catch((error: unknown) => {
      if (!(error instanceof RedisUnavailable)) logger.warn(`redis publish to ${name} failed:`, error);
      unpublished.add(name);
    });
  // Both when the subscriber connection fails (events may already be missing) and when it serves again (they were).
  redis?.subscriber.onChange(() => local.dispatchEvent(new Event(GAP)));
  redis?.publisher.onChange((open) => {
    if (open) return;
    const gaps = [...unpublished];
    unpublished.clear();
    for (const name of gaps) void publish(name, { gap: true });
  });
  return {
    publish: (merchantId, event) => {
      const name = topic(merchantId);
      local.dispatchEvent(new CustomEvent(name, { detail: event }));
      void publish(name, event);
    },
    listening: async (merchantId) => {
      await redis?.listening(topic(merchantId));
    },
    replay: options.replay,
    breakers: redis ? [redis.subscriber, redis.publisher] : [],
    subscribe: (merchantId) => {
      const name = topic(merchantId);
      const events: Repeater<LiveMessage> = new Repeater<LiveMessage>(async (push, stop) => {
        if (closed) return stop();
        // Tracked only once started: a subscription never pulled holds no listener.
        live.add(events);
        const own = (event: Event) => void push((event as CustomEvent<LiveEvent>).detail);
        const carried = (event: Event) => {
          const { origin: from, ...message } = (event as CustomEvent<Carried>).detail;
          if (from !== origin) void push(message as LiveMessage);
        };
        const gap = () => void push({ gap: true });
        local.addEventListener(name, own);
        local.addEventListener(GAP, gap);
        redis?.target.addEventListener(name, carried);
        await stop;
        local.removeEventListener(name, own);
        local.removeEventListener(GAP, gap);
        redis?.target.removeEventListener(name, carried);
        live.delete(events);
      }, new SlidingBuffer(MAX_PENDING));
      return events;
    },
    close: async () => {
      closed = true;
      // Unsubscribed while Redis is still connected, so no command is left to fail.
      await Promise.all([...live].map((events) => events.return()));
      await redis?.close();
    },
  };
}

/** What subscribers hear of an applied webhook event, as its Square API reads it (src/apis); undefined for events no subscription listens to. */
export function liveEventOf(applied: AppliedEvent): LiveEvent | undefined {
  const live = liveObjectOf(applied.type, applied.body);
  return live && { type: applied.type, eventId: applied.eventId, sequence: applied.sequence, ...live };
}
