import { mkdirSync, writeFileSync } from 'node:fs';
import { benchBulk } from './bulk.js';
import { benchCache } from './cache.js';
import { benchEmulator } from './emulator.js';
import { benchFleet } from './fleet.js';
import { benchFloor } from './floor.js';
import { benchGatewayRead } from './gateway-read.js';
import { benchGatewayWrite } from './gateway-write.js';
import { benchHostileDocuments } from './hostile-documents.js';
import { benchLiveUpdates } from './live-updates.js';
import { benchMesh } from './mesh.js';
import { benchOutbound } from './outbound.js';
import { benchReadPlan } from './read-plan.js';
import { benchStorm } from './storm.js';
import { benchStorefront } from './storefront.js';
import { benchTrustedDocuments } from './trusted-documents.js';
import { benchVaultRefresh } from './vault-refresh.js';
import { benchWebhooks } from './webhooks.js';

/**
 * `npm run bench [-- <name> ...]`: runs the named benchmarks (all by default), prints
 * their figures and keeps them in bench/results/<name>.json.
 */
const BENCHES: Record<string, () => Promise<unknown>> = {
  emulator: () => benchEmulator(Number(process.env.BENCH_SECONDS ?? 10)),
  'gateway-read': () => benchGatewayRead(Number(process.env.BENCH_LONG_SECONDS ?? 60)),
  'gateway-write': () => benchGatewayWrite(),
  webhooks: () => benchWebhooks(Number(process.env.BENCH_SECONDS ?? 10)),
  'live-updates': () => benchLiveUpdates(Number(process.env.BENCH_EVENTS ?? 300)),
  'read-plan': () => benchReadPlan(),
  mesh: () => benchMesh(Number(process.env.BENCH_SAMPLES ?? 20)),
  storm: () => benchStorm(Number(process.env.BENCH_SECONDS ?? 10)),
  fleet: () => benchFleet(Number(process.env.BENCH_SECONDS ?? 10)),
  storefront: () => benchStorefront(Number(process.env.BENCH_REPEATS ?? 50)),
  'vault-refresh': () => benchVaultRefresh(Number(process.env.BENCH_SELLERS ?? 1000)),
  outbound: () => benchOutbound(Number(process.env.BENCH_EVENTS_OUTBOUND ?? 10_000)),
  floor: () => benchFloor(Number(process.env.BENCH_SAMPLES ?? 12), Number(process.env.BENCH_REPEATS ?? 200), Number(process.env.BENCH_SECONDS ?? 10)),
  cache: () => benchCache(Number(process.env.BENCH_REPEATS ?? 200), Number(process.env.BENCH_CHANGES ?? 20)),
  bulk: () => benchBulk(Number(process.env.BENCH_CUSTOMERS ?? 5000), Number(process.env.BENCH_RESUME_CUSTOMERS ?? 1000)),
  'hostile-documents': () => benchHostileDocuments(Number(process.env.BENCH_REPEATS ?? 20)),
  'trusted-documents': () => benchTrustedDocuments(Number(process.env.BENCH_DOCUMENTS ?? 1000)),
};

const wanted = process.argv.slice(2);
const names = wanted.length > 0 ? wanted : Object.keys(BENCHES);
mkdirSync('bench/results', { recursive: true });
for (const name of names) {
  const bench = BENCHES[name];
  if (!bench) throw new Error(`unknown benchmark "${name}"; known: ${Object.keys(BENCHES).join(', ')}`);
  console.log(`\n== ${name} ==`);
  const result = await bench();
  console.log(JSON.stringify(result, null, 2));
  writeFileSync(`bench/results/${name}.json`, JSON.stringify({ at: new Date().toISOString(), ...(result as object) }, null, 2));
}
