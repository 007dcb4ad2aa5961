import { TokenRefresher, type CycleReport } from '../../src/vault/refresher.js';
import type { SellerGrant, SellerVault } from '../../src/vault/index.js';
import { DEMO_APP, emulatorClock, grantedSellers, postgresVaultLocation, vaultKey } from './vaults.js';

const DAY = 24 * 3600_000;

/** A call the emulator logged at `/oauth2/token`, with the seller it issued tokens for (none when it refused). */
export interface TokenCall {
  merchantId: string | null;
  status: number;
}

export interface FleetCycle {
  reports: CycleReport[];
  elapsedMs: number;
  /** Every Square call the cycle made, by path. */
  squareCalls: Record<string, number>;
  tokenCalls: TokenCall[];
}

/**
 * A fleet of refresher instances, each with its own vault connection, on one PostgreSQL schema,
 * before one emulator, with `sellers` connected through its OAuth: what the fleet test checks
 * and the vault-refresh benchmark measures.
 */
export async function vaultFleet(emulatorUrl: string, { sellers: count, instances }: { sellers: number; instances: number }) {
  const location = postgresVaultLocation();
  const clock = await emulatorClock(emulatorUrl);
  const keys = vaultKey('k1');
  const vaults: SellerVault[] = [];
  for (let i = 0; i < instances; i++) vaults.push(await location.open(keys, clock.now));
  const sellers: SellerGrant[] = await grantedSellers(emulatorUrl, count);
  for (const seller of sellers) await vaults[0]!.connect(seller);
  const refreshers = vaults.map((vault) => new TokenRefresher({ vault, squareBaseUrl: emulatorUrl, application: DEMO_APP, now: clock.now }));
  const requests = async () =>
    ((await (await fetch(`${emulatorUrl}/_emulator/requests`)).json()) as { requests: Array<{ path: string; status: number; merchant_id: string | null }> }).requests;

  return {
    clock,
    sellers,
    vaults,
    refreshers,
    /** Moves the emulator's clock past the sellers' renewal point (8 days on). */
    passRenewalPoint: () => clock.advance(8 * DAY),
    /** One cycle on every instance at once, the emulator's log cleared before it. */
    async cycle(only: readonly TokenRefresher[] = refreshers): Promise<FleetCycle> {
      await fetch(`${emulatorUrl}/_emulator/requests`, { method: 'DELETE' });
      const started = performance.now();
      const reports = await Promise.all(only.map((refresher) => refresher.runCycle()));
      const elapsedMs = performance.now() - started;
      const logged = await requests();
      const squareCalls: Record<string, number> = {};
      for (const call of logged) squareCalls[call.path] = (squareCalls[call.path] ?? 0) + 1;
      const tokenCalls = logged.filter((call) => call.path === '/oauth2/token').map((call) => ({ merchantId: call.merchant_id, status: call.status }));
      return { reports, elapsedMs, squareCalls, tokenCalls };
    },
    async close() {
      await Promise.all(vaults.map((vault) => vault.close()));
      await location.drop();
    },
  };
}
