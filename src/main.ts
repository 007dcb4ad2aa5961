import './production-env.js';
import { randomBytes } from 'node:crypto';
import { SCOPES } from './apis/registry.js';
import { emulatorConfig, type EmulatorProcessConfig } from './emulator/config.js';
import { DEMO_CUSTOMER_ID, DEMO_TOKEN, DEMO_TOUR_ORDER } from './emulator/seed.js';
import { DEMO_APPLICATION } from './emulator/domain/oauth.js';
import { createEmulator, type Emulator } from './emulator/server.js';
import { watchKeysFile } from './gateway/api-keys-file.js';
import { ApiKeyRing } from './gateway/api-keys.js';
import { DEFAULT_GATEWAY_DB, gatewayConfig } from './gateway/config.js';
import { CONNECT_PATH } from './gateway/connect-paths.js';
import { createLogger } from './gateway/logger.js';
import { createGateway } from './gateway/server.js';
import { otlpTracing } from './gateway/tracing.js';
import { TrustedDocuments } from './gateway/trusted-documents.js';
import { exitWith, listenOn, readConfig } from './startup.js';
import { OutboundWebhooks } from './outbound/index.js';
import { openBulkStore, openKeyDocumentStore, openStore, SqliteEventStore } from './store/index.js';
import { openVault, VaultKeyRing } from './vault/index.js';

/**
 * `npm start`. With SQUARE_ACCESS_TOKEN (or SQUARE_BASE_URL, or a SQUARE_APPLICATION_ID) the gateway serves that
 * Square. Without, it first starts the built-in emulator with the demo merchant and
 * points the gateway at it over HTTP, exactly as it would at Square.
 */
// Every part is read before any problem is reported, so that all of them are reported at once.
const { config, apiKeys, trustedDocuments, emulatorSettings: settings } = readConfig({
  config: () => gatewayConfig(process.env),
  apiKeys: () => ApiKeyRing.fromEnv(process.env),
  trustedDocuments: () => TrustedDocuments.fromEnv(process.env),
  emulatorSettings: () => emulatorConfig(process.env),
});
const logger = createLogger({ level: config.logLevel, format: config.logFormat });
// A keys file is read again when it changes, or on SIGHUP; revoked keys are refused from then on.
const keysFile = apiKeys && !process.env.GATEWAY_API_KEYS ? process.env.GATEWAY_API_KEYS_FILE : undefined;
const keysWatch = apiKeys && keysFile ? watchKeysFile(apiKeys, keysFile, logger) : undefined;
if (keysWatch) process.on('SIGHUP', () => void keysWatch.reload());
let emulator: Emulator | undefined;
let emulatorSettings: EmulatorProcessConfig | undefined;
let squareBaseUrl: string;
let squareToken = config.squareToken;

if (config.squareBaseUrl) squareBaseUrl = config.squareBaseUrl;
else {
  const demo = await createEmulator(settings);
  squareBaseUrl = await listenOn(() => demo.listen(settings.port, settings.host), {
    ...settings, portVariable: 'EMULATOR_PORT', hostVariable: 'EMULATOR_HOST', command: 'npm start',
  });
  emulator = demo;
  emulatorSettings = settings;
  if (config.authMode === 'server') squareToken = DEMO_TOKEN;
}

// The demo makes up a webhook key and lets the emulator post to the gateway's own address, so a merge there shows here.
const signatureKey = config.webhookSignatureKey ?? (emulator ? randomBytes(24).toString('base64url') : undefined);
// The demo's events describe the emulator's customers, so they live as long as the emulator's data does:
// in memory and reset with it, or in a file beside an emulator file, unless GATEWAY_DB names one.
const sqlitePath = config.gatewayDb ?? (emulatorSettings && !emulatorSettings.dbPath ? ':memory:' : DEFAULT_GATEWAY_DB);
// The message names the setting, never the URL, which may hold a password.
const cannotOpen = (what: string) => (error: Error) =>
  exitWith(`The ${what} could not be opened (${config.databaseUrl ? 'DATABASE_URL' : 'GATEWAY_DB'}): ${error.message}`);
const store = signatureKey ? await openStore({ databaseUrl: config.databaseUrl, sqlitePath }).catch(cannotOpen('event store')) : undefined;
// Bulk operations live beside the events: with webhooks, or wherever GATEWAY_DB or DATABASE_URL says to keep them.
const bulkStore =
  store || config.gatewayDb || config.databaseUrl
    ? await openBulkStore({ databaseUrl: config.databaseUrl, sqlitePath }).catch(cannotOpen('store of bulk operations'))
    : undefined;
if (emulator && store instanceof SqliteEventStore && sqlitePath === ':memory:') emulator.onReset(() => store.clear());
// API keys register trusted documents of their own, kept beside the events (one database for a fleet).
const keyDocumentStore =
  apiKeys && config.authMode === 'server'
    ? await openKeyDocumentStore({ databaseUrl: config.databaseUrl, sqlitePath }).catch((error: Error) =>
        exitWith(`The trusted documents store could not be opened (${config.databaseUrl ? 'DATABASE_URL' : 'GATEWAY_DB'}): ${error.message}`),
      )
    : undefined;
const keyDocuments = keyDocumentStore && { store: keyDocumentStore, perKey: config.trustedDocumentsPerKey };
const webhooks = store && signatureKey ? { store, signatureKey, notificationUrl: config.webhookUrl, path: config.webhookPath } : undefined;
// Connected sellers' tokens and outbound webhooks' secrets are sealed with VAULT_KEYS; the demo makes a key up for the session,
// so what it seals lives in memory and goes with it.
const vaultKeys = config.vaultKeys ?? (emulator ? VaultKeyRing.parse(`demo:${randomBytes(32).toString('base64')}`) : undefined);
const outboundKeys = config.vaultKeys ?? (sqlitePath === ':memory:' ? vaultKeys : undefined);
const outbound =
  store && outboundKeys
    ? await OutboundWebhooks.open({
        events: store,
        postgres: config.databaseUrl ? { connectionString: config.databaseUrl } : undefined,
        keys: outboundKeys,
        authMode: config.authMode,
        apiKeys,
        policy: config.outboundWebhookUrls,
        timeoutMs: config.outboundWebhookTimeoutMs,
        concurrency: config.outboundWebhookConcurrency,
        secretGraceMs: config.outboundWebhookSecretGraceHours * 3600_000,
        logger,
      }).catch((error: Error) => exitWith(`Outbound webhooks could not be opened: ${error.message}`))
    : undefined;

// Sellers connect to the configured Square application, or in demo mode to the emulator's demo application.
const application = config.squareApplicationId
  ? { id: config.squareApplicationId, secret: config.squareApplicationSecret }
  : emulator && { id: DEMO_APPLICATION.clientId, secret: config.oauthPkce ? undefined : DEMO_APPLICATION.secret };
// With the session's key the vault is in memory: a file or PostgreSQL would keep rows no later key opens.
const vaultDatabase = config.vaultKeys ? { databaseUrl: config.databaseUrl, sqlitePath } : { sqlitePath: ':memory:' };
const vault =
  application && vaultKeys
    ? await openVault({ ...vaultDatabase, keys: vaultKeys }).catch((error: Error) =>
        exitWith(`The seller vault could not be opened (${vaultDatabase.databaseUrl ? 'DATABASE_URL' : 'GATEWAY_DB'}): ${error.message}`),
      )
    : undefined;
const oauth = vault && vaultKeys && {
  redirectUrl: config.oauthRedirectUrl,
  scopes: config.oauthScopes ?? SCOPES,
  pkce: config.oauthPkce,
  keys: vaultKeys,
};
// Every instance renews the tokens that fall due (each by one instance of a fleet).
const refresher = {
  refreshAfterDays: config.vaultRefreshAfterDays,
  checkEveryMs: config.vaultRefreshCheckSeconds * 1000,
  timeoutSeconds: config.squareTimeoutSeconds,
};

// GraphiQL opens on the example for the demo's featured customer, who has cards, gift cards, orders and payments.
const exampleVariables = emulator ? { customerId: DEMO_CUSTOMER_ID } : undefined;
// A first visit also gets the README tour's tabs, whose writes only make sense on the demo's data.
const tour = emulator ? { customerId: DEMO_CUSTOMER_ID, ...DEMO_TOUR_ORDER } : undefined;
const cors = { origins: config.corsOrigins, loopback: emulator !== undefined };
const tracerProvider = await otlpTracing(process.env);
const bulk = bulkStore && { ...config, store: bulkStore };
const gateway = createGateway({
  ...config, squareBaseUrl, squareToken, apiKeys, trustedDocuments, keyDocuments, webhooks, outbound, bulk, exampleVariables, tour, cors, logging: logger, tracerProvider, processMetrics: true,
  vault: vault && { vault, application, refresher },
  oauth,
});
const url = await listenOn(() => gateway.listen(config.port, config.host), {
  ...config, portVariable: 'PORT', hostVariable: 'HOST', command: 'npm start',
});
// A reset brings back the demo's data without a webhook for any of it.
emulator?.onReset(() => void gateway.forgetCachedReads());
if (gateway.webhooks) emulator?.ctx.webhooks.configure({ url: gateway.webhooks.notificationUrl(), signatureKey });
// Printed only once both servers listen, so that a start that fails never looks as if it had worked,
// and in one write, so that whoever reads the first line from a pipe has them all.
const banner: string[] = [];
if (emulator) banner.push(`Square emulator with demo data: ${squareBaseUrl}  (demo token ${DEMO_TOKEN})`);
banner.push(`GraphQL gateway:  ${url}`);
if (config.graphiql) banner.push(`GraphiQL:         open ${url} in a browser`);
if (config.authMode === 'passthrough') banner.push('Auth: passthrough — send "Authorization: Bearer <Square token>".');
else if (apiKeys) banner.push(`Auth: ${apiKeys.size} gateway API key(s) — send "x-api-key: gk_…".`);
else banner.push('Auth: demo mode, no gateway API keys configured — every caller has every scope.');
if (gateway.webhooks) {
  const where = config.databaseUrl ? 'PostgreSQL' : sqlitePath === ':memory:' ? 'memory, reset with the emulator' : sqlitePath;
  banner.push(`Square webhooks:  ${gateway.webhooks.notificationUrl()}  (events kept in ${where})`);
} else banner.push('Square webhooks:  off (set SQUARE_WEBHOOK_SIGNATURE_KEY and SQUARE_WEBHOOK_URL)');
const kept = config.databaseUrl ? 'PostgreSQL' : sqlitePath === ':memory:' ? 'memory' : sqlitePath;
banner.push(bulkStore ? `Bulk operations:  kept in ${kept}${gateway.webhooks ? ', with the change feed' : ''}` : 'Bulk operations:  off (set GATEWAY_DB or DATABASE_URL)');
if (oauth && application) {
  const where = vaultDatabase.databaseUrl ? 'PostgreSQL' : vaultDatabase.sqlitePath === ':memory:' ? 'memory, sealed with a key made for this session' : vaultDatabase.sqlitePath;
  // Sellers reach the connect route where Square sends them back, beside the callback (a proxy may mount both under a path).
  const connectUrl = oauth.redirectUrl ? new URL('connect', oauth.redirectUrl) : new URL(CONNECT_PATH, url);
  banner.push(`Connect a seller: ${connectUrl.toString()}  (Square application ${application.id}; tokens kept in ${where})`);
} else banner.push('Connect a seller: off (set SQUARE_APPLICATION_ID; see "Partners: connecting sellers")');
// The Redis URL may hold a password, so it is not printed.
if (gateway.webhooks || config.redisUrl) {
  banner.push(`Live updates:     subscriptions over SSE at ${url}  (${config.redisUrl ? 'Redis pub/sub across instances' : 'in-process pub/sub'})`);
} else banner.push('Live updates:     off (they need Square webhooks, or REDIS_URL to hear another instance’s)');
console.log(banner.join('\n'));

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    // The gateway drains first: its requests in flight may still need the embedded emulator.
    keysWatch?.close();
    void gateway
      .close({ drainDelayMs: config.shutdownDelayMs })
      .then(() => emulator?.close())
      .then(() => store?.close())
      .then(() => bulkStore?.close())
      .then(() => vault?.close())
      .then(() => keyDocumentStore?.close())
      // The spans of the last requests are exported before the process ends.
      .then(() => tracerProvider?.shutdown())
      .then(() => process.exit(0));
  });
}
