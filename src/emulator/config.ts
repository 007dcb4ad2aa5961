import { z } from 'zod';
import { boolean, integer, parseEnv, secret, url } from '../env-schema.js';
import { parseRateLimit } from './plumbing/rate-limit.js';
import type { EmulatorOptions } from './server.js';

export interface EmulatorProcessConfig extends EmulatorOptions {
  port: number;
  host: string;
}

/** Every environment variable the emulator reads, one entry each (checked against the README like the gateway's). */
export const emulatorVariables = z.object({
  EMULATOR_PORT: integer(0, 65535).default(4010).describe('Emulator port; 0 picks a free one.'),
  EMULATOR_HOST: z.string().default('127.0.0.1').describe('Emulator bind address.'),
  EMULATOR_DB: z.string().optional().describe("SQLite file for the emulator's state; in memory without."),
  EMULATOR_SEED: boolean().default(true).describe('false starts without the demo merchant.'),
  EMULATOR_LATENCY_MS: integer(0).default(0).describe('Delay added to every Square API call.'),
  EMULATOR_RATE_LIMIT: z.string().optional().describe('Throttle each merchant as Square does, e.g. 10/s.'),
  EMULATOR_RATE_BURST: integer(0).optional().describe('Calls a merchant may make at once, with EMULATOR_RATE_LIMIT.'),
  EMULATOR_WEBHOOK_URL: url(['http:', 'https:'], 'an http(s) URL').optional().describe('Where the emulator posts webhook events.'),
  EMULATOR_WEBHOOK_SIGNATURE_KEY: z.string().optional().meta({ description: 'Key the emulator signs webhook events with.', ...secret }),
});

/** The variables and the rules across them. */
const withRules = emulatorVariables.superRefine((env, ctx) => {
  try {
    parseRateLimit(env.EMULATOR_RATE_LIMIT, env.EMULATOR_RATE_BURST);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
  }
  if (env.EMULATOR_RATE_BURST !== undefined && !env.EMULATOR_RATE_LIMIT) {
    ctx.addIssue({ code: 'custom', message: 'EMULATOR_RATE_BURST is set without EMULATOR_RATE_LIMIT: set the rate too.' });
  }
});

/** The emulator's settings from its environment variables; every problem at once in a ConfigError. */
export function emulatorConfig(env: NodeJS.ProcessEnv): EmulatorProcessConfig {
  const v = parseEnv(withRules, env);
  return {
    port: v.EMULATOR_PORT,
    host: v.EMULATOR_HOST,
    dbPath: v.EMULATOR_DB,
    latencyMs: v.EMULATOR_LATENCY_MS,
    seed: v.EMULATOR_SEED,
    rateLimit: parseRateLimit(v.EMULATOR_RATE_LIMIT, v.EMULATOR_RATE_BURST),
    webhooks: { url: v.EMULATOR_WEBHOOK_URL, signatureKey: v.EMULATOR_WEBHOOK_SIGNATURE_KEY },
  };
}
