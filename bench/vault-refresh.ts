import { loadavg } from 'node:os';
import type { SellerVault } from '../src/vault/index.js';
import { vaultFleet } from '../test/support/vault-fleet.js';
import { sqliteVaultLocation, vaultKey } from '../test/support/vaults.js';
import { percentile, roundTo } from './lib.js';
import { startEmulator } from './stack.js';

const INSTANCES = 3;
const LOOKUPS = 2000;

/**
 * The seller vault's renewal cycle: `sellers` connected through the emulator's OAuth, three
 * refresher instances (in this process, each with its own PostgreSQL connections) on one vault,
 * the emulator (a process of its own) moved 8 days on. Reports the cycle's Square calls (one
 * ObtainToken per seller is the goal), its time, each instance's share, an idle cycle's cost,
 * and what reading one seller's access token costs (the case for or against a cache of them).
 */
export async function benchVaultRefresh(sellers: number) {
  if (!process.env.DATABASE_URL) return { skipped: 'DATABASE_URL is not set: the fleet shares one PostgreSQL vault' };
  const emulator = await startEmulator({ EMULATOR_SEED: 'false' });
  try {
    let started = performance.now();
    const fleet = await vaultFleet(emulator.url, { sellers, instances: INSTANCES });
    const setupSeconds = roundTo((performance.now() - started) / 1000);
    try {
      await fleet.passRenewalPoint();
      const cycle = await fleet.cycle();
      const idle = await fleet.cycle();
      const perSeller = new Map<string | null, number>();
      for (const call of cycle.tokenCalls) perSeller.set(call.merchantId, (perSeller.get(call.merchantId) ?? 0) + 1);

      const sqlite = sqliteVaultLocation();
      const local = await sqlite.open(vaultKey('k1'), fleet.clock.now);
      started = performance.now();
      for (const seller of fleet.sellers) await local.connect(seller);
      const sqliteConnectMs = (performance.now() - started) / fleet.sellers.length;
      const ids = fleet.sellers.map((seller) => seller.merchantId);
      const lookups = { postgres: await lookupTimes(fleet.vaults[0]!, ids), sqlite: await lookupTimes(local, ids) };
      await local.close();
      await sqlite.drop();

      return {
        sellers,
        instances: INSTANCES,
        setupSeconds,
        cycle: {
          squareCalls: cycle.squareCalls,
          obtainTokenCallsPerSeller: { min: Math.min(...perSeller.values()), max: Math.max(...perSeller.values()), sellers: perSeller.size },
          seconds: roundTo(cycle.elapsedMs / 1000, 2),
          renewalsPerSecond: roundTo((sellers * 1000) / cycle.elapsedMs),
          perInstance: cycle.reports.map((report) => report.refreshed),
          notRenewed: cycle.reports.reduce((sum, report) => sum + report.failed + report.rejected + report.lost, 0),
        },
        idleCycle: { squareCalls: Object.values(idle.squareCalls).reduce((a, b) => a + b, 0), ms: roundTo(idle.elapsedMs) },
        accessTokenLookupMs: lookups,
        sqliteConnectMs: roundTo(sqliteConnectMs, 3),
        loadAverage: roundTo(loadavg()[0]!),
      };
    } finally {
      await fleet.close();
    }
  } finally {
    await emulator.stop();
  }
}

/** Mean, median and 99th percentile of `LOOKUPS` access token reads, one after another, of sellers taken in turn. */
async function lookupTimes(vault: SellerVault, merchantIds: readonly string[]) {
  const times: number[] = [];
  for (let i = 0; i < LOOKUPS; i++) {
    const started = performance.now();
    await vault.accessToken(merchantIds[i % merchantIds.length]!);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { mean: roundTo(times.reduce((a, b) => a + b, 0) / times.length, 3), p50: percentile(times, 50, 3), p99: percentile(times, 99, 3) };
}
