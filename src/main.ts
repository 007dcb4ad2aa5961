import { emulatorConfig } from './emulator/config.js';
import { DEMO_TOKEN } from './emulator/seed.js';
import { createEmulator } from './emulator/server.js';

/**
 * `npm start`. Without SQUARE_ACCESS_TOKEN it runs the built-in Square emulator with
 * the demo merchant; the GraphQL gateway in front of it comes with the read graph.
 */
if (process.env.SQUARE_ACCESS_TOKEN) {
  console.error('SQUARE_ACCESS_TOKEN is set, but the gateway is not built yet: only the emulator runs for now.');
  process.exit(1);
}
const config = emulatorConfig(process.env);
const emulator = await createEmulator(config);
const url = await emulator.listen(config.port, config.host);
console.log(`Square emulator (demo data) on ${url}  token: ${DEMO_TOKEN}`);
console.log('The GraphQL gateway is not built yet; only the emulator runs.');
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void emulator.close().then(() => process.exit(0)));
}
