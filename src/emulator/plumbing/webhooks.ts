import { createHmac } from 'node:crypto';
import { timestamp } from './clock.js';
import { newId } from './ids.js';
import { stringifyJson } from './json.js';

export interface WebhookConfig {
  /** Notification URL; the signature covers it, so it must be exactly what the receiver expects. */
  url?: string | undefined;
  signatureKey?: string | undefined;
  /** Delay before the first retry; doubles after each failed attempt. */
  retryBaseMs?: number;
  maxAttempts?: number;
}

export interface WebhookEvent {
  merchant_id: string;
  location_id?: string;
  type: string;
  event_id: string;
  created_at: string;
  data: { type: string; id: string; object?: Record<string, unknown>; deleted?: boolean };
}

export interface EmitInput {
  merchantId: string;
  /** e.g. `payment.updated` */
  type: string;
  /** The object's id. */
  id: string;
  /** `data.type`; defaults to the event type's first segment (`gift_card.activity.created` needs `gift_card_activity`). */
  dataType?: string;
  /** `data.object`, e.g. `{ payment: {...} }`. */
  object?: Record<string, unknown>;
  deleted?: boolean;
  locationId?: string;
}

/** base64(HMAC-SHA256(key, notificationUrl + rawBody)), as Square signs every notification. */
export function signWebhook(signatureKey: string, notificationUrl: string, rawBody: string): string {
  return createHmac('sha256', signatureKey).update(notificationUrl + rawBody).digest('base64');
}

/**
 * Sends Square-shaped, signed event notifications with Square's delivery headers,
 * retrying failed deliveries with exponential backoff. Events are only queued once
 * the change that caused them is committed.
 */
export class WebhookDispatcher {
  private config: WebhookConfig;
  private readonly recent: WebhookEvent[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private suspended = 0;

  constructor(config: WebhookConfig = {}) {
    this.config = config;
  }

  configure(config: WebhookConfig): void {
    const given = Object.entries(config).filter(([, value]) => value !== undefined);
    this.config = { ...this.config, ...Object.fromEntries(given) };
  }

  get settings(): Readonly<WebhookConfig> {
    return this.config;
  }

  /** The last events emitted (delivered or not), newest last; the control plane shows them. */
  events(): readonly WebhookEvent[] {
    return this.recent;
  }

  clearEvents(): void {
    this.recent.length = 0;
  }

  /** Runs `fn` without emitting events (the demo seed is not news to anyone). */
  async silently<T>(fn: () => Promise<T> | T): Promise<T> {
    this.suspended++;
    try {
      return await fn();
    } finally {
      this.suspended--;
    }
  }

  emit(input: EmitInput): WebhookEvent | undefined {
    if (this.suspended > 0) return undefined;
    const event: WebhookEvent = {
      merchant_id: input.merchantId,
      type: input.type,
      event_id: newId.event(),
      created_at: timestamp(),
      data: { type: input.dataType ?? input.type.split('.')[0]!, id: input.id },
    };
    if (input.locationId) event.location_id = input.locationId;
    if (input.object) event.data.object = input.object;
    if (input.deleted) event.data.deleted = true;
    this.recent.push(event);
    if (this.recent.length > 1000) this.recent.shift();
    // Delivered after the current handler's transaction has committed.
    setImmediate(() => void this.deliver(event, stringifyJson(event), 0, timestamp()));
    return event;
  }

  private async deliver(event: WebhookEvent, body: string, attempt: number, firstAt: string, reason?: string) {
    const { url, signatureKey, retryBaseMs = 1000, maxAttempts = 10 } = this.config;
    if (!url || !signatureKey) return;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'Square Connect v2',
      'square-environment': 'Sandbox',
      'square-initial-delivery-timestamp': firstAt,
      'x-square-hmacsha256-signature': signWebhook(signatureKey, url, body),
    };
    if (attempt > 0) {
      headers['square-retry-number'] = String(attempt);
      if (reason) headers['square-retry-reason'] = reason;
    }
    let failure: string | undefined;
    try {
      const response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
      await response.arrayBuffer();
      if (response.ok) return;
      failure = `http_error_${response.status}`;
    } catch {
      failure = 'connection_failure';
    }
    if (attempt + 1 >= maxAttempts) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.deliver(event, body, attempt + 1, firstAt, failure);
    }, retryBaseMs * 2 ** attempt);
    timer.unref();
    this.timers.add(timer);
  }

  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
