import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DeliveryObserver } from '../outbound/index.js';
import type { CacheObserver, SquareObserver } from '../square/observer.js';
import type { RefreshObserver } from '../vault/refresher.js';
import type { SellerStatus, VaultSummary } from '../vault/types.js';
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
  private readonly vaultRenewals = this.counter('gateway_vault_refreshes_total', 'Seller token renewals this instance ended, by outcome: refreshed, failed (tried again after a backoff), rejected (seller disconnected), lost (the claim ended meanwhile).', ['outcome']);
  private readonly vaultCycles = this.counter('gateway_vault_refresh_cycles_total', 'Renewal cycles this instance ran, by outcome: ok, or failed (the vault could not be read or written).', ['outcome']);
  private readonly outboundAttempts = this.counter('gateway_outbound_deliveries_total', 'Attempts at outbound webhook deliveries by topic and outcome: delivered, retry (failed, tried again), failed (given up).', ['topic', 'outcome']);
  private readonly outboundSeconds = this.histogram('gateway_outbound_attempt_duration_seconds', 'How long a receiver took to answer an outbound webhook delivery, by outcome.', ['outcome'], SECONDS);
  private readonly outboundLatency = this.histogram('gateway_outbound_delivery_latency_seconds', 'From a Square event reaching the gateway to its outbound delivery taken by the receiver.', ['topic'], SECONDS.concat(60, 300, 3600));
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
    looked: (kind, result, count = 1) => this.cacheLookups.inc({ kind, result }, count),
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

  readonly outbound: DeliveryObserver = {
    attempted: (topic, outcome, seconds) => {
      this.outboundAttempts.inc({ topic, outcome });
      this.outboundSeconds.observe({ outcome }, seconds);
    },
    delivered: (topic, seconds) => this.outboundLatency.observe({ topic }, seconds),
  };

  readonly vaultRefresher: RefreshObserver = {
    renewal: (outcome) => this.vaultRenewals.inc({ outcome }),
    cycle: (outcome) => this.vaultCycles.inc({ outcome }),
  };

  /**
   * Sellers per status and the age of the oldest token held, read from the vault at each scrape:
   * the whole vault, which a fleet shares, so every instance reports the same. When the vault
   * cannot be read the sellers' series are left out and the age is NaN, rather than repeated stale.
   */
  watchVault(summary: () => Promise<VaultSummary>, now: () => Date): void {
    // Both gauges are collected for one scrape at once: one read serves them.
    let read: { at: number; summary: Promise<VaultSummary | undefined> } | undefined;
    const current = () => {
      if (!read || performance.now() - read.at > 1000) read = { at: performance.now(), summary: summary().catch(() => undefined) };
      return read.summary;
    };
    new Gauge({
      name: 'gateway_vault_sellers',
      help: 'Sellers in the vault by status: CONNECTED, REFRESH_FAILING (renewals failing; their access token still works until it expires), DISCONNECTED.',
      labelNames: ['status'],
      registers: [this.registry],
      async collect() {
        const read = await current();
        this.reset();
        if (read) for (const [status, count] of Object.entries(read.sellers)) this.set({ status: status as SellerStatus }, count);
      },
    });
    new Gauge({
      name: 'gateway_vault_oldest_token_age_seconds',
      help: 'Age of the oldest access token the vault holds (Square: alert past 8 days); 0 when it holds none, NaN when the vault cannot be read.',
      registers: [this.registry],
      async collect() {
        const read = await current();
        if (!read) this.set(Number.NaN);
        else this.set(read.oldestTokenObtainedAt ? Math.max(0, (now().getTime() - Date.parse(read.oldestTokenObtainedAt)) / 1000) : 0);
      },
    });
  }

  private counter<L extends string>(name: string, help: string, labelNames: L[]): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  private histogram<L extends string>(name: string, help: string, labelNames: L[], buckets: number[]): Histogram<L> {
    return new Histogram({ name, help, labelNames, buckets, registers: [this.registry] });
  }
}

/** Event types come from signed notifications, yet only Square's shape of name gets a series. */
const eventType = (type: string) => (EVENT_TYPE.test(type) ? type : 'other');
