import type { EventStore, StoredEvent } from '../store/index.js';

/** An event the processor has just applied, with its parsed body, for whoever reacts to it (e.g. live updates). */
export interface AppliedEvent {
  eventId: string;
  merchantId: string;
  type: string;
  body: unknown;
}

export type AppliedListener = (event: AppliedEvent) => void | Promise<void>;

export interface ProcessorLogger {
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

export interface EventProcessorOptions {
  logger?: ProcessorLogger | undefined;
  /** Events read from the store at a time. */
  batchSize?: number | undefined;
  /** Wait before trying again after the store failed. */
  retryMs?: number | undefined;
}

/** `customer.created` after a seller merged profiles; Square puts the context in `data.object.event_context.merge`. */
function mergeOf(body: unknown): { fromIds: string[]; toId: string } | undefined {
  const merge = (body as { data?: { object?: { event_context?: { merge?: unknown } } } }).data?.object?.event_context?.merge;
  if (typeof merge !== 'object' || merge === null) return undefined;
  const { from_customer_ids: fromIds, to_customer_id: toId } = merge as Record<string, unknown>;
  if (typeof toId !== 'string' || toId === '') return undefined;
  if (!Array.isArray(fromIds) || !fromIds.every((id): id is string => typeof id === 'string' && id !== '')) return undefined;
  return { fromIds, toId };
}

/**
 * Applies stored webhook events after they were acknowledged: one pass at a time, oldest
 * first, each marked applied once its effect is stored. Whatever is pending when the
 * processor starts (acknowledged before a crash) is applied then. Applying is idempotent,
 * so an event applied but not yet marked when the process died is simply applied again.
 */
export class EventProcessor {
  private readonly listeners = new Set<AppliedListener>();
  private readonly logger: ProcessorLogger;
  private readonly batchSize: number;
  private readonly retryMs: number;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: EventStore,
    options: EventProcessorOptions = {},
  ) {
    this.logger = options.logger ?? console;
    this.batchSize = options.batchSize ?? 100;
    this.retryMs = options.retryMs ?? 5_000;
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

  /** Applies everything pending (acknowledged earlier, perhaps before a restart). */
  start(): Promise<void> {
    this.stopped = false;
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
    clearTimeout(this.retryTimer);
    await this.running;
  }

  private async drain(): Promise<void> {
    do {
      this.again = false;
      try {
        for (;;) {
          if (this.stopped) return;
          const batch = await this.store.pendingEvents(this.batchSize);
          for (const event of batch) {
            if (this.stopped) return;
            await this.apply(event);
          }
          if (batch.length < this.batchSize) break;
        }
      } catch (error) {
        // The store is unavailable: the events stay pending and a later pass applies them.
        this.logger.error('webhook processing paused, the event store failed:', error);
        this.scheduleRetry();
        return;
      }
    } while (this.again);
  }

  private async apply(event: StoredEvent): Promise<void> {
    let body: unknown;
    try {
      body = JSON.parse(event.rawBody);
    } catch {
      // The receiver stores only bodies that parse; one that does not can never be applied, so it is set aside.
      this.logger.warn(`webhook event ${event.eventId} has a body that is not JSON; skipped`);
      await this.store.markApplied(event.eventId);
      return;
    }
    if (event.type === 'customer.created') {
      const merge = mergeOf(body);
      if (merge) await this.store.recordMerge(event.merchantId, merge.fromIds, merge.toId, event.eventId);
    }
    if (!(await this.store.markApplied(event.eventId))) return;
    const applied: AppliedEvent = { eventId: event.eventId, merchantId: event.merchantId, type: event.type, body };
    for (const listener of this.listeners) {
      try {
        await listener(applied);
      } catch (error) {
        this.logger.warn(`webhook listener failed on ${event.type} ${event.eventId}:`, error);
      }
    }
  }

  private scheduleRetry(): void {
    if (this.stopped || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.wake();
    }, this.retryMs);
    this.retryTimer.unref();
  }
}
