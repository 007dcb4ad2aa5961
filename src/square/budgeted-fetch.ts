import { BudgetRefusal, type BucketStatus, type Priority, type SquareBudget } from './budget.js';
import { squareEndpoint } from './endpoint.js';
import type { SquareCallOutcome } from './episodes.js';
import { ObservedCall, type SquareObserver } from './observer.js';

export interface RequestBudget {
  budget: SquareBudget;
  /** The seller's key (a hash of its token). */
  seller: string;
  /** Aborts when the request's deadline passes (reason: a TimeoutError) or its client goes away. */
  signal: AbortSignal;
  /** performance.now() of the deadline. */
  deadline: number;
  /** Retries of a call that is safe to repeat, after 408, 429 or 5xx. */
  maxRetries: number;
  /** How long Square has to answer each attempt, from when it is sent (SQUARE_TIMEOUT_SECONDS). */
  attemptTimeoutMs: number;
  /** Told of every answer Square gave (not of refused calls), for the cost a client sees. */
  onCall?: (status: number) => void;
  /** Told of every attempt Square answered or failed to answer (not of refused calls, nor of ones the client gave up). */
  onOutcome?: (outcome: SquareCallOutcome) => void;
  /** Metrics and traces of every call. */
  observer?: SquareObserver | undefined;
  /** Told of the seller's bucket each time a call of the request takes a token, so that its response can show it without asking again. */
  onBudget?: (status: BucketStatus) => void;
}

/** Reads sent as POST: repeating one changes nothing. */
const READ_BY_POST = /\/(?:search[\w-]*|bulk-retrieve|batch-retrieve|calculate|from-gan|from-nonce)$/;

/**
 * A call is safe to repeat when repeating it cannot do twice what it did once: a read, or
 * a write carrying an idempotency key (Square answers a repeat with the first result).
 * Other writes (update, delete, complete, cancel, link) are settled by their callers.
 * The key is looked for where Square reads it, at the top of the request: the same words
 * in a value the client wrote (a customer's note) make no write safe to repeat.
 */
function retrySafe(method: string, url: string, body: unknown): boolean {
  if (method === 'GET') return true;
  if (READ_BY_POST.test(new URL(url).pathname)) return true;
  return typeof body === 'string' && typeof topLevel(body)?.idempotency_key === 'string';
}

function topLevel(body: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Square's Retry-After, in milliseconds; a second when absent. */
function retryAfterMs(response: Response): number {
  const seconds = Number(response.headers.get('retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 1000;
}

/** An answer in Square's own error shape for a call the gateway did not make, so that callers treat it like Square's. */
function refusedResponse(refusal: BudgetRefusal): Response {
  const spent = refusal.reason === 'spent';
  const error = spent
    ? { category: 'RATE_LIMIT_ERROR', code: 'RATE_LIMITED', detail: refusal.message }
    : { category: 'API_ERROR', code: 'GATEWAY_TIMEOUT', detail: refusal.message };
  return new Response(JSON.stringify({ errors: [error] }), {
    status: spent ? 429 : 504,
    headers: { 'content-type': 'application/json', ...(spent ? { 'retry-after': String(refusal.retryAfterSeconds) } : {}) },
  });
}

/** Waits `ms`, or less when `signal` aborts: resolves either way (whoever waits looks at the signal). */
export const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/**
 * A signal for one attempt at a call: it aborts with any of `signals`, or when Square has
 * not answered within `timeoutMs` of the attempt being sent (the wait for budget before it
 * and the pauses between attempts are the request's deadline's business).
 */
function timedAttempt(signals: AbortSignal[], timeoutMs: number) {
  const controller = new AbortController();
  let timedOut = false;
  const onAbort = function (this: AbortSignal) {
    controller.abort(this.reason);
  };
  for (const signal of signals) {
    if (signal.aborted) controller.abort(signal.reason);
    else signal.addEventListener('abort', onAbort, { once: true });
  }
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new DOMException(`Square did not answer within ${timeoutMs} ms.`, 'TimeoutError'));
  }, timeoutMs);
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    end() {
      clearTimeout(timer);
      for (const signal of signals) signal.removeEventListener('abort', onAbort);
    },
  };
}

/**
 * The SDK's transport for one request: every attempt at a Square call, retries included,
 * first spends a token of the seller's budget, so nothing reaches Square that the budget
 * did not allow; a call still waiting when the request's deadline passes or its client
 * leaves is never made. Retries are made here rather than by the SDK, so that no retry
 * sleeps past the deadline and none repeats a write that is not safe to repeat; a 429
 * (Square did nothing) is always safe to retry, once its Retry-After has passed: the call
 * sleeps it out holding no token and no place in the seller's queue, while the seller's
 * other calls go on at the rate the budget sets (see `refuse` in budget.ts).
 * Calls at `first` priority (the loaders' reads whose answers lead to more calls) go
 * ahead of the leaves waiting for the seller's budget.
 */
export function budgetedFetch(base: typeof fetch, request: RequestBudget, priority: Priority = 'leaf'): typeof fetch {
  const { budget, seller } = request;
  const attempts = async (input: Parameters<typeof fetch>[0], init: RequestInit, url: string, method: string, call: ObservedCall) => {
    const { signal } = request;
    const safe = retrySafe(method, url, init.body);
    const signals = init.signal ? [init.signal, signal] : [signal];
    for (let attempt = 0; ; attempt++) {
      try {
        const status = await call.budget(() => budget.acquire(seller, priority, signal, request.deadline));
        request.onBudget?.(status);
      } catch (error) {
        if (error instanceof BudgetRefusal) return refusedResponse(error);
        throw error;
      }
      let response: Response;
      const sent = timedAttempt(signals, request.attemptTimeoutMs);
      try {
        response = await call.send(() => base(input, { ...init, signal: sent.signal }));
      } catch (error) {
        // The request's deadline aborts `signal` with a TimeoutError; the SDK's backstop aborts init.signal.
        const timedOut = sent.timedOut() || init.signal?.aborted || (signal.aborted && (signal.reason as Error | undefined)?.name === 'TimeoutError');
        if (timedOut || !signal.aborted) request.onOutcome?.({ endpoint: call.endpoint, failure: timedOut ? 'timeout' : 'unreachable' });
        throw error;
      } finally {
        sent.end();
      }
      request.onCall?.(response.status);
      request.onOutcome?.({ endpoint: call.endpoint, status: response.status });
      const status = response.status;
      if (status === 429) await budget.throttled(seller, retryAfterMs(response));
      const retryable = status === 429 || (safe && (status === 408 || status >= 500));
      if (!retryable || attempt >= request.maxRetries || signal.aborted) return response;
      // Square's Retry-After after a 429; its own advice for 5xx: back off exponentially. Never past the deadline.
      const pause = status === 429 ? retryAfterMs(response) : 250 * 2 ** attempt * (0.8 + Math.random() * 0.4);
      if (performance.now() + pause >= request.deadline) return response;
      await sleep(pause, signal);
      if (signal.aborted) return response;
      await response.body?.cancel();
    }
  };
  return async (input, init = {}) => {
    const url = input instanceof Request ? input.url : String(input);
    const method = (init.method ?? 'GET').toUpperCase();
    const call = new ObservedCall(request.observer, squareEndpoint(method, url), seller);
    try {
      return await attempts(input, init, url, method, call);
    } finally {
      call.end();
    }
  };
}
