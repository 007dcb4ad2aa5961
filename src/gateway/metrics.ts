import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CacheObserver, SquareObserver } from '../square/observer.js';
import type { WebhookObserver } from '../webhooks/index.js';

/** Distinct operation names given a series of their own; later ones count as `other`, so that clients cannot grow the metrics without bound. */
const MAX_OPERATION_NAMES = 200;
const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;
const ERROR_CODE = /^[A-Z][A-Z0-9_]{0,39}$/;
const EVENT_TYPE = /^[a-z][a-z0-9_.]{0,63}$/;

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const WAIT_SECONDS = [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const LAG_SECONDS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800];

export type OperationType = 'query' | 'mutation' | 'subscription' | 'unknown';

/**
 * The gateway's Prometheus metrics, in a registry of its own (never prom-client's global
 * one), so that gateways in one process count apart. Labels hold names chosen by the
 * gateway or Square (endpoints, error codes, event types) and bounded operation names:
 * never a token, a seller or an object id. README "Metrics and traces" lists them.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly operationNames = new Set<string>();

  private readonly operations = this.counter('gateway_graphql_operations_total', 'GraphQL operations by name, type and outcome (ok, or the first error code).', ['operation', 'type', 'outcome']);
  private readonly operationSeconds = this.histogram('gateway_graphql_operation_duration_seconds', 'Time from a GraphQL request to its result (a stream: to its start).', ['operation', 'type', 'outcome'], SECONDS);
  private readonly subscriptions = new Gauge({ name: 'gateway_graphql_subscriptions_open', help: 'Subscriptions streaming now.', registers: [this.registry] });
  private readonly squareRequests = this.counter('gateway_square_requests_total', 'HTTP requests to Square (each attempt) by endpoint and status (none: no answer).', ['endpoint', 'status']);
  private readonly squareSeconds = this.histogram('gateway_square_request_duration_seconds', 'Duration of each HTTP request to Square.', ['endpoint', 'status'], SECONDS);
  private readonly squareRetries = this.counter('gateway_square_retries_total', 'Square calls sent again after 408, 429 or 5xx.', ['endpoint']);
  private readonly budgetWaits = this.histogram('gateway_square_budget_wait_seconds', 'Time a Square call waited for a token of its seller’s budget.', [], WAIT_SECONDS);
  private readonly budgetRefusals = this.counter('gateway_square_budget_refusals_total', 'Square calls the budget did not let be made: spent, deadline, or gone (the client left).', ['reason']);
  private readonly cacheLookups = this.counter('gateway_cache_lookups_total', 'Cached Square reads by kind of object and result: hit, shared (a read under way), miss.', ['kind', 'result']);
  private readonly webhooksReceived = this.counter('gateway_webhook_events_received_total', 'Verified webhook notifications stored (new) or already stored (duplicate).', ['type', 'outcome']);
  private readonly webhooksApplied = this.counter('gateway_webhook_events_applied_total', 'Webhook events this instance applied.', ['type']);
  private readonly webhooksParked = this.counter('gateway_webhook_events_parked_total', 'Webhook events that failed too often and are no longer tried.', ['type']);
  private readonly applyLag = this.histogram('gateway_webhook_apply_lag_seconds', 'Time from an event’s created_at at Square to its being applied here.', [], LAG_SECONDS);

  /**
   * `processMetrics` adds prom-client's metrics of the process (CPU, memory, event loop lag,
   * GC): one process, one set, so only the gateway a process serves asks for them.
   */
  constructor({ processMetrics = false }: { processMetrics?: boolean } = {}) {
    if (processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** Renders the registry in Prometheus' text format. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  /** A label for a client's operation name: itself when it is a GraphQL name among the first ones seen, else `anonymous` or `other`. */
  operationLabel(name: string | null | undefined): string {
    if (!name) return 'anonymous';
    if (this.operationNames.has(name)) return name;
    if (!GRAPHQL_NAME.test(name) || this.operationNames.size >= MAX_OPERATION_NAMES) return 'other';
    this.operationNames.add(name);
    return name;
  }

  operationDone(operation: string, type: OperationType, errorCode: string | undefined, seconds: number): void {
    const outcome = errorCode === undefined ? 'ok' : ERROR_CODE.test(errorCode) ? errorCode : 'OTHER';
    const labels = { operation, type, outcome };
    this.operations.inc(labels);
    this.operationSeconds.observe(labels, seconds);
  }

  subscriptionOpened(): void {
    this.subscriptions.inc();
  }

  subscriptionClosed(): void {
    this.subscriptions.dec();
  }

  readonly square: SquareObserver = {
    call: (endpoint) => ({
      answered: (status, seconds) => {
        const labels = { endpoint, status: status === undefined ? 'none' : String(status) };
        this.squareRequests.inc(labels);
        this.squareSeconds.observe(labels, seconds);
      },
      ended: ({ retries }) => {
        if (retries > 0) this.squareRetries.inc({ endpoint }, retries);
      },
    }),
    budgetWaited: (seconds) => this.budgetWaits.observe(seconds),
    budgetRefused: (reason) => this.budgetRefusals.inc({ reason }),
  };

  readonly cache: CacheObserver = {
    looked: (kind, result) => this.cacheLookups.inc({ kind, result }),
  };

  readonly webhooks: WebhookObserver = {
    received: (type, outcome) => this.webhooksReceived.inc({ type: eventType(type), outcome }),
    applied: (type, body) => {
      this.webhooksApplied.inc({ type: eventType(type) });
      const createdAt = Date.parse(String((body as { created_at?: unknown } | null)?.created_at));
      if (Number.isFinite(createdAt)) this.applyLag.observe(Math.max(0, (Date.now() - createdAt) / 1000));
    },
    parked: (type) => this.webhooksParked.inc({ type: eventType(type) }),
  };

  private counter<L extends string>(name: string, help: string, labelNames: L[]): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  private histogram<L extends string>(name: string, help: string, labelNames: L[], buckets: number[]): Histogram<L> {
    return new Histogram({ name, help, labelNames, buckets, registers: [this.registry] });
  }
}

/** Event types come from signed notifications, yet only Square's shape of name gets a series. */
const eventType = (type: string) => (EVENT_TYPE.test(type) ? type : 'other');
