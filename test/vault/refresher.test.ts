import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { refreshBackoffMs, TokenRefresher, type RefresherOptions, type RefreshOutcome } from '../../src/vault/refresher.js';
import type { SellerVault } from '../../src/vault/index.js';
import { useEmulator } from '../support/emulator.js';
import { DEMO_APP, emulatorClock, grantedSellers, sqliteVaultLocation, tokenWorks, vaultKey, type VaultLocation } from '../support/vaults.js';

const DAY = 24 * 3600_000;
const t = useEmulator();

describe('the refresh backoff', () => {
  it('doubles from the first wait up to the longest, jittered within its upper half', () => {
    const backoff = { firstMs: 60_000, maxMs: 3600_000 };
    expect([1, 2, 3, 4].map((failures) => refreshBackoffMs(failures, backoff, () => 0.5))).toEqual([45_000, 90_000, 180_000, 360_000]);
    expect([1, 2, 3].map((failures) => refreshBackoffMs(failures, backoff, () => 0))).toEqual([30_000, 60_000, 120_000]);
    expect(refreshBackoffMs(30, backoff, () => 0.5)).toBe(2700_000);
    expect(refreshBackoffMs(300, backoff, () => 0)).toBe(1800_000);
    // Renewals that failed together are not all tried again together.
    const waits = new Set(Array.from({ length: 20 }, () => refreshBackoffMs(3, backoff)));
    expect(waits.size).toBeGreaterThan(1);
    for (const wait of waits) {
      expect(wait).toBeGreaterThanOrEqual(120_000);
      expect(wait).toBeLessThanOrEqual(240_000);
    }
  });
});

describe('the token refresher against the emulator', () => {
  const opened: SellerVault[] = [];
  const locations: VaultLocation[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((vault) => vault.close()));
    await Promise.all(locations.splice(0).map((location) => location.drop()));
    // Back to real time, and no seller left for the next test.
    await fetch(`${t.url}/_emulator/reset`, { method: 'POST' });
  });

  async function setUp(sellerCount = 1, { pkce = false } = {}) {
    const clock = await emulatorClock(t.url);
    const location = sqliteVaultLocation();
    locations.push(location);
    const vault = await location.open(vaultKey('k1'), clock.now);
    opened.push(vault);
    const sellers = await grantedSellers(t.url, sellerCount, { pkce });
    for (const seller of sellers) await vault.connect(seller);
    const outcomes: RefreshOutcome[] = [];
    const refresher = (options: Partial<RefresherOptions> = {}) =>
      new TokenRefresher({
        vault,
        squareBaseUrl: t.url,
        application: DEMO_APP,
        now: clock.now,
        random: () => 0,
        backoff: { firstMs: 60_000, maxMs: 3600_000 },
        observer: { renewal: (outcome) => outcomes.push(outcome), cycle: () => {} },
        ...options,
      });
    return { clock, vault, sellers, refresher, outcomes };
  }

  it('renews a token once it is 7 days old, and the new one works', async () => {
    const { clock, vault, sellers, refresher } = await setUp(2);
    const [seller] = sellers;
    expect(await refresher().runCycle()).toMatchObject({ refreshed: 0, failed: 0 });
    await clock.advance(6 * DAY);
    expect(await refresher().runCycle()).toMatchObject({ refreshed: 0 });
    await clock.advance(DAY + 1000);
    const cycleStart = clock.now().getTime();
    expect(await refresher().runCycle()).toMatchObject({ refreshed: 2, failed: 0, rejected: 0, lost: 0 });

    const renewed = await vault.accessToken(seller!.merchantId);
    expect(renewed).not.toBe(seller!.tokens.accessToken);
    expect(await tokenWorks(t.url, renewed!, seller!.merchantId)).toBe(true);
    const status = await vault.seller(seller!.merchantId);
    expect(status).toMatchObject({ status: 'CONNECTED', refreshFailures: 0 });
    expect(Date.parse(status!.lastRefreshedAt!)).toBeGreaterThanOrEqual(cycleStart);
    expect(Date.parse(status!.lastRefreshedAt!)).toBeLessThanOrEqual(clock.now().getTime());
    expect(Date.parse(status!.accessTokenExpiresAt!)).toBeGreaterThan(clock.now().getTime() + 29 * DAY);
    // Renewed: not due again for another 7 days.
    expect(await refresher().runCycle()).toMatchObject({ refreshed: 0 });
  });

  it("renews a public (PKCE) client's tokens without a secret: each renewal's single-use refresh token replaces the last", async () => {
    const { clock, vault, sellers, refresher } = await setUp(1, { pkce: true });
    const [seller] = sellers;
    const publicClient = () => refresher({ application: { id: DEMO_APP.id } });
    for (let renewal = 0; renewal < 2; renewal++) {
      await clock.advance(8 * DAY);
      expect(await publicClient().runCycle()).toMatchObject({ refreshed: 1, failed: 0, rejected: 0 });
    }
    const renewed = await vault.accessToken(seller!.merchantId);
    expect(renewed).not.toBe(seller!.tokens.accessToken);
    expect(await tokenWorks(t.url, renewed!, seller!.merchantId)).toBe(true);
    expect(await vault.seller(seller!.merchantId)).toMatchObject({ status: 'CONNECTED', refreshFailures: 0 });
  });

  it('backs off while Square cannot be reached, shows REFRESH_FAILING, and recovers', async () => {
    const { clock, vault, sellers, refresher, outcomes } = await setUp();
    const merchantId = sellers[0]!.merchantId;
    await clock.advance(8 * DAY);
    const unreachable = refresher({ squareBaseUrl: await closedPortUrl() });
    expect(await unreachable.runCycle()).toMatchObject({ failed: 1 });
    expect(await vault.seller(merchantId)).toMatchObject({ status: 'REFRESH_FAILING', refreshFailures: 1, lastRefreshError: expect.stringMatching(/^Square could not be reached/) });
    // Its access token still works meanwhile.
    expect(await tokenWorks(t.url, (await vault.accessToken(merchantId))!, merchantId)).toBe(true);

    // Backing off: half a minute (jitter 0), then a minute.
    expect(await unreachable.runCycle()).toMatchObject({ failed: 0 });
    await clock.advance(30_000);
    expect(await unreachable.runCycle()).toMatchObject({ failed: 1 });
    await clock.advance(30_000);
    expect(await unreachable.runCycle()).toMatchObject({ failed: 0 });
    expect(await vault.seller(merchantId)).toMatchObject({ status: 'REFRESH_FAILING', refreshFailures: 2 });
    await clock.advance(30_000);

    expect(await refresher().runCycle()).toMatchObject({ refreshed: 1 });
    expect(await vault.seller(merchantId)).toMatchObject({ status: 'CONNECTED', refreshFailures: 0, lastRefreshError: null });
    expect(outcomes).toEqual(['failed', 'failed', 'refreshed']);
  });

  it('disconnects a seller whose authorization Square refuses (REFRESH_REJECTED)', async () => {
    const { clock, vault, sellers, refresher, outcomes } = await setUp(2);
    const [revoked, kept] = sellers;
    const response = await fetch(`${t.url}/_emulator/oauth/authorizations`, {
      method: 'DELETE',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: DEMO_APP.id, merchant_id: revoked!.merchantId }),
    });
    expect(response.status).toBe(200);
    await clock.advance(8 * DAY);
    expect(await refresher().runCycle()).toMatchObject({ refreshed: 1, rejected: 1 });
    expect(await vault.seller(revoked!.merchantId)).toMatchObject({
      status: 'DISCONNECTED',
      disconnectReason: 'REFRESH_REJECTED',
      lastRefreshError: '401 ACCESS_TOKEN_REVOKED: The authorization has been revoked.',
    });
    expect(await vault.accessToken(revoked!.merchantId)).toBeUndefined();
    expect(await vault.seller(kept!.merchantId)).toMatchObject({ status: 'CONNECTED' });
    expect(outcomes.sort()).toEqual(['refreshed', 'rejected']);
    // Never tried again.
    await clock.advance(30 * DAY);
    expect(await refresher().runCycle()).toMatchObject({ refreshed: 1, rejected: 0, failed: 0 });
  });

  it('keeps sellers connected when Square refuses the application (a wrong secret), retrying with backoff', async () => {
    const { clock, vault, sellers, refresher } = await setUp();
    await clock.advance(8 * DAY);
    expect(await refresher({ application: { id: DEMO_APP.id, secret: 'not-the-secret' } }).runCycle()).toMatchObject({ failed: 1, rejected: 0 });
    expect(await vault.seller(sellers[0]!.merchantId)).toMatchObject({
      status: 'REFRESH_FAILING',
      lastRefreshError:
        "401 UNAUTHORIZED: Invalid client_secret for this client_id. (the seller's access token still works: are the application id and secret right?)",
    });
    await clock.advance(30_000);
    expect(await refresher().runCycle()).toMatchObject({ refreshed: 1 });
  });

  it('takes over the claims of an instance that died mid-cycle once their lease lapses', async () => {
    const { clock, vault, sellers, refresher } = await setUp(3);
    await clock.advance(8 * DAY);
    // Another instance claimed two of them, as a refresher's worker does, and died before renewing them.
    const lease = 10 * 60_000;
    const dead = await vault.claimDueRefreshes(new Date(clock.now().getTime() + 23 * DAY), lease, 2);
    expect(dead).toHaveLength(2);
    expect(await refresher().runCycle()).toMatchObject({ refreshed: 1 });
    await clock.advance(lease);
    expect(await refresher().runCycle()).toMatchObject({ refreshed: 2 });
    for (const seller of sellers) {
      const token = await vault.accessToken(seller.merchantId);
      expect(token).not.toBe(seller.tokens.accessToken);
      expect(await tokenWorks(t.url, token!, seller.merchantId)).toBe(true);
    }
    // The dead instance's late word changes nothing.
    expect(await vault.refreshFailed(dead[0]!, 'late', undefined)).toBe(false);
  });

  it('runs a cycle at start and every interval until stopped', async () => {
    const { clock, vault, sellers, refresher } = await setUp();
    await clock.advance(8 * DAY);
    const running = refresher({ checkEveryMs: 20 });
    running.start();
    await expect.poll(() => vault.seller(sellers[0]!.merchantId)).toMatchObject({ lastRefreshedAt: expect.any(String) });
    await clock.advance(8 * DAY);
    await expect.poll(async () => (await vault.seller(sellers[0]!.merchantId))!.lastRefreshedAt! > new Date(clock.now().getTime() - DAY).toISOString()).toBe(true);
    await running.stop();
    expect(running.lastCycle()).toEqual({ outcome: 'ok', endedAt: expect.any(String) });
  });
});

/** A URL on which nothing listens: connections are refused, as when Square cannot be reached. */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}
