/** The live event that tells a seller's subscribers one of its bulk operations ended (not a Square event: no sequence to resume after). */
export const BULK_OPERATION_FINISHED = 'bulk_operation.finished';

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

/**
 * Said to a subscriber where it may have missed events: this instance's connection to Redis
 * failed or hung (and again once it serves again), or another instance could not publish to
 * Redis. Events applied by this instance never go missing: they are delivered here directly.
 */
export interface LiveGap {
  gap: true;
}

export type LiveMessage = LiveEvent | LiveGap;

export const isGap = <T extends object>(message: T | LiveGap): message is LiveGap => 'gap' in message;

/** The seller's events applied after the given sequence; throws a typed error when that is too far back. */
export interface LiveHistory {
  missedSince(merchantId: string, sequence: number): Promise<LiveEvent[]>;
}

/** Square's events per seller as subscriptions hear them (the gateway's pub/sub, src/gateway/pubsub.ts). */
export interface LiveEventSource {
  /** The seller's events from now on, and gaps, until the iterator is returned or the pub/sub closed. */
  subscribe(merchantId: string): AsyncIterableIterator<LiveMessage>;
  /** Resolves once events published for the seller reach the subscriptions started before this call (Redis confirmed the topic). */
  listening(merchantId: string): Promise<void>;
  /** What reconnecting subscribers missed, when the gateway keeps an event store (src/gateway/live-replay.ts). */
  replay: LiveHistory | undefined;
}
