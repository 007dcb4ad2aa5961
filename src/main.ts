import { emulatorConfig } from './emulator/config.js';
import { DEMO_TOKEN } from './emulator/seed.js';
import { createEmulator, type Emulator } from './emulator/server.js';
import { ApiKeyRing } from './gateway/api-keys.js';
import { gatewayConfig } from './gateway/config.js';
import { createGateway } from './gateway/server.js';

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

const gateway = createGateway({ ...config, squareBaseUrl, squareToken, apiKeys });
const url = await gateway.listen(config.port, config.host);
console.log(`GraphQL gateway:  ${url}`);
console.log(`GraphiQL:         open ${url} in a browser`);
if (config.authMode === 'passthrough') console.log('Auth: passthrough — send "Authorization: Bearer <Square token>".');
else if (apiKeys) console.log(`Auth: ${apiKeys.size} gateway API key(s) — send "x-api-key: gk_…".`);
else console.log('Auth: demo mode, no gateway API keys configured — every caller has every scope.');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void Promise.all([gateway.close(), emulator?.close()]).then(() => process.exit(0));
  });
}
