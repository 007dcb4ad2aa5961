/** What partners subscribe to: each live update's object as it changes, and a bulk operation's end. */
export const TOPIC_NAMES = [
  'CUSTOMER_UPDATED',
  'PAYMENT_UPDATED',
  'ORDER_UPDATED',
  'GIFT_CARD_UPDATED',
  'INVENTORY_COUNT_UPDATED',
  'LOYALTY_ACCOUNT_UPDATED',
  'BULK_OPERATION_FINISHED',
] as const;
export type TopicName = (typeof TOPIC_NAMES)[number];

/**
 * Whom a subscription's deliveries act for: the gateway's own seller (a key without sellers, or any
 * caller without API keys), one connected seller, or every connected seller its partner key may act for.
 */
export type SubscriptionSellers = { kind: 'server'; merchantId: string } | { kind: 'seller'; merchantId: string } | { kind: 'all' };

export interface WebhookSubscription {
  id: string;
  /** The SHA-256 of the API key that owns it; empty without API keys. */
  owner: string;
  sellers: SubscriptionSellers;
  topic: TopicName;
  callbackUrl: string;
  /** The selection each payload's object goes through, as validated at creation. */
  query: string;
  enabled: boolean;
  disabledReason: string | null;
  disabledAt: string | null;
  /** Since when every attempt has failed; null once one worked. */
  failingSince: string | null;
  /** Until when the previous secret still signs beside the current one, after a rotation. */
  previousSecretExpiresAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A subscription's secrets, sealed at rest: the current one, and the previous one during its grace period. */
export interface SealedSecrets {
  current: { keyId: string; data: Buffer };
  previous: { keyId: string; data: Buffer; expiresAt: string } | null;
}

export const DELIVERY_STATUSES = ['PENDING', 'RETRYING', 'DELIVERED', 'FAILED'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface DeliveryAttempt {
  at: string;
  /** The receiver's HTTP status; null when none came (refused address, timeout, connection failure). */
  statusCode: number | null;
  durationMs: number;
  /** Why it failed, when it did. */
  error: string | null;
  /** The first bytes of the receiver's answer. */
  responseBody: string | null;
}

export interface WebhookDelivery {
  id: string;
  /** Its place in its subscription's log (the order deliveries were enqueued). */
  seq: number;
  subscriptionId: string;
  /** The same for every attempt and resend of this event to this subscription: receivers deduplicate by it. */
  eventId: string;
  topic: TopicName;
  merchantId: string;
  /** The object it tells of (an inventory count: variation and location); deliveries of one object go out in order. */
  objectKey: string;
  /** Square's event it came from; null for the gateway's own events (a bulk operation). */
  squareEventId: string | null;
  status: DeliveryStatus;
  attempts: number;
  createdAt: string;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
}

/** One event's delivery to make, as enqueued. */
export interface NewDelivery {
  subscriptionId: string;
  eventId: string;
  topic: TopicName;
  merchantId: string;
  objectKey: string;
  squareEventId: string | null;
  squareEventType: string | null;
  /** When the event reached the gateway (ISO 8601): what the delivery's latency is measured from. */
  receivedAt: string;
  /** The payload's data as its publisher gave it (a bulk operation); null: rendered through the subscription's query at the first attempt. */
  data: string | null;
}

/** A delivery as its worker needs it. */
export interface DueDelivery extends WebhookDelivery {
  squareEventType: string | null;
  receivedAt: string;
  data: string | null;
  /** The body sent, once rendered: every later attempt sends the same. */
  payload: string | null;
}

export interface DeliveryPage {
  deliveries: WebhookDelivery[];
  /** Whether more follow the last one. */
  more: boolean;
}

/** What an attempt came to, recorded in one transaction with what follows from it. */
export type AttemptOutcome =
  | { kind: 'delivered'; attempt: DeliveryAttempt; payload: string }
  | { kind: 'retry'; attempt: DeliveryAttempt; payload: string | null; nextAttemptAt: string }
  /** Given up on: the delivery fails; with `disable`, its subscription is disabled for that reason, and its other deliveries fail too. */
  | { kind: 'failed'; attempt: DeliveryAttempt; payload: string | null; disable?: string | undefined };

/** Why a subscription change was refused, as a mutation reports it: the input path, and the code (`INVALID_VALUE`, `FORBIDDEN`, `NOT_FOUND`). */
export class SubscriptionRefused extends Error {
  constructor(
    message: string,
    readonly field: string,
    readonly code: string,
  ) {
    super(message);
  }
}

export interface SubscriptionInput {
  topic: TopicName;
  callbackUrl: string;
  /** A selection set on the topic's object; the live update's fields the key may read by default. */
  query?: string | null | undefined;
}

export interface SubscriptionUpdate {
  callbackUrl?: string | null | undefined;
  query?: string | null | undefined;
  enabled?: boolean | null | undefined;
  /** A new secret, returned once; the old one keeps signing beside it for the grace period. */
  rotateSecret?: boolean | null | undefined;
}

/** A subscription with the secret it signs with, shown this once (at creation and at a rotation). */
export interface WithSecret {
  subscription: WebhookSubscription;
  secret: string | null;
}

/**
 * A caller's outbound webhooks, as its request's context carries them: the subscriptions its API key
 * owns (any other is not found), and their deliveries. Refusals of its input throw SubscriptionRefused.
 */
export interface OutboundAccess {
  subscriptions(): Promise<WebhookSubscription[]>;
  create(input: SubscriptionInput): Promise<WithSecret>;
  update(id: string, update: SubscriptionUpdate): Promise<WithSecret>;
  delete(id: string): Promise<WebhookSubscription>;
  deliveries(subscriptionId: string, status: DeliveryStatus | undefined, first: number, beforeSeq: number | undefined): Promise<DeliveryPage | undefined>;
  attempts(deliveryId: string): Promise<DeliveryAttempt[]>;
  resend(deliveryId: string): Promise<WebhookDelivery>;
}
