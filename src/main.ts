import { randomBytes } from 'node:crypto';
import { emulatorConfig } from './emulator/config.js';
import { DEMO_TOKEN } from './emulator/seed.js';
import { createEmulator, type Emulator } from './emulator/server.js';
import { ApiKeyRing } from './gateway/api-keys.js';
import { gatewayConfig } from './gateway/config.js';
import { createGateway } from './gateway/server.js';
import { openStore } from './store/index.js';

/**
 * `npm start`. With SQUARE_ACCESS_TOKEN (or SQUARE_BASE_URL) the gateway serves that
 * Square. Without, it first starts the built-in emulator with the demo merchant and
 * points the gateway at it over HTTP, exactly as it would at Square.
 */
const config = gatewayConfig(process.env);
const apiKeys = ApiKeyRing.fromEnv(process.env);
if (config.authMode === 'server' && config.squareToken && !apiKeys) {
  console.error(
    'SQUARE_ACCESS_TOKEN is set in server mode: every caller would act with it, so callers need gateway API keys.\n' +
      'Set GATEWAY_API_KEYS or GATEWAY_API_KEYS_FILE (create keys with npm run keys:create), or use GATEWAY_AUTH=passthrough.',
  );
  process.exit(1);
}
let emulator: Emulator | undefined;
let squareBaseUrl = config.squareBaseUrl;
let squareToken = config.squareToken;

if (!squareBaseUrl) {
  const emulatorSettings = emulatorConfig(process.env);
  emulator = await createEmulator(emulatorSettings);
  squareBaseUrl = await emulator.listen(emulatorSettings.port, emulatorSettings.host);
  if (config.authMode === 'server') squareToken = DEMO_TOKEN;
  console.log(`Square emulator with demo data: ${squareBaseUrl}  (demo token ${DEMO_TOKEN})`);
}

// Webhooks need the subscription's key, and its URL since the signature covers it. The demo makes
// up a key and lets the emulator post to the gateway's own address, so a merge there shows here.
if (config.webhookSignatureKey && !config.webhookUrl && !emulator) {
  console.error('SQUARE_WEBHOOK_SIGNATURE_KEY is set without SQUARE_WEBHOOK_URL: Square signs the notification URL, set it exactly.');
  process.exit(1);
}
const signatureKey = config.webhookSignatureKey ?? (emulator ? randomBytes(24).toString('base64url') : undefined);
const store = signatureKey ? await openStore({ databaseUrl: config.databaseUrl, sqlitePath: config.gatewayDb }) : undefined;
const webhooks = store && signatureKey ? { store, signatureKey, notificationUrl: config.webhookUrl, path: config.webhookPath } : undefined;

const cors = { origins: config.corsOrigins, loopback: emulator !== undefined };
const gateway = createGateway({ ...config, squareBaseUrl, squareToken, apiKeys, webhooks, cors });
const url = await gateway.listen(config.port, config.host);
if (gateway.webhooks) emulator?.ctx.webhooks.configure({ url: gateway.webhooks.notificationUrl(), signatureKey });
console.log(`GraphQL gateway:  ${url}`);
console.log(`GraphiQL:         open ${url} in a browser`);
if (config.authMode === 'passthrough') console.log('Auth: passthrough — send "Authorization: Bearer <Square token>".');
else if (apiKeys) console.log(`Auth: ${apiKeys.size} gateway API key(s) — send "x-api-key: gk_…".`);
else console.log('Auth: demo mode, no gateway API keys configured — every caller has every scope.');
if (gateway.webhooks) {
  const where = config.databaseUrl ? 'PostgreSQL' : config.gatewayDb;
  console.log(`Square webhooks:  ${gateway.webhooks.notificationUrl()}  (events kept in ${where})`);
} else console.log('Square webhooks:  off (set SQUARE_WEBHOOK_SIGNATURE_KEY and SQUARE_WEBHOOK_URL)');
// The Redis URL may hold a password, so it is not printed.
if (gateway.webhooks || config.redisUrl) {
  console.log(`Live updates:     subscriptions over SSE at ${url}  (${config.redisUrl ? 'Redis pub/sub across instances' : 'in-process pub/sub'})`);
} else console.log('Live updates:     off (they need Square webhooks, or REDIS_URL to hear another instance’s)');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void Promise.all([gateway.close(), emulator?.close()])
      .then(() => store?.close())
      .then(() => process.exit(0));
  });
}
