import type { EventStore, StoredEvent } from '../store/index.js';

/** An event the processor has just applied, with its parsed body, for whoever reacts to it (e.g. live updates). */
export interface AppliedEvent {
  eventId: string;
  merchantId: string;
  type: string;
  body: unknown;
  /** Its place in the order events were applied (EventStore.markApplied). */
  sequence: number;
}

export type AppliedListener = (event: AppliedEvent) => void | Promise<void>;

export interface ProcessorLogger {
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

/** What the gateway's metrics hear of webhook events (src/gateway/metrics.ts). */
export interface WebhookObserver {
  /** A verified notification was stored (`new`), or was one already stored (`duplicate`). */
  received(type: string, outcome: 'new' | 'duplicate'): void;
  /** This instance marked the event applied; `body` is Square's event, whose `created_at` says when it happened. */
  applied(type: string, body: unknown): void;
  /** The event failed too often and is no longer tried. */
  parked(type: string): void;
}

export interface EventProcessorOptions {
  logger?: ProcessorLogger | undefined;
  observer?: WebhookObserver | undefined;
  /** Events read from the store at a time. */
  batchSize?: number | undefined;
  /** Wait before trying again after the store failed. */
  retryMs?: number | undefined;
  /** Attempts to apply one event before it is parked. */
  maxAttempts?: number | undefined;
  /** Wait after an event's first failed attempt; it doubles with each further one. */
  backoffMs?: number | undefined;
}

/** An event that keeps failing is parked after this many attempts ... */
export const MAX_APPLY_ATTEMPTS = 5;
/** ... tried again 2, 4, 8 and 16 s after its failures, so parked about half a minute after it first failed. */
export const APPLY_BACKOFF_MS = 2_000;
/** Parked events named in the log line at start. */
const PARKED_LISTED_AT_START = 10;

/**
 * Longest customer id taken from a merge; Square's have 26 characters. PostgreSQL's index of
 * merges holds at most 2,704 bytes of seller and customer id, which the receiver's 255-character
 * seller id and this always fit, even stored escaped (text.ts, up to 6 bytes a character):
 * a longer id could fail there and not on SQLite.
 */
const MAX_CUSTOMER_ID_LENGTH = 100;

const isCustomerId = (id: unknown): id is string => typeof id === 'string' && id !== '' && id.length <= MAX_CUSTOMER_ID_LENGTH;

/** `customer.created` after a seller merged profiles; Square puts the context in `data.object.event_context.merge`. */
function mergeOf(body: unknown): { fromIds: string[]; toId: string } | undefined {
  const merge = (body as { data?: { object?: { event_context?: { merge?: unknown } } } }).data?.object?.event_context?.merge;
  if (typeof merge !== 'object' || merge === null) return undefined;
  const { from_customer_ids: fromIds, to_customer_id: toId } = merge as Record<string, unknown>;
  if (!isCustomerId(toId) || !Array.isArray(fromIds) || !fromIds.every(isCustomerId)) return undefined;
  return { fromIds, toId };
}

/**
 * Applies stored webhook events after they were acknowledged: one pass at a time, oldest
 * first, a batch at a time, each marked applied once its effect is stored. Whatever is
 * pending when the processor starts (acknowledged before a crash) is applied then. Applying is idempotent,
 * so an event applied but not yet marked when the process died is simply applied again.
 *
 * An event whose apply fails is set aside in the store with its error and tried again
 * with exponential backoff, while the events after it go on being applied; after
 * `maxAttempts` failures it is parked, logged, and never tried again. Square cannot
 * deliver it again (it was acknowledged), so the parked event stays in the store.
 */
export class EventProcessor {
  private readonly listeners = new Set<AppliedListener>();
  private readonly logger: ProcessorLogger;
  private readonly observer: WebhookObserver | undefined;
  private readonly batchSize: number;
  private readonly retryMs: number;
  private readonly maxAttempts: number;
  private readonly backoffMs: number;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private wakeTimer: NodeJS.Timeout | undefined;
  private wakeAt = 0;

  constructor(
    private readonly store: EventStore,
    options: EventProcessorOptions = {},
  ) {
    this.logger = options.logger ?? console;
    this.observer = options.observer;
    this.batchSize = options.batchSize ?? 100;
    this.retryMs = options.retryMs ?? 5_000;
    this.maxAttempts = options.maxAttempts ?? MAX_APPLY_ATTEMPTS;
    this.backoffMs = options.backoffMs ?? APPLY_BACKOFF_MS;
  }

  /**
   * Called once per event after it was applied, by the instance that marked it so. Listeners
   * run after the store is updated and cannot undo it: a failing listener is logged.
   * Returns a function that removes the listener.
   */
  onApplied(listener: AppliedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Applies everything pending (acknowledged earlier, perhaps before a restart), and names the parked events in the log. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.reportParked();
    return this.wake();
  }

  /** Asks for a pass over pending events; resolves when the pass that covers this call has finished. */
  wake(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.drain().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Waits for the pass in progress and starts no other; pending events stay stored for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
    await this.running;
  }

  private async drain(): Promise<void> {
    do {
      this.again = false;
      try {
        for (;;) {
          if (this.stopped) return;
          const batch = await this.store.pendingEvents(this.batchSize);
          await this.apply(batch);
          if (batch.length < this.batchSize) break;
        }
        const retryInMs = await this.store.nextRetryInMs();
        if (retryInMs !== undefined) this.wakeIn(retryInMs);
      } catch (error) {
        // The store is unavailable: the events stay pending and a later pass applies them.
        this.logger.error('webhook processing paused, the event store failed:', error);
        this.wakeIn(this.retryMs);
        return;
      }
    } while (this.again);
  }

  /**
   * Stores each event's effect, then marks those that took effect applied in one commit, and
   * tells the listeners of those this instance marked. A commit per event (a round trip and
   * an fsync each) held the apply rate on PostgreSQL to a fraction of the ingest rate.
   */
  private async apply(batch: StoredEvent[]): Promise<void> {
    const done: Array<Omit<AppliedEvent, 'sequence'>> = [];
    for (const event of batch) {
      try {
        const body: unknown = JSON.parse(event.rawBody);
        if (event.type === 'customer.created') {
          const merge = mergeOf(body);
          if (merge) await this.store.recordMerge(event.merchantId, merge.fromIds, merge.toId, event.eventId);
        }
        done.push({ eventId: event.eventId, merchantId: event.merchantId, type: event.type, body });
      } catch (error) {
        await this.setAside(event, error);
      }
    }
    if (done.length === 0) return;
    const marked = await this.store.markApplied(done.map((applied) => applied.eventId));
    for (const event of done) {
      const sequence = marked.get(event.eventId);
      if (sequence === undefined) continue;
      const applied = { ...event, sequence };
      this.observer?.applied(applied.type, applied.body);
      for (const listener of this.listeners) {
        try {
          await listener(applied);
        } catch (error) {
          this.logger.warn(`webhook listener failed on ${applied.type} ${applied.eventId}:`, error);
        }
      }
    }
  }

  /**
   * Records the failed attempt, so the next pass goes on with later events. Should the store
   * fail here too, this throws: the event stays pending, uncounted, and the pass pauses.
   */
  private async setAside(event: StoredEvent, error: unknown): Promise<void> {
    const attempt = event.attempts + 1;
    const message = error instanceof Error ? error.message : String(error);
    // The id came from the sender: quoted, so that control characters cannot forge log lines.
    const what = `webhook event ${JSON.stringify(event.eventId)} (${JSON.stringify(event.type)})`;
    if (attempt >= this.maxAttempts) {
      await this.store.recordFailure(event.eventId, message, undefined);
      this.observer?.parked(event.type);
      this.logger.error(`${what} parked after ${attempt} failed attempts; later events are applied. Last error: ${message}`);
      return;
    }
    const retryInMs = this.backoffMs * 2 ** (attempt - 1);
    await this.store.recordFailure(event.eventId, message, retryInMs);
    this.logger.warn(`${what} failed to apply (attempt ${attempt} of ${this.maxAttempts}), tried again in ${retryInMs} ms:`, error);
  }

  private async reportParked(): Promise<void> {
    let parked: StoredEvent[];
    try {
      parked = await this.store.parkedEvents(PARKED_LISTED_AT_START);
    } catch {
      // The pass that follows finds the store unavailable too, and says so.
      return;
    }
    if (parked.length === 0) return;
    const ids = parked.map((event) => JSON.stringify(event.eventId)).join(', ');
    const count = parked.length < PARKED_LISTED_AT_START ? `${parked.length}` : `${PARKED_LISTED_AT_START} or more`;
    this.logger.warn(`${count} webhook events are parked (failed to apply ${this.maxAttempts} times, no longer tried), oldest first: ${ids}`);
  }

  /** A pass in `ms`, unless one is already timed to come sooner. */
  private wakeIn(ms: number): void {
    const at = Date.now() + ms;
    if (this.stopped || (this.wakeTimer && this.wakeAt <= at)) return;
    clearTimeout(this.wakeTimer);
    this.wakeAt = at;
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = undefined;
      void this.wake();
    }, ms);
    this.wakeTimer.unref();
  }
}
