#!/usr/bin/env node
import { listenOn, readConfig } from '../startup.js';
import { USAGE, readCommandLine } from './cli.js';
import { emulatorConfig } from './config.js';

/** `square-emulator` (`npm run emulator` in this repository): a standalone Square emulator, with the demo merchant unless --no-seed. */
const { commandLine } = readConfig({ commandLine: () => readCommandLine(process.argv.slice(2), process.env) });
if (commandLine.help) {
  console.log(USAGE);
  process.exit(0);
}
const { config } = readConfig({ config: () => emulatorConfig(commandLine.env) });
// Loaded only now, so that --help and a mistyped flag answer at once.
const [{ createEmulator }, { DEMO_TOKEN }, { DEMO_APPLICATION }] = await Promise.all([
  import('./server.js'), import('./seed.js'), import('./domain/oauth.js'),
]);
const emulator = await createEmulator(config);
const url = await listenOn(() => emulator.listen(config.port, config.host), {
  ...config, portVariable: 'EMULATOR_PORT', hostVariable: 'EMULATOR_HOST', command: 'npm run emulator',
});
// One write, so that whoever waits for the URL line on a pipe also has the token line.
console.log([
  `Square emulator listening on ${url}`,
  ...(config.seed ? [`  demo merchant token: ${DEMO_TOKEN}`] : []),
  // Demo values, not secrets: the emulator's one OAuth application, for trying the authorize page.
  `  OAuth demo app:      client id ${DEMO_APPLICATION.clientId}, secret ${DEMO_APPLICATION.secret} (${url}/oauth2/authorize)`,
  `  control plane:       ${url}/_emulator/requests, /_emulator/clock, … (see README)`,
].join('\n'));

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void emulator.close().then(() => process.exit(0)));
}
