import { z } from 'zod';
import type { AuthMode } from '../context/authentication.js';
import { boolean, integer, parseEnv, positiveNumber, readBy, secret, url } from '../env-schema.js';
import { CALLBACK_POLICIES, type CallbackPolicy } from '../outbound/url-guard.js';
import { SQUARE_BASE_URLS, SQUARE_VERSION } from '../square/client.js';
import { VaultKeyRing } from '../vault/cipher.js';
import { DEFAULT_CHECK_EVERY_MS, DEFAULT_REFRESH_AFTER_DAYS } from '../vault/refresher.js';
import { DEFAULT_WEBHOOK_PATH } from '../webhooks/index.js';
import { CONNECT_CALLBACK_PATH } from './connect-paths.js';
import { corsOrigins } from './cors.js';

/** Largest request body (GraphQL or webhook) when MAX_BODY_BYTES is unset: far above any real operation or Square notification. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** How long a request's headers, and then its body, may take to arrive when BODY_TIMEOUT_MS is unset: Square's own webhook deadline. */
export const DEFAULT_BODY_TIMEOUT_MS = 10_000;

/** Trusted documents one API key may hold of its own when TRUSTED_DOCUMENTS_PER_KEY is unset: an app's operations many times over. */
export const DEFAULT_DOCUMENTS_PER_KEY = 1_000;

/** The event store's SQLite file when GATEWAY_DB is unset, outside the in-memory demo. */
export const DEFAULT_GATEWAY_DB = './data/gateway.db';

export interface GatewayConfig {
  port: number;
  host: string;
  /** `server`: the configured token serves every caller; `passthrough`: each caller brings its seller's token. */
  authMode: AuthMode;
  /** The server-side Square token; absent in passthrough mode without one, or in demo mode before the emulator starts. */
  squareToken: string | undefined;
  /** Square's base URL; undefined means: start the built-in emulator and use it. */
  squareBaseUrl: string | undefined;
  squareTimeoutSeconds: number;
  /** The Square-Version every call to Square carries. */
  squareVersion: string;
  /** Retries of a Square call that is safe to repeat (after 408, 429 or 5xx), within the request's deadline. */
  squareMaxRetries: number;
  /** Each seller's Square budget: calls a second, and how many may be saved up for a burst. */
  squareRatePerSecond: number;
  squareBurst: number;
  /** How long one GraphQL request may wait for Square in all; calls not made by then are dropped. */
  requestDeadlineMs: number;
  /** How long a seller's location list is reused across requests. */
  locationsTtlMs: number;
  /** How long a cached Square read may be served without an invalidation; unset: 5 minutes with webhooks, else no cache. */
  cacheTtlMs: number | undefined;
  /** Cached Square reads kept in memory at most (without Redis). */
  cacheMaxEntries: number;
  /** Key of the Square webhook subscription; webhooks are received only with one (or in demo mode). */
  webhookSignatureKey: string | undefined;
  /** The subscription's notification URL, exactly as Square signs it. */
  webhookUrl: string | undefined;
  webhookPath: string;
  /** The embedded store's SQLite file (webhook events, API keys' own trusted documents); unset, `npm start` picks one (in memory for the demo emulator). */
  gatewayDb: string | undefined;
  /** PostgreSQL for the store (webhook events, API keys' own trusted documents) instead of SQLite. */
  databaseUrl: string | undefined;
  /** The seller vault's encryption keys (the first seals, all open); without them no seller can connect. */
  vaultKeys: VaultKeyRing | undefined;
  /** A seller's tokens are renewed once this many days old (Square: every 7 days or less). */
  vaultRefreshAfterDays: number;
  /** How often each instance looks for tokens due for renewal. */
  vaultRefreshCheckSeconds: number;
  /** Redis for live updates across gateway instances; in-process pub/sub without. */
  redisUrl: string | undefined;
  /** Put before every pub/sub topic, so that deployments sharing one Redis stay apart. */
  pubsubPrefix: string;
  /** Automatic persisted queries kept in memory (without Redis), least recently used dropped first. */
  persistedQueriesMax: number;
  /** How long Redis keeps an automatic persisted query after it was last registered. */
  persistedQueriesTtlSeconds: number;
  /** Trusted documents one API key may hold of its own (registered at /trusted-documents). */
  trustedDocumentsPerKey: number;
  /** Origins allowed to call from a browser (CORS), or `*`; demo mode adds this machine's. */
  corsOrigins: readonly string[] | '*';
  logLevel: LogLevel;
  /** `pretty` for people (the demo), `json` for a log collector. */
  logFormat: 'json' | 'pretty';
  /** Asked of `GET /metrics` as a Bearer token; without, /metrics is open to whoever reaches the port. */
  metricsToken: string | undefined;
  /** How far back a reconnecting live-update subscriber may resume (Last-Event-ID): the age and number of the events it missed. */
  liveReplayWindowSeconds: number;
  liveReplayMaxEvents: number;
  /** Largest request body taken on /graphql and the webhook receiver; past it, 413. */
  maxBodyBytes: number;
  bodyTimeoutMs: number;
  /** GraphiQL at GET /graphql, and schema introspection: on, except against Square's production environment. */
  graphiql: boolean;
  introspection: boolean;
  /** After SIGTERM: how long the gateway goes on serving, `/readyz` answering 503, before it stops accepting. */
  shutdownDelayMs: number;
  /** Signs bulk operation file URLs and seals passthrough tokens at rest; the same on every instance. Unset: one made up per process. */
  bulkSecret: string | undefined;
  /** Bulk operations CREATED or RUNNING at once, per seller and per API key; and how long they are kept once ended. */
  bulkOperationsPerSeller: number;
  bulkOperationsPerKey: number;
  bulkRetentionDays: number;
  /** How long applied webhook events are kept for the change feed. */
  changesRetentionDays: number;
  /** The Square application sellers connect to (`/oauth/square/connect`); the demo uses the emulator's demo application. */
  squareApplicationId: string | undefined;
  /** Its secret, for a confidential client; absent with PKCE (a public client). */
  squareApplicationSecret: string | undefined;
  /** The callback URL as registered at Square; unset, the gateway's own loopback address (the demo). */
  oauthRedirectUrl: string | undefined;
  /** The permissions asked of a seller; unset, every permission the schema uses. */
  oauthScopes: readonly string[] | undefined;
  /** Connect with PKCE (S256) instead of the application secret. */
  oauthPkce: boolean;
  /** Where partners' outbound webhook callback URLs may point: public https (the default), also the deployment's network, or also this machine (the demo's). */
  outboundWebhookUrls: CallbackPolicy;
  /** A receiver's time to answer an outbound delivery. */
  outboundWebhookTimeoutMs: number;
  /** Outbound deliveries each instance attempts at once. */
  outboundWebhookConcurrency: number;
  /** How long a rotated outbound webhook secret keeps signing beside the new one. */
  outboundWebhookSecretGraceHours: number;
}

/** Levels of the gateway's log, most to least verbose, and `silent`. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Every environment variable the gateway reads: one entry each, its meaning in
 * `describe` and its default in `default` (the README's Configuration table is checked
 * against these by test/startup/configuration.test.ts). Rules across variables are in
 * `gatewayVariables` below; the entry's value becomes a GatewayConfig field in `gatewayConfig`.
 */
const variables = z.object({
  PORT: integer(0, 65535).default(4000).describe('Gateway port.'),
  HOST: z.string().default('127.0.0.1').describe('Gateway bind address.'),
  SQUARE_ACCESS_TOKEN: z.string().optional().meta({ description: 'Square token used in server mode.', ...secret }),
  SQUARE_ENVIRONMENT: z.enum(['sandbox', 'production'], { error: 'must be "sandbox" or "production"' }).default('sandbox').describe('With a token: which Square.'),
  SQUARE_BASE_URL: url(['http:', 'https:'], 'an http(s) URL').optional().describe('Any other Square-compatible base URL.'),
  SQUARE_VERSION: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'must be a Square API version, a date written YYYY-MM-DD' })
    .default(SQUARE_VERSION)
    .describe('The Square-Version every call to Square carries; the default is the one the gateway is written and tested against.'),
  GATEWAY_AUTH: z.enum(['server', 'passthrough'], { error: 'must be "server" or "passthrough"' }).default('server').describe('Whose token serves a caller.'),
  SQUARE_RATE_PER_SECOND: positiveNumber().default(20).describe("Each seller's Square budget: calls a second."),
  SQUARE_BURST: integer(1).default(200).describe('Calls a seller may make at once after a quiet spell.'),
  REQUEST_DEADLINE_MS: integer(1).default(15_000).describe('How long one GraphQL request may wait for Square in all.'),
  SQUARE_TIMEOUT_SECONDS: integer(1).default(30).describe("Timeout of one attempt at a Square call, from when it is sent: its wait for the seller's budget does not count."),
  SQUARE_MAX_RETRIES: integer(0).default(2).describe('Retries of a Square call that is safe to repeat.'),
  LOCATIONS_TTL_MS: integer(0).default(300_000).describe("How long a seller's location list is reused."),
  CACHE_TTL_MS: integer(0).optional().describe('How long a cached Square read may be served; unset: 5 minutes with webhooks, else off.'),
  CACHE_MAX_ENTRIES: integer(1).default(50_000).describe('Square reads kept in memory at most.'),
  GATEWAY_API_KEYS: z.string().optional().meta({ description: 'Gateway API keys as JSON (hashes only).', ...secret }),
  GATEWAY_API_KEYS_FILE: z.string().optional().describe('A file with the gateway API keys.'),
  SQUARE_WEBHOOK_SIGNATURE_KEY: z.string().optional().meta({ description: "Signature key of Square's webhook subscription.", ...secret }),
  SQUARE_WEBHOOK_URL: url(['http:', 'https:'], 'an http(s) URL').optional().describe("The subscription's notification URL, as Square signs it."),
  WEBHOOK_PATH: z
    .string()
    .refine((path) => /^\/[\w\-./]*$/.test(path) && path !== '/graphql', { error: 'must be a path such as /webhooks/square (not /graphql)' })
    .default(DEFAULT_WEBHOOK_PATH)
    .describe('Path of the webhook receiver.'),
  GATEWAY_DB: z.string().optional().describe("SQLite file of the webhook event store and of API keys' own trusted documents."),
  DATABASE_URL: z.string().optional().meta({ description: "PostgreSQL for the event store and API keys' own trusted documents instead of SQLite.", ...secret }),
  VAULT_KEYS: readBy(VaultKeyRing.parse)
    .optional()
    .meta({ description: "The seller vault's AES-256-GCM keys, id:base64 comma-separated, the sealing key first.", ...secret }),
  VAULT_REFRESH_AFTER_DAYS: integer(1, 29).default(DEFAULT_REFRESH_AFTER_DAYS).describe("Renew a seller's tokens once they are this many days old."),
  VAULT_REFRESH_CHECK_SECONDS: integer(1).default(DEFAULT_CHECK_EVERY_MS / 1000).describe('How often each instance looks for tokens due for renewal.'),
  REDIS_URL: url(['redis:', 'rediss:'], 'a redis:// or rediss:// URL').optional().meta({ description: 'Redis shared by gateway instances.', ...secret }),
  PUBSUB_PREFIX: z.string().default('').describe('Put before every Redis key and topic.'),
  TRUSTED_DOCUMENTS_FILE: z.string().optional().describe('The trusted documents a trustedDocumentsOnly key may run.'),
  TRUSTED_DOCUMENTS_PER_KEY: integer(1).default(DEFAULT_DOCUMENTS_PER_KEY).describe('Trusted documents one API key may register for itself.'),
  PERSISTED_QUERIES_MAX: integer(1).default(1000).describe('Automatic persisted queries kept in memory.'),
  PERSISTED_QUERIES_TTL_SECONDS: integer(1).default(86_400).describe('How long Redis keeps an automatic persisted query.'),
  CORS_ORIGINS: readBy(corsOrigins).optional().describe('Origins allowed to call from a browser, or *.'),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info').describe('Least severe level logged.'),
  LOG_FORMAT: z.enum(['json', 'pretty'], { error: 'must be "json" or "pretty"' }).optional().describe('Log lines as JSON, or pretty for people; unset: pretty in demo mode.'),
  LIVE_REPLAY_WINDOW_SECONDS: integer(0).default(86_400).describe('How old an event a reconnecting subscriber may still get.'),
  LIVE_REPLAY_MAX_EVENTS: integer(0).default(1000).describe('How many missed events a reconnecting subscriber may get.'),
  MAX_BODY_BYTES: integer(1).default(DEFAULT_MAX_BODY_BYTES).describe('Largest request body taken on /graphql and the webhook receiver.'),
  BODY_TIMEOUT_MS: integer(100).default(DEFAULT_BODY_TIMEOUT_MS).describe("How long a request's headers, and then its body, may take to arrive on any route (408 past it)."),
  GRAPHIQL: boolean().optional().describe("GraphiQL at GET /graphql; unset: on, except against Square's production environment."),
  INTROSPECTION: boolean().optional().describe("Schema introspection; unset: on, except against Square's production environment."),
  SHUTDOWN_DELAY_MS: integer(0).default(0).describe('After SIGTERM, how long to go on serving with /readyz at 503.'),
  BULK_SECRET: z.string().min(32, { error: 'must be at least 32 characters' }).optional().meta({ description: 'Signs bulk operation file URLs and seals passthrough tokens at rest.', ...secret }),
  BULK_OPERATIONS_PER_SELLER: integer(1, 100).default(2).describe('Bulk operations a seller may have CREATED or RUNNING at once.'),
  BULK_OPERATIONS_PER_KEY: integer(1, 100).default(1).describe('Bulk operations an API key may have CREATED or RUNNING at once.'),
  BULK_RETENTION_DAYS: integer(1, 365).default(7).describe('How long a bulk operation and its file are kept once it ended.'),
  CHANGES_RETENTION_DAYS: integer(1, 3650).default(28).describe('How long applied webhook events are kept for the change feed.'),
  OUTBOUND_WEBHOOK_URLS: z
    .enum(CALLBACK_POLICIES, { error: `must be one of ${CALLBACK_POLICIES.join(', ')}` })
    .optional()
    .describe('Where outbound webhook callback URLs may point; unset: public, loopback in demo mode.'),
  OUTBOUND_WEBHOOK_TIMEOUT_MS: integer(100, 60_000).default(10_000).describe("A receiver's time to answer an outbound webhook delivery."),
  OUTBOUND_WEBHOOK_CONCURRENCY: integer(1, 1000).default(10).describe('Outbound webhook deliveries each instance attempts at once.'),
  OUTBOUND_WEBHOOK_SECRET_GRACE_HOURS: integer(0, 720).default(24).describe('How long a rotated outbound webhook secret keeps signing beside the new one.'),
  METRICS_TOKEN: z.string().optional().meta({ description: 'Bearer token GET /metrics asks for.', ...secret }),
  // OpenTelemetry's own variables: src/gateway/tracing.ts and its exporter read them from the environment; checked here.
  OTEL_EXPORTER_OTLP_ENDPOINT: url(['http:', 'https:'], 'an http(s) URL').optional().describe('OTLP/HTTP collector to export traces to.'),
  OTEL_SERVICE_NAME: z.string().default('square-graphql-gateway').describe("The service name on the gateway's spans."),
  SQUARE_APPLICATION_ID: z.string().optional().describe('The Square application sellers connect to through OAuth.'),
  SQUARE_APPLICATION_SECRET: z.string().optional().meta({ description: "The Square application's secret (a confidential client).", ...secret }),
  OAUTH_REDIRECT_URL: url(['http:', 'https:'], 'an http(s) URL')
    .refine((raw) => new URL(raw).pathname.endsWith(CONNECT_CALLBACK_PATH), { error: `must end in ${CONNECT_CALLBACK_PATH}, where the gateway completes a connection` })
    .optional()
    .describe('The OAuth callback URL, exactly as registered at Square.'),
  OAUTH_SCOPES: readBy(oauthScopes).optional().describe('The Square permissions asked of a connecting seller; unset: every one the schema uses.'),
  OAUTH_PKCE: boolean().default(false).describe('Connect sellers with PKCE (a public client, no secret).'),
});

/**
 * The variables and the rules across them. Demo mode: neither a token, a base URL nor a Square
 * application sellers connect to, so `npm start` runs the emulator. The rules run even when a
 * variable is wrong (which they then see as given, e.g. OAUTH_PKCE "yes", never as unset), so that
 * every problem is reported at once.
 */
export const gatewayVariables = variables.superRefine(crossVariableRules, { when: () => true });

function crossVariableRules(env: z.output<typeof variables>, ctx: z.RefinementCtx): void {
  const demo = demoMode(env);
  if (env.GATEWAY_AUTH === 'server' && env.SQUARE_ACCESS_TOKEN && !env.GATEWAY_API_KEYS && !env.GATEWAY_API_KEYS_FILE) {
    ctx.addIssue({
      code: 'custom',
      message:
        'SQUARE_ACCESS_TOKEN is set in server mode: every caller would act with it, so callers need gateway API keys. ' +
        'Set GATEWAY_API_KEYS or GATEWAY_API_KEYS_FILE (create keys with npm run keys:create), or use GATEWAY_AUTH=passthrough.',
    });
  }
  // The demo makes up a key and has the emulator post to the gateway's own address; Square signs the URL it posts to.
  if (env.SQUARE_WEBHOOK_SIGNATURE_KEY && !env.SQUARE_WEBHOOK_URL && !demo) {
    ctx.addIssue({ code: 'custom', message: 'SQUARE_WEBHOOK_SIGNATURE_KEY is set without SQUARE_WEBHOOK_URL: Square signs the notification URL, set it exactly.' });
  }
  if (env.SQUARE_WEBHOOK_URL && !env.SQUARE_WEBHOOK_SIGNATURE_KEY && !demo) {
    ctx.addIssue({ code: 'custom', message: 'SQUARE_WEBHOOK_URL is set without SQUARE_WEBHOOK_SIGNATURE_KEY: webhooks are received only with the subscription\'s key.' });
  }
  if (env.GATEWAY_API_KEYS && env.GATEWAY_API_KEYS_FILE) {
    ctx.addIssue({ code: 'custom', message: 'GATEWAY_API_KEYS and GATEWAY_API_KEYS_FILE are both set: set one.' });
  }
  oauthRules(env, demo, ctx);
}

/**
 * Connecting sellers needs the whole application, one way to prove the gateway is it (its secret, or PKCE), a callback
 * Square knows, and keys to seal the sellers' tokens with. The demo brings the emulator's application (the settings
 * that shape a flow apply to it), calls back to its own address and makes a key for the session.
 */
function oauthRules(env: z.output<typeof variables>, demo: boolean, ctx: z.RefinementCtx): void {
  const issue = (message: string) => ctx.addIssue({ code: 'custom', message });
  const app = env.SQUARE_APPLICATION_ID;
  if (!app) {
    const stray = (['SQUARE_APPLICATION_SECRET', ...(demo ? [] : (['OAUTH_REDIRECT_URL', 'OAUTH_SCOPES', 'OAUTH_PKCE'] as const))] as const).filter(
      (name) => env[name] !== undefined && env[name] !== false,
    );
    if (stray.length > 0) issue(`${stray.join(', ')} ${stray.length > 1 ? 'are' : 'is'} set without SQUARE_APPLICATION_ID: set the application sellers connect to.`);
    return;
  }
  if (env.VAULT_KEYS === undefined) {
    issue("SQUARE_APPLICATION_ID is set without VAULT_KEYS: connected sellers' tokens are stored encrypted with them. Set VAULT_KEYS=k1:<32 random bytes in base64> (openssl rand -base64 32).");
  }
  if (!env.OAUTH_REDIRECT_URL) issue('SQUARE_APPLICATION_ID is set without OAUTH_REDIRECT_URL: set the callback URL exactly as registered for the application at Square.');
  if (env.OAUTH_PKCE && env.SQUARE_APPLICATION_SECRET) issue('OAUTH_PKCE=true is for a public client, which has no secret: unset SQUARE_APPLICATION_SECRET, or OAUTH_PKCE.');
  if (!env.OAUTH_PKCE && !env.SQUARE_APPLICATION_SECRET) issue('SQUARE_APPLICATION_ID is set without SQUARE_APPLICATION_SECRET: set the secret, or OAUTH_PKCE=true for a public client.');
  // Without keys every caller could act for every connected seller.
  if (env.GATEWAY_AUTH === 'server' && !env.GATEWAY_API_KEYS && !env.GATEWAY_API_KEYS_FILE) {
    issue('SQUARE_APPLICATION_ID is set without gateway API keys: anyone could then act for every connected seller. Set GATEWAY_API_KEYS or GATEWAY_API_KEYS_FILE with partner keys (npm run keys:create -- <name> --scopes … --sellers \'*\').');
  }
}

/** OAUTH_SCOPES: Square's permission names, separated by commas or spaces. */
function oauthScopes(raw: string): string[] {
  const scopes = [...new Set(raw.split(/[\s,]+/).filter(Boolean))];
  const bad = scopes.filter((scope) => !/^[A-Z][A-Z_]*$/.test(scope));
  if (scopes.length === 0 || bad.length > 0) throw new Error(`OAUTH_SCOPES must list Square permissions such as CUSTOMERS_READ,ORDERS_READ${bad.length > 0 ? `, got "${bad.join('", "')}"` : ''}`);
  return scopes;
}

/** A gateway that sellers connect to serves Square's environment even with no token of its own. */
const demoMode = (env: Pick<z.output<typeof variables>, 'SQUARE_ACCESS_TOKEN' | 'SQUARE_BASE_URL' | 'SQUARE_APPLICATION_ID'>) =>
  !env.SQUARE_ACCESS_TOKEN && !env.SQUARE_BASE_URL && !env.SQUARE_APPLICATION_ID;

/** The gateway's settings from its environment; every problem at once in a ConfigError. */
export function gatewayConfig(env: NodeJS.ProcessEnv): GatewayConfig {
  const v = parseEnv(gatewayVariables, env);
  const demo = demoMode(v);
  const squareBaseUrl = v.SQUARE_BASE_URL ?? (demo ? undefined : SQUARE_BASE_URLS[v.SQUARE_ENVIRONMENT]);
  // A production gateway does not show its schema to strangers unless told to.
  const againstProduction = squareBaseUrl === SQUARE_BASE_URLS.production;
  return {
    port: v.PORT,
    host: v.HOST,
    authMode: v.GATEWAY_AUTH,
    squareToken: v.SQUARE_ACCESS_TOKEN,
    squareBaseUrl,
    squareTimeoutSeconds: v.SQUARE_TIMEOUT_SECONDS,
    squareVersion: v.SQUARE_VERSION,
    squareMaxRetries: v.SQUARE_MAX_RETRIES,
    squareRatePerSecond: v.SQUARE_RATE_PER_SECOND,
    squareBurst: v.SQUARE_BURST,
    requestDeadlineMs: v.REQUEST_DEADLINE_MS,
    locationsTtlMs: v.LOCATIONS_TTL_MS,
    cacheTtlMs: v.CACHE_TTL_MS,
    cacheMaxEntries: v.CACHE_MAX_ENTRIES,
    webhookSignatureKey: v.SQUARE_WEBHOOK_SIGNATURE_KEY,
    webhookUrl: v.SQUARE_WEBHOOK_URL,
    webhookPath: v.WEBHOOK_PATH,
    gatewayDb: v.GATEWAY_DB,
    databaseUrl: v.DATABASE_URL,
    vaultKeys: v.VAULT_KEYS,
    vaultRefreshAfterDays: v.VAULT_REFRESH_AFTER_DAYS,
    vaultRefreshCheckSeconds: v.VAULT_REFRESH_CHECK_SECONDS,
    redisUrl: v.REDIS_URL,
    pubsubPrefix: v.PUBSUB_PREFIX,
    persistedQueriesMax: v.PERSISTED_QUERIES_MAX,
    persistedQueriesTtlSeconds: v.PERSISTED_QUERIES_TTL_SECONDS,
    trustedDocumentsPerKey: v.TRUSTED_DOCUMENTS_PER_KEY,
    corsOrigins: v.CORS_ORIGINS ?? [],
    logLevel: v.LOG_LEVEL,
    logFormat: v.LOG_FORMAT ?? (demo ? 'pretty' : 'json'),
    metricsToken: v.METRICS_TOKEN,
    liveReplayWindowSeconds: v.LIVE_REPLAY_WINDOW_SECONDS,
    liveReplayMaxEvents: v.LIVE_REPLAY_MAX_EVENTS,
    maxBodyBytes: v.MAX_BODY_BYTES,
    bodyTimeoutMs: v.BODY_TIMEOUT_MS,
    graphiql: v.GRAPHIQL ?? !againstProduction,
    introspection: v.INTROSPECTION ?? !againstProduction,
    shutdownDelayMs: v.SHUTDOWN_DELAY_MS,
    bulkSecret: v.BULK_SECRET,
    bulkOperationsPerSeller: v.BULK_OPERATIONS_PER_SELLER,
    bulkOperationsPerKey: v.BULK_OPERATIONS_PER_KEY,
    bulkRetentionDays: v.BULK_RETENTION_DAYS,
    changesRetentionDays: v.CHANGES_RETENTION_DAYS,
    squareApplicationId: v.SQUARE_APPLICATION_ID,
    squareApplicationSecret: v.SQUARE_APPLICATION_SECRET,
    oauthRedirectUrl: v.OAUTH_REDIRECT_URL,
    oauthScopes: v.OAUTH_SCOPES,
    oauthPkce: v.OAUTH_PKCE,
    outboundWebhookUrls: v.OUTBOUND_WEBHOOK_URLS ?? (demo ? 'loopback' : 'public'),
    outboundWebhookTimeoutMs: v.OUTBOUND_WEBHOOK_TIMEOUT_MS,
    outboundWebhookConcurrency: v.OUTBOUND_WEBHOOK_CONCURRENCY,
    outboundWebhookSecretGraceHours: v.OUTBOUND_WEBHOOK_SECRET_GRACE_HOURS,
  };
}
