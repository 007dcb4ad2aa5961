import { GraphQLError } from 'graphql';
import { filter, map, pipe, Repeater, type YogaInitialContext } from 'graphql-yoga';
import type { GatewayContext } from '../context/gateway-context.js';
import { deliveringEvent } from '../context/live-event-ids.js';
import { lastEventIdOf } from '../context/live-event-ids.js';
import { isGap, type LiveEvent, type LiveGap, type LiveMessage } from '../context/live-events.js';
import { squareIdFrom } from './ids.js';

interface LiveSource<T> {
  /** Event types that concern this subscription. */
  types: ReadonlySet<string>;
  /** A check on the event alone, before any Square read (watching one id needs none for the others). */
  wanted?: (event: LiveEvent) => boolean;
  /** The changed object, read through the context's loaders. */
  load: (ctx: GatewayContext, event: LiveEvent) => Promise<T | null>;
  /** Whether the subscriber asked for this object. */
  matches?: (object: T) => boolean;
}

/** An object delivered, with the sequence of the event that changed it (its SSE id). */
interface Delivered<T> {
  object: T;
  sequence: number;
}

/** The seller can no longer be read (disconnected): the subscriber gets the error, and the subscription ends. */
interface Ended {
  ended: GraphQLError;
}

const isEnded = (message: object): message is Ended => 'ended' in message;

/** The event that ends a seller's authorization of the application: a subscription acting for that connected seller ends with it. */
const REVOKED = 'oauth.authorization.revoked';

/**
 * One subscription's objects: its own seller's events only (the topic is the seller's),
 * those of the listed types, each object read fresh through renewed loaders and
 * filtered by the subscription's arguments. An event whose object cannot be read
 * (gone, or Square failed) is skipped; the next one brings the current state anyway.
 * A subscriber that says which event it saw last (Last-Event-ID) first gets the events
 * it missed, read back from the event store, then the live ones. Gaps (where events may
 * have been missed, see LiveGap) pass every filter: the subscriber hears of each. A
 * subscription acting for a connected seller ends, with SELLER_DISCONNECTED, when the seller
 * revokes the application or Square refuses its token.
 */
export async function liveObjects<T>(ctx: GatewayContext, source: LiveSource<T>): Promise<AsyncIterable<Delivered<T> | LiveGap | Ended>> {
  const { pubsub } = ctx;
  if (!pubsub) {
    throw new GraphQLError('Live updates need Square webhooks: configure SQUARE_WEBHOOK_SIGNATURE_KEY (or REDIS_URL).', {
      extensions: { code: 'SUBSCRIPTIONS_UNAVAILABLE' },
    });
  }
  const lastSeen = lastEventIdOf((ctx as GatewayContext & Partial<YogaInitialContext>).request);
  const { replay } = pubsub;
  if (lastSeen !== undefined && !replay) {
    throw new GraphQLError('This gateway keeps no event store to resume from: subscribe without Last-Event-ID.', {
      extensions: { code: 'REPLAY_UNAVAILABLE' },
    });
  }
  const merchantId = await ctx.merchantId();
  const events = pubsub.subscribe(merchantId);
  const load = async (event: LiveEvent): Promise<Delivered<T> | Ended | null> => {
    if (event.type === REVOKED) {
      const ended = ctx.sellerRevoked();
      return ended ? { ended } : null;
    }
    ctx.renewLoaders();
    try {
      const object = await source.load(ctx, event);
      return object === null ? null : { object, sequence: event.sequence };
    } catch (error) {
      if (error instanceof GraphQLError && error.extensions.code === 'SELLER_DISCONNECTED') return { ended: error };
      // Skipped, not fatal: the object's next event brings its state. Logged, as a subscriber never hears of it.
      ctx.logger.warn({ err: error, eventType: event.type, sequence: event.sequence }, 'live update skipped: its object could not be read');
      return null;
    }
  };
  const stream =
    lastSeen === undefined || !replay ? events : await resumed(events, () => pubsub.listening(merchantId), () => replay.missedSince(merchantId, lastSeen));
  return untilEnded(
    pipe(
      stream,
      filter((message: LiveMessage) => isGap(message) || message.type === REVOKED || (source.types.has(message.type) && (source.wanted?.(message) ?? true))),
      map(async (message: LiveMessage) => (isGap(message) ? message : load(message))),
      filter(
        (delivered: Delivered<T> | LiveGap | Ended | null): delivered is Delivered<T> | LiveGap | Ended =>
          delivered !== null && (isGap(delivered) || isEnded(delivered) || (source.matches?.(delivered.object) ?? true)),
      ),
    ),
  );
}

/** The messages up to and including the first Ended, after which the source is let go. */
function untilEnded<T extends object>(source: AsyncIterable<T>): AsyncIterable<T> {
  return new Repeater<T>(async (push, stop) => {
    const messages = source[Symbol.asyncIterator]();
    void stop.then(() => void messages.return?.());
    for (let next = await messages.next(); !next.done; next = await messages.next()) {
      await push(next.value);
      if (isEnded(next.value)) break;
    }
    stop();
  });
}

/**
 * The events missed, then the live ones, with no gap and no repeat at the seam: the live
 * subscription starts (and is confirmed) first, then the store is read, and live events
 * already replayed are dropped. A replay refused (too far back) ends the live subscription.
 */
async function resumed(
  live: AsyncIterableIterator<LiveMessage>,
  listening: () => Promise<void>,
  missed: () => Promise<LiveEvent[]>,
): Promise<AsyncIterable<LiveMessage>> {
  // The first pull starts the subscription; its event is taken once the replay is out.
  const first = live.next();
  let replay: LiveEvent[];
  try {
    await listening();
    replay = await missed();
  } catch (error) {
    await live.return?.();
    throw error;
  }
  const replayed = new Set(replay.map((event) => event.sequence));
  return new Repeater<LiveMessage>(async (push, stop) => {
    let stopped = false;
    void stop.then(() => {
      stopped = true;
      void live.return?.();
    });
    for (const event of replay) {
      if (stopped) return;
      await push(event);
    }
    for (let next = await first; !next.done && !stopped; next = await live.next()) {
      if (isGap(next.value) || !replayed.has(next.value.sequence)) await push(next.value);
    }
    stop();
  });
}

/**
 * The resolver's half of a delivery: the event's sequence goes out as the SSE id, beside the
 * object. A gap goes out as an error, without an id, and the subscription goes on; an end goes out as its error, the last one.
 */
export function deliver<T>(delivered: Delivered<T> | LiveGap | Ended, ctx: GatewayContext): T {
  if (isEnded(delivered)) throw delivered.ended;
  if (isGap(delivered)) {
    throw new GraphQLError(
      'Live updates may have been missed here: Redis, which carries them between gateway instances, failed or did not answer. This subscription goes on; to get what was missed, subscribe again with the last event id received (Last-Event-ID), or read the current state.',
      { extensions: { code: 'LIVE_UPDATES_GAP' } },
    );
  }
  deliveringEvent(ctx, delivered.sequence);
  return delivered.object;
}

/**
 * Every id a watched customer's payments and orders may carry: the profile it lives on as
 * (after a merge, the survivor), and every profile merged into that one, whose old orders
 * keep the old id. Without a customer, undefined: everything matches.
 */
export async function customerIds(ctx: GatewayContext, id: string | number | null | undefined): Promise<Set<string | null | undefined> | undefined> {
  if (id == null) return undefined;
  const given = squareIdFrom(String(id), 'Customer', 'customerId');
  const survivor = (await ctx.lineage.mergedInto(given)) ?? given;
  const merged = (await ctx.lineage.mergedFrom([survivor])).get(survivor) ?? [];
  return new Set([given, survivor, ...merged]);
}
