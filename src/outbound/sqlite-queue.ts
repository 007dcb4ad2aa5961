import type { SqliteOutboundStore } from './sqlite-store.js';

/** The longest a waiting poller sleeps: a clock moved on (a test's), or a lease run out, is noticed within it. */
const MAX_SLEEP_MS = 1_000;

/**
 * The SQLite store's queue: its deliveries table, polled by the one instance it serves for heads
 * of lines that are due, `concurrency` attempts at a time. Woken when a delivery is enqueued or a
 * line moves on; otherwise it sleeps until the next one falls due.
 */
export class SqliteDeliveryQueue {
  private readonly running = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  private pumping = false;

  constructor(
    private readonly store: SqliteOutboundStore,
    private readonly attempt: (id: string) => Promise<void>,
    private readonly options: { concurrency: number; now: () => Date; onError(error: unknown): void },
  ) {}

  start(): void {
    this.stopped = false;
    this.wake();
  }

  /** Looks for due deliveries now. */
  wake(): void {
    if (this.stopped || this.pumping) return;
    this.pumping = true;
    try {
      this.pump();
    } finally {
      this.pumping = false;
    }
  }

  private pump(): void {
    clearTimeout(this.timer);
    const free = this.options.concurrency - this.running.size;
    const taken = new Set<string>();
    if (free > 0) {
      for (const id of this.store.dueIds(this.options.now().toISOString(), free)) {
        taken.add(id);
        const run = this.attempt(id)
          .catch((error: unknown) => this.options.onError(error))
          .finally(() => {
            this.running.delete(run);
            this.wake();
          });
        this.running.add(run);
      }
    }
    if (taken.size > 0 || this.running.size >= this.options.concurrency) return;
    const next = this.store.nextDueAt();
    if (next === undefined) return;
    const wait = Math.min(MAX_SLEEP_MS, Math.max(10, Date.parse(next) - this.options.now().getTime()));
    this.timer = setTimeout(() => this.wake(), wait);
    this.timer.unref();
  }

  /** Takes no more deliveries and waits for the attempts under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await Promise.all(this.running);
  }
}
