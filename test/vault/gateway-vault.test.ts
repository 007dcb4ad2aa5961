import { afterEach, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/gateway/server.js';
import type { SellerVault } from '../../src/vault/index.js';
import { useEmulator } from '../support/emulator.js';
import { createTestGateway } from '../support/gateway.js';
import { DEMO_APP, emulatorClock, grantedSellers, sqliteVaultLocation, vaultKey, type VaultLocation } from '../support/vaults.js';

const DAY = 24 * 3600_000;
const METRICS_TOKEN = 'vault-metrics-token';
const t = useEmulator();

/** The value of one series in Prometheus text; undefined when the series is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('the seller vault in a gateway', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await fetch(`${t.url}/_emulator/reset`, { method: 'POST' });
  });

  async function gatewayWith(vault: SellerVault, now: () => Date, secret: string = DEMO_APP.secret): Promise<{ gateway: Gateway; origin: string }> {
    const gateway = createTestGateway(t.url, {
      metricsToken: METRICS_TOKEN,
      gateway: { vault: { vault, now, application: { id: DEMO_APP.id, secret }, refresher: { checkEveryMs: 3600_000 } } },
    });
    const origin = new URL(await gateway.listen()).origin;
    cleanups.push(() => gateway.close());
    return { gateway, origin };
  }
  const readyz = async (origin: string) => {
    const response = await fetch(`${origin}/readyz`);
    return { status: response.status, body: (await response.json()) as any };
  };
  const metrics = async (origin: string) => (await fetch(`${origin}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();

  it('renews tokens from its start, and shows failing renewals in /readyz and /metrics until they recover', async () => {
    const clock = await emulatorClock(t.url);
    const location: VaultLocation = sqliteVaultLocation();
    cleanups.push(() => location.drop());
    const vault = await location.open(vaultKey('k1'), clock.now);
    cleanups.push(() => vault.close());
    for (const seller of await grantedSellers(t.url, 3)) await vault.connect(seller);
    await clock.advance(8 * DAY);

    // A wrong application secret: every renewal is refused while the sellers' tokens still work.
    const failing = await gatewayWith(vault, clock.now, 'not-the-secret');
    await expect.poll(async () => (await readyz(failing.origin)).body.sellerVault?.refreshFailing).toBe(3);
    const unwell = await readyz(failing.origin);
    expect(unwell.status).toBe(200);
    expect(unwell.body).toMatchObject({ status: 'ready', checks: { sellerVault: 'ok' }, sellerVault: { refreshFailing: 3, lastRefreshCycle: 'ok' } });
    expect(unwell.body.sellerVault.oldestTokenAgeSeconds).toBeGreaterThanOrEqual((8 * DAY) / 1000);
    let text = await metrics(failing.origin);
    expect(sample(text, 'gateway_vault_refreshes_total{outcome="failed"}')).toBe(3);
    expect(sample(text, 'gateway_vault_refresh_cycles_total{outcome="ok"}')).toBe(1);
    expect(sample(text, 'gateway_vault_sellers{status="REFRESH_FAILING"}')).toBe(3);
    expect(sample(text, 'gateway_vault_sellers{status="CONNECTED"}')).toBe(0);
    expect(sample(text, 'gateway_vault_oldest_token_age_seconds')).toBeGreaterThanOrEqual((8 * DAY) / 1000);
    for (const seller of await vault.sellers()) expect(seller).toMatchObject({ status: 'REFRESH_FAILING', refreshFailures: 1 });
    await failing.gateway.close();

    // Fixed, once the backoff has passed: renewed at the next start.
    await clock.advance(60_000);
    const fixed = await gatewayWith(vault, clock.now);
    await expect.poll(async () => (await readyz(fixed.origin)).body.sellerVault?.refreshFailing).toBe(0);
    expect((await readyz(fixed.origin)).body.sellerVault.oldestTokenAgeSeconds).toBeLessThan(3600);
    text = await metrics(fixed.origin);
    expect(sample(text, 'gateway_vault_refreshes_total{outcome="refreshed"}')).toBe(3);
    expect(sample(text, 'gateway_vault_sellers{status="CONNECTED"}')).toBe(3);

    // A vault that cannot be read makes the instance unready, and its series go.
    await vault.close();
    await expect.poll(async () => (await readyz(fixed.origin)).status).toBe(503);
    expect((await readyz(fixed.origin)).body).toEqual({ status: 'unready', checks: { sellerVault: 'unreachable', square: 'ok' } });
    // A scrape reuses the vault's answer for a second.
    await expect.poll(async () => sample(await metrics(fixed.origin), 'gateway_vault_sellers{status="CONNECTED"}')).toBeUndefined();
    expect(sample(await metrics(fixed.origin), 'gateway_vault_oldest_token_age_seconds')).toBeNaN();
  });
});
