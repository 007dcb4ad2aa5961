import { parseArgs } from 'node:util';

/**
 * `square-emulator`'s flags. Each stands for the environment variable of the same setting and wins
 * over it, so that config.ts stays the one place settings are read and checked.
 */
const FLAGS = {
  port: 'EMULATOR_PORT',
  host: 'EMULATOR_HOST',
  db: 'EMULATOR_DB',
  'latency-ms': 'EMULATOR_LATENCY_MS',
  'rate-limit': 'EMULATOR_RATE_LIMIT',
  'rate-burst': 'EMULATOR_RATE_BURST',
  'webhook-url': 'EMULATOR_WEBHOOK_URL',
  'webhook-signature-key': 'EMULATOR_WEBHOOK_SIGNATURE_KEY',
} as const;

export const USAGE = `Usage: square-emulator [options]   (in this repository: npm run emulator -- [options])

A local, stateful Square API for Square's own SDKs: point an SDK's base URL at it, with any bearer token.

Options (each also read from the environment variable beside it; the flag wins):
  --port <n>                      EMULATOR_PORT                   port to listen on (default 4010; 0 picks a free one)
  --host <address>                EMULATOR_HOST                   address to bind (default 127.0.0.1)
  --db <file>                     EMULATOR_DB                     SQLite file to keep state in (default: in memory)
  --seed, --no-seed               EMULATOR_SEED                   load the demo merchant (default: --seed)
  --latency-ms <n>                EMULATOR_LATENCY_MS             delay added to every Square API call (default 0)
  --rate-limit <n/s>              EMULATOR_RATE_LIMIT             throttle each merchant, e.g. 10/s (default: off)
  --rate-burst <n>                EMULATOR_RATE_BURST             calls allowed at once with --rate-limit
  --webhook-url <url>             EMULATOR_WEBHOOK_URL            where to post webhook events
  --webhook-signature-key <key>   EMULATOR_WEBHOOK_SIGNATURE_KEY  key to sign them with
  -h, --help                                                      print this and exit`;

export type CommandLine = { help: true } | { help: false; env: NodeJS.ProcessEnv };

/** The emulator's environment with the command line's flags applied; a mistake throws a message for the user. */
export function readCommandLine(argv: string[], env: NodeJS.ProcessEnv): CommandLine {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        ...Object.fromEntries(Object.keys(FLAGS).map((flag) => [flag, { type: 'string' as const }])),
        seed: { type: 'boolean' },
        'no-seed': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new Error(`${(error as Error).message}\nRun square-emulator --help for the options.`);
  }
  if (values.help) return { help: true };
  if (values.seed && values['no-seed']) throw new Error('Give --seed or --no-seed, not both.');
  const given: Record<string, unknown> = values;
  const merged: NodeJS.ProcessEnv = { ...env };
  for (const [flag, variable] of Object.entries(FLAGS)) {
    const value = given[flag];
    if (typeof value === 'string') merged[variable] = value;
  }
  if (values.seed) merged.EMULATOR_SEED = 'true';
  if (values['no-seed']) merged.EMULATOR_SEED = 'false';
  return { help: false, env: merged };
}
