import { createEmulator, type Emulator } from '../src/emulator/server.js';
import { createGateway, type Gateway } from '../src/gateway/server.js';
import { SqliteEventStore } from '../src/store/index.js';

/** What a remote Square adds to each call, roughly. */
export const LATENCY_MS = 20;

const KEY = 'bench-webhook-signature-key';

export interface WebhookStack {
  emulator: Emulator;
  emulatorUrl: string;
  gateway: Gateway;
  url: string;
  /** From now on the emulator delivers its webhooks to the gateway (setting data up first keeps them out of the figures). */
  deliverWebhooks(): void;
  close(): Promise<void>;
}

/**
 * The emulator and a gateway in one process, the gateway with webhooks (so with the cache,
 * as `npm start` runs it) and a budget that never throttles, for benchmarks of the cache.
 */
export async function webhookStack(options: { seed: boolean; token: string }): Promise<WebhookStack> {
  const emulator = await createEmulator({ seed: options.seed, latencyMs: LATENCY_MS });
  const emulatorUrl = await emulator.listen();
  const store = new SqliteEventStore(':memory:');
  const gateway = createGateway({
    authMode: 'server',
    squareToken: options.token,
    squareBaseUrl: emulatorUrl,
    squareTimeoutSeconds: 30,
    squareMaxRetries: 2,
    squareRatePerSecond: 1_000_000,
    squareBurst: 1_000_000,
    requestDeadlineMs: 15_000,
    locationsTtlMs: 300_000,
    logging: false,
    webhooks: { store, signatureKey: KEY },
  });
  const url = await gateway.listen();
  return {
    emulator,
    emulatorUrl,
    gateway,
    url,
    deliverWebhooks: () => emulator.ctx.webhooks.configure({ url: gateway.webhooks!.notificationUrl(), signatureKey: KEY, retryBaseMs: 50 }),
    close: async () => {
      await gateway.close();
      await emulator.close();
      await store.close();
    },
  };
}
