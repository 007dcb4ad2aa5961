import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { print } from 'graphql';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SCOPES } from '../../src/apis/registry.js';
import { createEmulator, type Emulator } from '../../src/emulator/server.js';
import { ApiKeyRing, generateKey } from '../../src/gateway/api-keys.js';
import { CONNECT_CALLBACK_PATH, CONNECT_PATH } from '../../src/gateway/connect-paths.js';
import type { Gateway } from '../../src/gateway/server.js';
import { openVault, VaultKeyRing, type SellerVault } from '../../src/vault/index.js';
import { graphql } from '../gql/index.js';
import { createTestGateway } from '../support/gateway.js';
import { actingFor } from '../support/sellers.js';
import { DEMO_APP, vaultKey } from '../support/vaults.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  if (process.env.CI) throw new Error(`The connect browser test needs ${CHROMIUM}; .ci/run installs it (apt-get install -y chromium).`);
  console.warn(`Connect browser test is SKIPPED: ${CHROMIUM} is missing (apt-get install -y chromium; CI installs it and never skips).`);
}

const WAIT = { timeout: 20_000 };
const SELLERS_AND_MERCHANT = graphql(`query ConnectedSellerReads { sellers { merchantId businessName status } merchant { squareId businessName } }`);
/** The partner's key, allowed every seller who connects. */
const partner = generateKey('partner', [...SCOPES], { sellers: '*' });
const isLoopback = (url: URL) => /^(127(\.\d+){3}|localhost|\[::1\])$/.test(url.hostname);

/** Where a person would look: each page as the browser shows it, named after the step. */
async function screenshot(page: Page, step: string): Promise<void> {
  const path = join(tmpdir(), `connect-${step}.png`);
  await page.screenshot({ path, fullPage: true });
  console.log(`Connect flow, ${step}: ${path}`);
}

describe.skipIf(!hasChromium)('a partner connects a seller in a browser, offline', () => {
  let emulator: Emulator;
  let emulatorUrl: string;
  let gateway: Gateway;
  let origin: string;
  let vault: SellerVault;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const offLoopback: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    emulator = await createEmulator({ seed: false });
    emulatorUrl = await emulator.listen();
    const keys = VaultKeyRing.parse(vaultKey('k1'));
    vault = await openVault({ sqlitePath: ':memory:', keys });
    gateway = createTestGateway(emulatorUrl, {
      logging: false,
      apiKeys: ApiKeyRing.parse(JSON.stringify({ keys: [partner.entry] }), 'test keys'),
      gateway: { vault: { vault, application: DEMO_APP }, oauth: { scopes: SCOPES, keys } },
    });
    origin = new URL(await gateway.listen()).origin;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    });
  }, 60_000);

  beforeEach(async () => {
    // A browser of its own for each seller, as each seller has.
    await context?.close();
    context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
    // Everything happens between the gateway and the emulator: a request leaving loopback is refused and fails the test.
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (isLoopback(url)) return route.continue();
      offLoopback.push(url.href);
      return route.abort();
    });
    page = await context.newPage();
    page.on('pageerror', (error) => void pageErrors.push(error.message));
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await gateway?.close();
    await vault?.close();
    await emulator?.close();
    expect(offLoopback).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it("takes the seller from the gateway's connect link through Square's consent page and back, connected", async () => {
    await page.goto(origin + CONNECT_PATH);
    // Square's (the emulator's) page, asking for every permission the schema uses.
    await page.getByRole('heading', { name: 'Emulator Demo App would like to access your Square account' }).waitFor(WAIT);
    expect(new URL(page.url()).origin).toBe(emulatorUrl);
    await expect(page.locator('li').count()).resolves.toBe(SCOPES.length);
    await page.getByLabel(/Harbor Books/).check();
    await screenshot(page, '1-consent');

    await page.getByRole('button', { name: 'Allow' }).click();
    await page.getByRole('heading', { name: 'Harbor Books is connected' }).waitFor(WAIT);
    expect(new URL(page.url()).pathname).toBe(CONNECT_CALLBACK_PATH);
    await screenshot(page, '2-connected');
    const text = await page.locator('main').innerText();
    expect(text).toContain('Square merchant id');
    expect(text).toContain('CUSTOMERS_READ');

    const [seller] = await vault.sellers();
    expect(seller).toMatchObject({ businessName: 'Harbor Books', status: 'CONNECTED' });
    expect(text).toContain(seller!.merchantId);
    expect(await page.content()).not.toContain((await vault.accessToken(seller!.merchantId))!);
    // The flow's cookie is gone: reloading the callback cannot connect anything again.
    expect(await context.cookies()).toEqual([]);
    await page.reload();
    await page.getByRole('heading', { name: 'No connection under way in this browser' }).waitFor(WAIT);
    await screenshot(page, '3-reloaded');
    expect(await vault.sellers()).toEqual([seller]);

    // The partner sees the seller among its sellers, and reads the seller's Square data with the stored token.
    const response = await fetch(`${origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...actingFor(partner.key, seller!.merchantId) },
      body: JSON.stringify({ query: print(SELLERS_AND_MERCHANT) }),
    });
    expect(await response.json()).toMatchObject({
      data: {
        sellers: [{ merchantId: seller!.merchantId, businessName: 'Harbor Books', status: 'CONNECTED' }],
        merchant: { squareId: seller!.merchantId, businessName: 'Harbor Books' },
      },
    });
  });

  it('shows a seller who denies that nothing was connected, and offers to start again', async () => {
    const before = await vault.sellers();
    await page.goto(origin + CONNECT_PATH);
    await page.getByLabel(/Lupine Florist/).check();
    await page.getByRole('button', { name: 'Deny' }).click();
    await page.getByRole('heading', { name: 'The seller declined' }).waitFor(WAIT);
    await screenshot(page, '4-declined');
    expect(await page.locator('main').innerText()).toContain('Nothing was stored');
    expect(await vault.sellers()).toEqual(before);

    await page.getByRole('link', { name: 'Start again' }).click();
    await page.getByRole('heading', { name: 'Emulator Demo App would like to access your Square account' }).waitFor(WAIT);
  });
});
