import type { Plugin } from 'graphql-yoga';
import type { RedisTrouble, RedisUse } from '../redis/breaker.js';
import type { EventStore } from '../store/index.js';
import type { VaultSummary } from '../vault/types.js';

/**
 * `GET /healthz` (the process answers) and `GET /readyz` (what it depends on answers), for
 * load balancers and orchestrators: unauthenticated, so they say only which dependency
 * failed, never why (a driver's message may name a host, a user or a password).
 */
export interface HealthOptions {
  /** The webhook event store, when the gateway keeps one. */
  store?: Pick<EventStore, 'nextRetryInMs'> | undefined;
  /** With REDIS_URL: a PING on the shared Square budget's connection, and each use of Redis now running on its fallback, and why. */
  redis?: { ping(): Promise<unknown>; degraded(): Partial<Record<RedisUse, RedisTrouble>> } | undefined;
  /** The seller vault, when sellers connect through OAuth: it must answer, and its renewals are described. */
  vault?: VaultHealth | undefined;
  squareBaseUrl: string;
  /** True once the gateway is closing: it is unready whatever its dependencies say, so that balancers send it no more. */
  draining?: (() => boolean) | undefined;
}

export interface VaultHealth {
  summary(): Promise<VaultSummary>;
  /** How this instance's last renewal cycle ended; undefined before the first, or when this instance renews none. */
  lastCycle(): 'ok' | 'failed' | undefined;
  now(): Date;
}

export type CheckResult = 'ok' | 'unreachable' | 'timed out';

/** How long one check may take before it counts as failed: an orchestrator's probe usually gives up after 1–5 s. */
const CHECK_TIMEOUT_MS = 2_000;
/**
 * How long a check's result is reused. Probes come every few seconds from each load balancer,
 * and anyone may send them: the store and Redis are asked at most once a second per instance,
 * Square at most once per 10 s.
 */
const LOCAL_TTL_MS = 1_000;
const SQUARE_TTL_MS = 10_000;

export function health(options: HealthOptions): Plugin {
  const checks: Array<[name: string, check: () => Promise<CheckResult>]> = [];
  const { store, redis } = options;
  // Any query shows the store answers with its schema in place; this one reads an index of pending events only.
  if (store) checks.push(['eventStore', reused(() => store.nextRetryInMs(), LOCAL_TTL_MS)]);
  if (redis) checks.push(['redis', reused(() => redis.ping(), LOCAL_TTL_MS)]);
  const { vault } = options;
  let vaultSummary: VaultSummary | undefined;
  if (vault) {
    checks.push([
      'sellerVault',
      reused(async () => {
        vaultSummary = await vault.summary();
      }, LOCAL_TTL_MS),
    ]);
  }
  checks.push(['square', reused(() => squareAnswers(options.squareBaseUrl), SQUARE_TTL_MS)]);

  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (request.method !== 'GET' && request.method !== 'HEAD') return;
      const reply = (status: number, body: unknown) =>
        endResponse(
          new fetchAPI.Response(request.method === 'HEAD' ? null : JSON.stringify(body), {
            status,
            headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
          }),
        );
      if (url.pathname === '/healthz') return reply(200, { status: 'ok' });
      if (url.pathname !== '/readyz') return;
      if (options.draining?.()) return reply(503, { status: 'draining' });
      const results: Record<string, CheckResult> = Object.fromEntries(await Promise.all(checks.map(async ([name, check]) => [name, await check()] as const)));
      // Each use falls back on its own (the budget to the instance's, the cache to Square, …); a Redis that fails is named as any failed dependency is.
      const degraded = redis?.degraded() ?? {};
      const trouble = Object.values(degraded);
      if (trouble.length > 0) results.redis = trouble.includes('timed out') ? 'timed out' : 'unreachable';
      const ready = Object.values(results).every((result) => result === 'ok');
      // Failing renewals leave the instance ready (taking it out of service would help no seller), and are described.
      const renewals = vault && results.sellerVault === 'ok' && vaultSummary ? { sellerVault: renewalDetails(vaultSummary, vault) } : {};
      return reply(ready ? 200 : 503, { status: ready ? 'ready' : 'unready', checks: results, ...(trouble.length > 0 ? { degraded } : {}), ...renewals });
    },
  };
}

/**
 * What a probe learns of the sellers' renewals: how many fail, the oldest token's age (Square
 * alerts past 8 days) and this instance's last cycle; not how many sellers there are.
 */
function renewalDetails(summary: VaultSummary, vault: VaultHealth) {
  const oldest = summary.oldestTokenObtainedAt;
  return {
    refreshFailing: summary.sellers.REFRESH_FAILING,
    oldestTokenAgeSeconds: oldest === null ? null : Math.max(0, Math.round((vault.now().getTime() - Date.parse(oldest)) / 1000)),
    lastRefreshCycle: vault.lastCycle() ?? 'none yet',
  };
}

/**
 * Square is reachable when its API host answers HTTP at all. The probe is an unauthenticated
 * HEAD of the base URL: it carries no seller's token, so it spends no seller's budget and
 * counts toward no seller's rate limit, and any answer short of a 5xx means Square's front
 * door is up (a 404 or 401 included).
 */
async function squareAnswers(baseUrl: string): Promise<void> {
  const response = await fetch(baseUrl, { method: 'HEAD', redirect: 'manual', signal: AbortSignal.timeout(CHECK_TIMEOUT_MS) });
  if (response.status >= 500) throw new Error(`Square answered ${response.status}`);
}

/** A check bounded in time, its result shared by the probes that come within `ttlMs` of its start. */
function reused(check: () => Promise<unknown>, ttlMs: number): () => Promise<CheckResult> {
  let last: { at: number; result: Promise<CheckResult> } | undefined;
  return () => {
    const now = performance.now();
    if (!last || now - last.at >= ttlMs) last = { at: now, result: bounded(check) };
    return last.result;
  };
}

function bounded(check: () => Promise<unknown>): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve('timed out'), CHECK_TIMEOUT_MS);
  });
  const answered = check().then(
    (): CheckResult => 'ok',
    (): CheckResult => 'unreachable',
  );
  return Promise.race([answered, timedOut]).finally(() => clearTimeout(timer));
}
