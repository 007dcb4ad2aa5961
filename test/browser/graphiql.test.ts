import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { SquareClient } from 'square';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../src/emulator/server.js';
import { DEMO_CUSTOMER_ID, DEMO_TOKEN, DEMO_TOUR_ORDER } from '../../src/emulator/seed.js';
import type { Gateway } from '../../src/gateway/server.js';
import { createTestGateway } from '../support/gateway.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  if (process.env.CI) throw new Error(`The GraphiQL browser test needs ${CHROMIUM}; .ci/run installs it (apt-get install -y chromium).`);
  console.warn(`GraphiQL browser test is SKIPPED: ${CHROMIUM} is missing (apt-get install -y chromium; CI installs it and never skips).`);
}

const WAIT = { timeout: 20_000 };

/** A demo customer who has cards, gift cards and orders with payments, as the example wants, read from Square (the emulator). */
async function customerWithEverything(square: SquareClient) {
  const locationIds = (await square.locations.list()).locations!.map((location) => location.id!);
  for await (const customer of await square.customers.list()) {
    const customerId = customer.id!;
    const [cards, giftCards, { orders = [] }] = await Promise.all([
      square.cards.list({ customerId }),
      square.giftCards.list({ customerId }),
      square.orders.search({ locationIds, query: { filter: { customerFilter: { customerIds: [customerId] } } } }),
    ]);
    const card = cards.data.find((c) => c.enabled);
    if (card && giftCards.data.length > 0 && orders.some((order) => order.tenders?.length)) {
      return { id: customerId, givenName: customer.givenName!, last4: card.last4! };
    }
  }
  throw new Error('the demo data has no customer with cards, gift cards, orders and payments');
}

const EARLIER_TAB = {
  id: 'earlier', title: 'Earlier', query: 'query Earlier { locations { name } }', variables: null, headers: null, operationName: 'Earlier', response: null,
};

const isLoopback = (url: URL) => /^(127(\.\d+){3}|localhost|\[::1\])$/.test(url.hostname);

/**
 * Chromium with a profile of its own, headless: every request is logged in `requests`, and one leaving loopback
 * is refused (and fails the test that checks `requests`); `init`, a script, runs in the page before its own.
 */
async function offlineBrowser(requests: string[], init?: string) {
  const profile = await mkdtemp(join(tmpdir(), 'graphiql-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
    viewport: { width: 1400, height: 1000 },
  });
  context.on('request', (request) => void requests.push(request.url()));
  await context.route('**/*', (route) => (isLoopback(new URL(route.request().url())) ? route.continue() : route.abort()));
  if (init) await context.addInitScript({ content: init });
  const page = context.pages()[0] ?? (await context.newPage());
  return { profile, context, page };
}

/** The text Monaco shows in an editor, lines joined; it renders spaces as non-breaking ones. */
const editorText = (page: Page, editor: string) =>
  page.locator(`${editor} .view-lines`).first().innerText().then((text) => text.replace(/\u00a0/g, ' '));

/** Waits for the response pane to show `text`; past the wait, fails with what the pane shows instead. */
async function responseShows(page: Page, text: string): Promise<string> {
  try {
    await page.locator('.graphiql-response').getByText(text, { exact: true }).waitFor(WAIT);
  } catch (error) {
    const shown = await editorText(page, '.graphiql-response').catch(() => '(no response pane)');
    throw new Error(`GraphiQL's response did not show ${text} within ${WAIT.timeout} ms; it shows:\n${shown}`, { cause: error });
  }
  return editorText(page, '.graphiql-response');
}

describe.skipIf(!hasChromium)('GraphiQL in a browser, offline', () => {
  let emulator: Emulator;
  let gateway: Gateway;
  let url: string;
  let customer: Awaited<ReturnType<typeof customerWithEverything>>;
  let profile: string;
  let context: BrowserContext;
  let page: Page;
  const requests: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    emulator = await createEmulator({ seed: true });
    const emulatorUrl = await emulator.listen();
    customer = await customerWithEverything(new SquareClient({ token: DEMO_TOKEN, baseUrl: emulatorUrl, maxRetries: 0 }));
    gateway = createTestGateway(emulatorUrl, { squareToken: DEMO_TOKEN, exampleVariables: { customerId: customer.id } });
    url = await gateway.listen();

    // Everything must come from the gateway. A browser that used GraphiQL here before: it keeps that visit's tab in localStorage.
    const tabState = JSON.stringify({ activeTabIndex: 0, tabs: [EARLIER_TAB] });
    ({ profile, context, page } = await offlineBrowser(requests, `localStorage.setItem('graphiql:tabState', ${JSON.stringify(tabState)})`));
    page.on('pageerror', (error) => void pageErrors.push(error.message));
    await page.goto(url);
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    if (profile) await rm(profile, { recursive: true, force: true });
    await gateway?.close();
    await emulator?.close();
  });

  it('opens on the example query with the example customer in its variables, beside the tab of an earlier visit', async () => {
    const query = page.locator('.graphiql-query-editor');
    await query.getByText('query Example($customerId: ID!)').waitFor(WAIT);
    expect(await editorText(page, '.graphiql-query-editor')).toContain('customer(id: $customerId) {');
    const variables = page.locator('.graphiql-editor-tool');
    await variables.getByText(customer.id).waitFor(WAIT);
    expect(JSON.parse(await editorText(page, '.graphiql-editor-tool'))).toEqual({ customerId: customer.id });
    await expect(page.locator('.graphiql-tab').allInnerTexts()).resolves.toEqual(['Earlier', 'Example']);
  });

  it('runs it and shows the customer with their cards', async () => {
    await page.locator('.graphiql-execute-button').click();
    const response = page.locator('.graphiql-response');
    await response.getByText(`"${customer.givenName}"`, { exact: true }).waitFor(WAIT);
    const shown = await editorText(page, '.graphiql-response');
    expect(shown).toContain(`"givenName": "${customer.givenName}"`);
    expect(shown).toContain(`"last4": "${customer.last4}"`);
    expect(shown).not.toContain('"errors"');
  });

  it('browses the schema in the docs explorer', async () => {
    await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
    const docs = page.locator('.graphiql-doc-explorer');
    await docs.getByText('Query', { exact: true }).click(WAIT);
    await docs.getByText('customer', { exact: true }).first().waitFor(WAIT);
    const screenshot = join(tmpdir(), 'graphiql.png');
    await page.screenshot({ path: screenshot });
    console.log(`GraphiQL as a user sees it: ${screenshot}`);
  });

  it('loaded everything from the gateway and nothing from anywhere else', () => {
    const gatewayOrigin = new URL(url).origin;
    const elsewhere = requests.filter((request) => /^https?:/.test(request) && new URL(request).origin !== gatewayOrigin);
    expect(elsewhere).toEqual([]);
    const served = requests.map((request) => /^\/graphiql\/\w+\/([\w.]+)$/.exec(new URL(request).pathname)?.[1]);
    expect(served).toEqual(expect.arrayContaining(['graphiql.js', 'graphiql.css', 'editor.worker.js', 'graphql.worker.js', 'json.worker.js']));
    expect(pageErrors).toEqual([]);
  });
});

describe.skipIf(!hasChromium)('GraphiQL on a first visit to the demo, offline', () => {
  let emulator: Emulator;
  let emulatorUrl: string;
  let gateway: Gateway;
  let url: string;
  let profile: string;
  let context: BrowserContext;
  let page: Page;
  const requests: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    emulator = await createEmulator({ seed: true });
    emulatorUrl = await emulator.listen();
    // What npm start gives the demo gateway (src/main.ts).
    gateway = createTestGateway(emulatorUrl, {
      squareToken: DEMO_TOKEN,
      exampleVariables: { customerId: DEMO_CUSTOMER_ID },
      gateway: { tour: { customerId: DEMO_CUSTOMER_ID, ...DEMO_TOUR_ORDER } },
    });
    url = await gateway.listen();
    ({ profile, context, page } = await offlineBrowser(requests));
    page.on('pageerror', (error) => void pageErrors.push(error.message));
    await page.goto(url);
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    if (profile) await rm(profile, { recursive: true, force: true });
    await gateway?.close();
    await emulator?.close();
  });

  it('opens the README tour as tabs, on the example with the demo customer in its variables', async () => {
    await page.locator('.graphiql-query-editor').getByText('query Example($customerId: ID!)').waitFor(WAIT);
    await expect(page.locator('.graphiql-tab').allInnerTexts()).resolves.toEqual(['Example', 'CreateOrder', 'ChargeCustomer', 'PaymentUpdates']);
    await page.locator('.graphiql-editor-tool').getByText(DEMO_CUSTOMER_ID).waitFor(WAIT);
    expect(JSON.parse(await editorText(page, '.graphiql-editor-tool'))).toEqual({ customerId: DEMO_CUSTOMER_ID });
  });

  it('runs the example', async () => {
    const { customer } = await new SquareClient({ token: DEMO_TOKEN, baseUrl: emulatorUrl, maxRetries: 0 }).customers.get({ customerId: DEMO_CUSTOMER_ID });
    await page.locator('.graphiql-execute-button').click();
    const shown = await responseShows(page, `"${customer!.givenName!}"`);
    expect(shown).toContain(`"familyName": "${customer!.familyName!}"`);
    expect(shown).not.toContain('"errors"');
  });

  it('runs the next tab, an order from the café’s catalog priced with its tax, as the README says', async () => {
    // The tabs can be dragged to reorder them: a click event alone, with no pointer moving, is what a tap is.
    await page.locator('.graphiql-tab-button', { hasText: 'CreateOrder' }).dispatchEvent('click');
    await page.locator('.graphiql-query-editor').getByText('mutation CreateOrder(').waitFor(WAIT);
    // Its variables: the demo customer and the café's two catalog variations (an idempotency key below them).
    await page.locator('.graphiql-editor-tool').getByText(`"${DEMO_TOUR_ORDER.catalogObjectIds[1]!}"`).waitFor(WAIT);
    const variables = await editorText(page, '.graphiql-editor-tool');
    for (const id of [DEMO_CUSTOMER_ID, ...DEMO_TOUR_ORDER.catalogObjectIds]) expect(variables).toContain(`"${id}"`);
    await page.locator('.graphiql-execute-button').click();
    const shown = await responseShows(page, '"CreateOrderSuccess"');
    expect(shown).toContain('"formatted": "$8.96"');
    expect(shown).toContain('"state": "OPEN"');
  });

  it('loaded nothing from anywhere else, without a page error', () => {
    const gatewayOrigin = new URL(url).origin;
    expect(requests.filter((request) => /^https?:/.test(request) && new URL(request).origin !== gatewayOrigin)).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
