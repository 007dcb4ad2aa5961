import { BudgetRefusal } from './budget.js';

/**
 * What the gateway's metrics and traces hear of its Square calls (src/gateway/metrics.ts,
 * src/gateway/tracing.ts). Told endpoints and a seller's hash, never a token or an id.
 */
export interface SquareObserver {
  /** A Square call (all its attempts) is about to be made to `endpoint` (see endpoint.ts) for the seller `seller` (a token's hash). */
  call(endpoint: string, seller: string): SquareCallObserver;
  /** A call waited this long for a token of its seller's budget. */
  budgetWaited(seconds: number): void;
  /** A call was not made: its seller's budget was spent, or its request's deadline passed or its client left. */
  budgetRefused(reason: BudgetRefusal['reason']): void;
}

export interface SquareCallObserver {
  /** One attempt's answer: Square's status, or undefined when none came (timeout, connection lost); and how long it took. */
  answered(status: number | undefined, seconds: number): void;
  /** The call is over after `retries` retries: its last status, or why it was never made or got no answer. */
  ended(outcome: SquareCallOutcome): void;
}

export interface SquareCallOutcome {
  /** Square's last answer; undefined when none came. */
  status?: number;
  retries: number;
  /** Why the budget did not let the (last) attempt be made. */
  refused?: BudgetRefusal['reason'];
}

/** How often the cache answered a read of each kind of object (the names in each API's events.ts before the id). */
export interface CacheObserver {
  /** `count` reads (one by default) of `kind`. `hit`: from the cache; `shared`: a read under way for another request; `miss`: Square is asked. */
  looked(kind: string, result: 'hit' | 'shared' | 'miss', count?: number): void;
}

/** One Square call as budgetedFetch makes it, told to an observer: each attempt's wait for the budget and answer, and its end. */
export class ObservedCall {
  private readonly call: SquareCallObserver | undefined;
  private outcome: SquareCallOutcome = { retries: -1 };

  constructor(
    private readonly observer: SquareObserver | undefined,
    /** The call's route, ids left out (endpoint.ts). */
    readonly endpoint: string,
    seller: string,
  ) {
    this.call = observer?.call(endpoint, seller);
  }

  /** An attempt waits for a token of the budget. */
  async budget<T>(acquire: () => Promise<T>): Promise<T> {
    this.outcome = { retries: this.outcome.retries + 1 };
    const start = performance.now();
    let granted: T;
    try {
      granted = await acquire();
    } catch (error) {
      if (error instanceof BudgetRefusal) {
        this.outcome.refused = error.reason;
        this.observer?.budgetRefused(error.reason);
      }
      throw error;
    }
    this.observer?.budgetWaited((performance.now() - start) / 1000);
    return granted;
  }

  /** The attempt is sent. */
  async send(attempt: () => Promise<Response>): Promise<Response> {
    const start = performance.now();
    try {
      const response = await attempt();
      this.outcome.status = response.status;
      this.call?.answered(response.status, (performance.now() - start) / 1000);
      return response;
    } catch (error) {
      this.call?.answered(undefined, (performance.now() - start) / 1000);
      throw error;
    }
  }

  end(): void {
    this.call?.ended({ ...this.outcome, retries: Math.max(0, this.outcome.retries) });
  }
}
