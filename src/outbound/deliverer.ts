import { randomUUID } from 'node:crypto';
import type { PostResult, Post } from './post.js';
import { SIGNATURE_HEADER, signatureHeader } from './signature.js';
import type { OutboundStore } from './store.js';
import type { AttemptOutcome, DueDelivery, TopicName, WebhookSubscription } from './types.js';

/** What rendering a delivery's payload came to: its body, or why not now (tried again) or never. */
export type Rendered = { kind: 'body'; body: string } | { kind: 'retry'; error: string } | { kind: 'fail'; error: string; disable?: string | undefined };

/** What the gateway's metrics hear of deliveries (src/gateway/metrics.ts). */
export interface DeliveryObserver {
  /** One attempt, its outcome and how long the receiver took. */
  attempted(topic: TopicName, outcome: AttemptOutcome['kind'], seconds: number): void;
  /** A delivery the receiver took, `seconds` after its event reached the gateway. */
  delivered(topic: TopicName, seconds: number): void;
}

export interface RetryPolicy {
  /** How long a delivery is tried, and a subscription may fail without a success, before it is given up: 72 hours. */
  retryForMs: number;
  /** The wait after a first failed attempt; it doubles after each further one ... */
  firstRetryMs: number;
  /** ... up to this. Each wait is drawn in its upper half, so that deliveries that failed together are not tried together. */
  maxRetryMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retryForMs: 72 * 3600_000, firstRetryMs: 10_000, maxRetryMs: 3600_000 };

export interface DelivererOptions {
  store: OutboundStore;
  /** The secrets a subscription signs with now: its current one, and its previous one while its grace period runs. */
  secrets(subscription: WebhookSubscription, now: Date): Promise<string[]>;
  render(subscription: WebhookSubscription, delivery: DueDelivery): Promise<Rendered>;
  post: Post;
  retry?: RetryPolicy | undefined;
  /** How long an attempt holds its delivery against other instances: well past the receiver's timeout. */
  leaseMs: number;
  now?: (() => Date) | undefined;
  observer?: DeliveryObserver | undefined;
}

/**
 * One attempt at a delivery, whichever store and queue carry it: claim it (so no other instance
 * attempts it meanwhile), render its payload at its first attempt (every later attempt and resend
 * sends the same bytes), sign it with the secrets in force, POST it, and record what came of it:
 * delivered, tried again after a backoff, or given up (72 hours of failures disable the subscription).
 */
export class Deliverer {
  private readonly retry: RetryPolicy;
  private readonly now: () => Date;

  constructor(private readonly options: DelivererOptions) {
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.now = options.now ?? (() => new Date());
  }

  /** Attempts the delivery if it is due and nobody else is attempting it; a stale job's call changes nothing. */
  async attempt(id: string): Promise<void> {
    const { store } = this.options;
    const lease = randomUUID();
    const claimedAt = this.now();
    const delivery = await store.claim(id, lease, claimedAt.toISOString(), new Date(claimedAt.getTime() + this.options.leaseMs).toISOString());
    if (!delivery) return;
    const subscription = await store.subscription(delivery.subscriptionId);
    let outcome: AttemptOutcome;
    if (!subscription?.enabled) {
      outcome = { kind: 'failed', attempt: this.noAttempt('The subscription is disabled.'), payload: delivery.payload };
    } else {
      outcome = await this.send(subscription, delivery);
    }
    await store.finish(id, lease, outcome, this.now().toISOString());
    this.options.observer?.attempted(delivery.topic, outcome.kind, outcome.attempt.durationMs / 1000);
    if (outcome.kind === 'delivered') this.options.observer?.delivered(delivery.topic, Math.max(0, (this.now().getTime() - Date.parse(delivery.receivedAt)) / 1000));
  }

  private async send(subscription: WebhookSubscription, delivery: DueDelivery): Promise<AttemptOutcome> {
    let body = delivery.payload;
    if (body === null) {
      const rendered = await this.options.render(subscription, delivery).catch((error: unknown): Rendered => ({ kind: 'retry', error: `The payload could not be read: ${String(error)}` }));
      if (rendered.kind === 'fail') return { kind: 'failed', attempt: this.noAttempt(rendered.error), payload: null, disable: rendered.disable };
      if (rendered.kind === 'retry') return this.failed(subscription, delivery, this.noAttempt(rendered.error), null);
      body = rendered.body;
    }
    const now = this.now();
    const secrets = await this.options.secrets(subscription, now);
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'square-graphql-gateway-webhooks',
      [SIGNATURE_HEADER]: signatureHeader(secrets, Math.floor(now.getTime() / 1000), body),
      'x-gateway-event-id': delivery.eventId,
      'x-gateway-topic': delivery.topic,
    };
    const result = await this.options.post(subscription.callbackUrl, headers, body);
    const attempt = { at: now.toISOString(), ...pick(result) };
    if (result.ok) return { kind: 'delivered', attempt, payload: body };
    return this.failed(subscription, delivery, attempt, body);
  }

  /** A failed attempt: tried again after a backoff, unless the delivery or the subscription has failed for the whole retry period. */
  private failed(subscription: WebhookSubscription, delivery: DueDelivery, attempt: AttemptOutcome['attempt'], payload: string | null): AttemptOutcome {
    const now = this.now().getTime();
    const since = Math.min(Date.parse(delivery.createdAt), subscription.failingSince ? Date.parse(subscription.failingSince) : now);
    if (now - since >= this.retry.retryForMs) {
      const hours = Math.round(this.retry.retryForMs / 3600_000);
      return { kind: 'failed', attempt, payload, disable: `Deliveries failed for ${hours} hours; the last attempt: ${attempt.error ?? 'failed'}` };
    }
    const wait = Math.min(this.retry.firstRetryMs * 2 ** delivery.attempts, this.retry.maxRetryMs);
    const nextAttemptAt = new Date(now + wait / 2 + Math.random() * (wait / 2)).toISOString();
    return { kind: 'retry', attempt, payload, nextAttemptAt };
  }

  private noAttempt(error: string): AttemptOutcome['attempt'] {
    return { at: this.now().toISOString(), statusCode: null, durationMs: 0, error, responseBody: null };
  }
}

const pick = ({ statusCode, durationMs, error, responseBody }: PostResult) => ({ statusCode, durationMs, error, responseBody });
