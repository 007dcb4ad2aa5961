import { parseRateLimit } from './rate-limit.js';
import type { EmulatorOptions } from './server.js';

export interface EmulatorProcessConfig extends EmulatorOptions {
  port: number;
  host: string;
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

/** The emulator's settings from its environment variables (see README). */
export function emulatorConfig(env: NodeJS.ProcessEnv): EmulatorProcessConfig {
  return {
    port: integer(env, 'EMULATOR_PORT', 4010),
    host: env.EMULATOR_HOST || '127.0.0.1',
    dbPath: env.EMULATOR_DB || undefined,
    latencyMs: integer(env, 'EMULATOR_LATENCY_MS', 0),
    seed: env.EMULATOR_SEED !== 'false',
    rateLimit: parseRateLimit(env.EMULATOR_RATE_LIMIT, env.EMULATOR_RATE_BURST ? integer(env, 'EMULATOR_RATE_BURST', 1) : undefined),
    webhooks: {
      url: env.EMULATOR_WEBHOOK_URL || undefined,
      signatureKey: env.EMULATOR_WEBHOOK_SIGNATURE_KEY || undefined,
    },
  };
}
