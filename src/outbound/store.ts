import { createHash } from 'node:crypto';
import { allows, type ApiKey } from '../context/authentication.js';
import type { AppliedRow } from '../store/index.js';
import { topicOfEvent } from './topics.js';
import type {
  AttemptOutcome,
  DeliveryAttempt,
  DeliveryPage,
  DeliveryStatus,
  DueDelivery,
  NewDelivery,
  SealedSecrets,
  SubscriptionSellers,
  TopicName,
  WebhookDelivery,
  WebhookSubscription,
} from './types.js';

export interface NewSubscription {
  id: string;
  owner: string;
  sellers: SubscriptionSellers;
  topic: TopicName;
  callbackUrl: string;
  query: string;
  secret: SealedSecrets['current'];
  now: string;
}

export interface SubscriptionChange {
  callbackUrl?: string | undefined;
  query?: string | undefined;
  /** True re-enables a disabled subscription (its failure streak forgotten); false disables it, for this reason. */
  enabled?: { on: true } | { on: false; reason: string } | undefined;
  /** A rotated secret: the current one becomes the previous, signing beside it until `previousExpiresAt`. */
  rotated?: { secret: SealedSecrets['current']; previousExpiresAt: string } | undefined;
  now: string;
}

/**
 * Outbound webhooks' durable state, beside the event store (in its SQLite file, or its PostgreSQL):
 * subscriptions with their sealed secrets, and every delivery with its attempts. Deliveries of one
 * subscription and object form a line, delivered one at a time in the order they were enqueued:
 * only the head of a line is `queued` (due to be attempted); when it is delivered, or fails for
 * good, the next one is queued in the same commit.
 */
export interface OutboundStore {
  createSubscription(subscription: NewSubscription): Promise<WebhookSubscription>;
  subscription(id: string): Promise<WebhookSubscription | undefined>;
  /** The enabled subscriptions to a topic. */
  subscribersOf(topic: TopicName): Promise<WebhookSubscription[]>;
  /** The owner's subscriptions, oldest first. */
  subscriptions(owner: string): Promise<WebhookSubscription[]>;
  /** Undefined when there is no such subscription. Disabling fails its deliveries not yet made. */
  updateSubscription(id: string, change: SubscriptionChange): Promise<WebhookSubscription | undefined>;
  /** Deletes it with its deliveries; false when there was none. */
  deleteSubscription(id: string): Promise<boolean>;
  secrets(id: string): Promise<SealedSecrets | undefined>;
  /** Stores deliveries the gateway publishes itself (a bulk operation's end) in a commit of their own; an event already enqueued to a subscription is not enqueued again. */
  enqueue(deliveries: readonly NewDelivery[], now: string): Promise<void>;
  /** Takes the delivery for one attempt, until `leasedUntil`; undefined when it is not due, not at the head of its line, or taken. */
  claim(id: string, lease: string, now: string, leasedUntil: string): Promise<DueDelivery | undefined>;
  /** Records the attempt and what follows from it (see AttemptOutcome); false when the lease was lost meanwhile. */
  finish(id: string, lease: string, outcome: AttemptOutcome, now: string): Promise<boolean>;
  /** A subscription's deliveries, newest first, those enqueued before `beforeSeq` when given. */
  deliveries(subscriptionId: string, status: DeliveryStatus | undefined, first: number, beforeSeq: number | undefined): Promise<DeliveryPage>;
  delivery(id: string): Promise<WebhookDelivery | undefined>;
  attempts(deliveryId: string): Promise<DeliveryAttempt[]>;
  /** Makes the delivery due again now, in its line (a delivered or failed one joins its line anew). */
  resend(id: string, now: string): Promise<WebhookDelivery | undefined>;
  close(): Promise<void>;
}

/** Who may act for a seller: whether a subscription's owner may still act for the merchant an event is of. */
export type SellerCheck = (owner: string, merchantId: string) => boolean;

/**
 * Whether the key of this SHA-256 (an owner; empty without API keys) may act for the merchant now: a
 * subscription to all of its sellers hears no more of a seller taken off its list. A revoked key's
 * subscriptions still hear, so that the attempt fails and disables them saying why.
 */
export function sellerCheck(apiKeys: { bySha256(sha256: string): ApiKey | undefined } | undefined): SellerCheck {
  return (owner, merchantId) => {
    if (owner === '') return true;
    const key = apiKeys?.bySha256(owner);
    return key === undefined || key.sellers === undefined || allows(key.sellers, merchantId);
  };
}

/** What applied Square events tell partners: per event whose topic a subscription may follow, its topic and the objects it changed. */
export interface ToldEvent {
  event: AppliedRow;
  topic: TopicName;
  objectKeys: string[];
}

export function toldOf(applied: readonly AppliedRow[]): ToldEvent[] {
  return applied.flatMap((event) => {
    let body: unknown;
    try {
      body = JSON.parse(event.rawBody);
    } catch {
      return [];
    }
    const topic = topicOfEvent(event.type, body);
    return topic ? [{ event, ...topic }] : [];
  });
}

/** The topics of these events, whose subscriptions `deliveriesOf` needs. */
export const topicsOf = (told: readonly ToldEvent[]): TopicName[] => [...new Set(told.map((t) => t.topic))];

/**
 * The deliveries the events make: one per object an event changed and subscription to its topic
 * (enabled, of the event's seller, and whose owner may still act for that seller), in event order.
 */
export function deliveriesOf(told: readonly ToldEvent[], subscriptions: readonly WebhookSubscription[], mayActFor: SellerCheck): NewDelivery[] {
  return told.flatMap(({ event, topic, objectKeys }) =>
    subscriptions
      .filter((s) => s.topic === topic && s.enabled && hears(s, event.merchantId, mayActFor))
      .flatMap((s) =>
        objectKeys.map((objectKey) => ({
          subscriptionId: s.id,
          eventId: eventIdOf(s.id, event.eventId, objectKey),
          topic,
          merchantId: event.merchantId,
          objectKey,
          squareEventId: event.eventId,
          squareEventType: event.type,
          receivedAt: event.receivedAt,
          data: null,
        })),
      ),
  );
}

/**
 * Whether an enabled subscription gets a delivery of this seller's event. The owner key's sellers
 * only narrow a subscription to all of them; one for a single seller gets the delivery even once
 * its key may no longer act for that seller, so that rendering it fails and disables the
 * subscription saying why, rather than leaving it enabled and silent.
 */
export function hears(subscription: WebhookSubscription, merchantId: string, mayActFor: SellerCheck): boolean {
  if (subscription.sellers.kind !== 'all') return subscription.sellers.merchantId === merchantId;
  return mayActFor(subscription.owner, merchantId);
}

/** The id a receiver sees for one event delivered to one subscription: the same at every attempt and resend, unique across subscriptions. */
export function eventIdOf(subscriptionId: string, sourceEventId: string, objectKey: string): string {
  return `whev_${createHash('sha256').update(`${subscriptionId}\n${sourceEventId}\n${objectKey}`).digest('hex').slice(0, 32)}`;
}

/** A subscription row's sellers, stored as a kind and a merchant id. */
export const sellersOf = (kind: string, merchantId: string | null): SubscriptionSellers =>
  kind === 'all' ? { kind: 'all' } : { kind: kind as 'server' | 'seller', merchantId: merchantId ?? '' };

export const merchantOf = (sellers: SubscriptionSellers): string | null => (sellers.kind === 'all' ? null : sellers.merchantId);

/** A delivery's place in its subscription's log, as the webhookDeliveries cursor carries it. */
export const cursorOf = (seq: number) => Buffer.from(`d:${seq}`).toString('base64url');

/** The place a cursor names; undefined for anything that is not one. */
export function seqOfCursor(cursor: string): number | undefined {
  const match = /^d:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match ? Number(match[1]) : undefined;
}
