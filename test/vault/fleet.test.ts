import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_URL } from '../support/stores.js';
import { useEmulator } from '../support/emulator.js';
import { vaultFleet } from '../support/vault-fleet.js';
import { tokenWorks } from '../support/vaults.js';

const t = useEmulator();

describe.skipIf(!DATABASE_URL)('a fleet renewing tokens from one PostgreSQL vault', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
    await fetch(`${t.url}/_emulator/reset`, { method: 'POST' });
  });

  it('renews each of 1,000 sellers’ tokens exactly once per cycle across 3 instances, and every new token works', { timeout: 180_000 }, async () => {
    const fleet = await vaultFleet(t.url, { sellers: 1000, instances: 3 });
    cleanups.push(() => fleet.close());
    const before = await fleet.cycle();
    expect(before.tokenCalls).toEqual([]);

    await fleet.passRenewalPoint();
    const cycle = await fleet.cycle();
    // One ObtainToken per seller, each answered, and no other Square call.
    expect(cycle.squareCalls).toEqual({ '/oauth2/token': 1000 });
    expect(cycle.tokenCalls.every((call) => call.status === 200)).toBe(true);
    const perSeller = new Map<string | null, number>();
    for (const call of cycle.tokenCalls) perSeller.set(call.merchantId, (perSeller.get(call.merchantId) ?? 0) + 1);
    expect(perSeller.size).toBe(1000);
    expect([...perSeller.values()].every((count) => count === 1)).toBe(true);
    expect(new Set(perSeller.keys())).toEqual(new Set(fleet.sellers.map((seller) => seller.merchantId)));
    // Every instance took a share, and together they renewed every seller with nothing failed or lost.
    expect(cycle.reports.every((report) => report.refreshed > 0)).toBe(true);
    expect(cycle.reports.reduce((sum, report) => sum + report.refreshed, 0)).toBe(1000);
    expect(cycle.reports.every((report) => report.failed + report.rejected + report.lost === 0)).toBe(true);

    // Each seller's new token works against Square, read through any instance's connection.
    const tokens = await Promise.all(fleet.sellers.map(async (seller, i) => [seller, await fleet.vaults[i % 3]!.accessToken(seller.merchantId)] as const));
    for (let i = 0; i < tokens.length; i += 50) {
      const works = await Promise.all(tokens.slice(i, i + 50).map(([seller, token]) => token !== seller.tokens.accessToken && tokenWorks(t.url, token!, seller.merchantId)));
      expect(works.every(Boolean)).toBe(true);
    }
    // Renewed: the next cycle finds nothing due.
    expect((await fleet.cycle()).tokenCalls).toEqual([]);
  });

  it('renews the sellers an instance claimed before it died, once their lease lapses', async () => {
    const fleet = await vaultFleet(t.url, { sellers: 30, instances: 3 });
    cleanups.push(() => fleet.close());
    await fleet.passRenewalPoint();
    // The third instance claims ten, as its workers do (with their lease), and dies: its connection is gone.
    const lease = 10 * 60_000;
    const claimed = await fleet.vaults[2]!.claimDueRefreshes(new Date(fleet.clock.now().getTime() + 23 * 24 * 3600_000), lease, 10);
    expect(claimed).toHaveLength(10);
    await fleet.vaults[2]!.close();
    const survivors = fleet.refreshers.slice(0, 2);

    const first = await fleet.cycle(survivors);
    expect(first.tokenCalls).toHaveLength(20);
    const orphaned = new Set(claimed.map((claim) => claim.merchantId));
    expect(first.tokenCalls.filter((call) => orphaned.has(call.merchantId!))).toEqual([]);
    await fleet.clock.advance(lease);
    const second = await fleet.cycle(survivors);
    expect(second.tokenCalls.map((call) => call.merchantId).sort()).toEqual(claimed.map((claim) => claim.merchantId).sort());
    for (const seller of fleet.sellers) expect(await fleet.vaults[0]!.seller(seller.merchantId)).toMatchObject({ status: 'CONNECTED', lastRefreshedAt: expect.any(String) });
  });
});
