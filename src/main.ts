import { emulatorConfig } from './emulator/config.js';
import { DEMO_TOKEN } from './emulator/seed.js';
import { createEmulator, type Emulator } from './emulator/server.js';
import { gatewayConfig } from './gateway/config.js';
import { createGateway } from './gateway/server.js';

/**
 * `npm start`. With SQUARE_ACCESS_TOKEN (or SQUARE_BASE_URL) the gateway serves that
 * Square. Without, it first starts the built-in emulator with the demo merchant and
 * points the gateway at it over HTTP, exactly as it would at Square.
 */
const config = gatewayConfig(process.env);
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

const gateway = createGateway({ ...config, squareBaseUrl, squareToken });
const url = await gateway.listen(config.port, config.host);
console.log(`GraphQL gateway:  ${url}`);
console.log(`GraphiQL:         open ${url} in a browser`);
if (config.authMode === 'passthrough') console.log('Auth: passthrough — send "Authorization: Bearer <Square token>".');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void Promise.all([gateway.close(), emulator?.close()]).then(() => process.exit(0));
  });
}
