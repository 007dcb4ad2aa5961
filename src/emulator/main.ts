import { listenOn, readConfig } from '../startup.js';
import { emulatorConfig } from './config.js';
import { DEMO_TOKEN } from './seed.js';
import { createEmulator } from './server.js';

/** `npm run emulator`: a standalone Square emulator with the demo merchant. */
const { config } = readConfig({ config: () => emulatorConfig(process.env) });
const emulator = await createEmulator(config);
const url = await listenOn(() => emulator.listen(config.port, config.host), {
  ...config, portVariable: 'EMULATOR_PORT', hostVariable: 'EMULATOR_HOST', command: 'npm run emulator',
});
console.log(`Square emulator listening on ${url}`);
console.log(`  demo merchant token: ${DEMO_TOKEN}`);
console.log(`  control plane:       ${url}/_emulator/requests`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void emulator.close().then(() => process.exit(0)));
}
