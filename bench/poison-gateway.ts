import { DEFAULT_GATEWAY_DB, gatewayConfig } from '../src/gateway/config.js';
import { createGateway } from '../src/gateway/server.js';
import { openStore, type EventStore } from '../src/store/index.js';

/**
 * The webhook benchmark's gateway: built as `npm start` builds it, over a store that refuses
 * every merge into a customer id starting with BENCH_POISON_PREFIX, as PostgreSQL refused ids
 * with U+0000 before they were escaped. So the benchmark's poison events fail to apply on
 * either store, for real, in the gateway's own processor.
 */
const poisonPrefix = process.env.BENCH_POISON_PREFIX!;
const config = gatewayConfig(process.env);
const store = await openStore({ databaseUrl: config.databaseUrl, sqlitePath: config.gatewayDb ?? DEFAULT_GATEWAY_DB });
const refusing: EventStore = Object.create(store, {
  recordMerge: {
    value: (merchantId: string, fromIds: readonly string[], toId: string, eventId: string) =>
      toId.startsWith(poisonPrefix)
        ? Promise.reject(new Error(`merge into ${toId} refused`))
        : store.recordMerge(merchantId, fromIds, toId, eventId),
  },
});
const gateway = createGateway({
  ...config,
  squareBaseUrl: config.squareBaseUrl ?? 'http://127.0.0.1:9',
  logging: false,
  webhooks: { store: refusing, signatureKey: config.webhookSignatureKey!, notificationUrl: config.webhookUrl, path: config.webhookPath },
});
console.log(`GraphQL gateway:  ${await gateway.listen(config.port, config.host)}`);
process.once('SIGTERM', () => void gateway.close().then(() => store.close()).then(() => process.exit(0)));
