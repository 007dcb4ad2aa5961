import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SquareClient } from 'square';
import { afterAll, describe, expect, it } from 'vitest';
import { merchantIdForToken } from '../../src/emulator/plumbing/ids.js';
import { DEMO_CUSTOMER_ID, DEMO_TOKEN } from '../../src/emulator/seed.js';
import { createEmulator, type Emulator } from '../../src/emulator/server.js';

const DEMO_MERCHANT = merchantIdForToken(DEMO_TOKEN);

/** The demo merchant's every object (ids, GANs, amounts, links), without the moments they were made at. */
function demoData(emulator: Emulator): unknown[] {
  const rows = emulator.ctx.db
    .prepare<[string], { kind: string; id: string; doc: string }>('SELECT kind, id, doc FROM docs WHERE merchant_id = ? ORDER BY seq')
    .all(DEMO_MERCHANT);
  const timeless = (key: string, value: unknown) => (/(_at|_until)$/.test(key) ? undefined : value);
  return rows.map((row) => ({ kind: row.kind, id: row.id, doc: JSON.parse(row.doc, timeless) as unknown }));
}

const started: Emulator[] = [];
async function demoEmulator(): Promise<Emulator> {
  const emulator = await createEmulator({ seed: true });
  started.push(emulator);
  return emulator;
}
afterAll(async () => {
  await Promise.all(started.map((emulator) => emulator.close()));
});

describe('demo data', () => {
  it('is the same at every start and after a reset: ids, GANs and amounts', async () => {
    const first = await demoEmulator();
    const second = await demoEmulator();
    const data = demoData(first);
    expect(data.length).toBeGreaterThan(200);
    expect(demoData(second)).toEqual(data);

    const square = new SquareClient({ token: DEMO_TOKEN, baseUrl: await second.listen() });
    await square.customers.create({ givenName: 'Made', familyName: 'Later' });
    await square.customers.delete({ customerId: DEMO_CUSTOMER_ID });
    await second.reset();
    expect(demoData(second)).toEqual(data);
  });

  it('features DEMO_CUSTOMER_ID, a customer with cards, a gift card, orders and payments', async () => {
    const emulator = await demoEmulator();
    const square = new SquareClient({ token: DEMO_TOKEN, baseUrl: await emulator.listen() });
    const { customer } = await square.customers.get({ customerId: DEMO_CUSTOMER_ID });
    expect(customer).toMatchObject({ givenName: 'Amelia', familyName: 'Earhart' });
    expect((await square.cards.list({ customerId: DEMO_CUSTOMER_ID })).data.length).toBeGreaterThan(0);
    expect((await square.giftCards.list({ customerId: DEMO_CUSTOMER_ID })).data.length).toBeGreaterThan(0);
    const { locations } = await square.locations.list();
    const { orders } = await square.orders.search({
      locationIds: locations!.map((l) => l.id!),
      query: { filter: { customerFilter: { customerIds: [DEMO_CUSTOMER_ID] } } },
    });
    expect(orders!.length).toBeGreaterThan(0);
    const payments = (await square.payments.list()).data.filter((p) => p.customerId === DEMO_CUSTOMER_ID);
    expect(payments.length).toBeGreaterThan(0);
    // Her loyalty account holds a star per dollar (before tax) of every completed order.
    const { program } = await square.loyalty.programs.get({ programId: 'main' });
    const { loyaltyAccounts } = await square.loyalty.accounts.search({ query: { customerIds: [DEMO_CUSTOMER_ID] } });
    const completed = orders!.filter((o) => o.state === 'COMPLETED');
    const stars = completed.reduce((sum, o) => sum + Math.floor(Number(o.totalMoney!.amount! - o.totalTaxMoney!.amount!) / 100), 0);
    expect(stars).toBeGreaterThan(0);
    expect(loyaltyAccounts).toMatchObject([{ programId: program!.id, balance: stars, lifetimePoints: stars }]);
  });

  it('has a café catalog its orders are made of, with tracked stock sold by those orders at the main location', async () => {
    const emulator = await demoEmulator();
    const square = new SquareClient({ token: DEMO_TOKEN, baseUrl: await emulator.listen() });
    const { items } = await square.catalog.searchItems({});
    expect(items).toHaveLength(10);
    const latte = items!.find((i) => i.type === 'ITEM' && i.itemData?.name === 'Matcha Latte') as { itemData: { variations: unknown[]; modifierListInfo: unknown[] } };
    expect(latte.itemData.variations).toHaveLength(2);
    expect(latte.itemData.modifierListInfo).toHaveLength(1);
    const types = (await square.catalog.search({})).objects!.map((o) => o.type);
    for (const type of ['CATEGORY', 'TAX', 'DISCOUNT', 'MODIFIER_LIST', 'IMAGE']) expect(types).toContain(type);
    const { locations } = await square.locations.list();
    const { orders } = await square.orders.search({ locationIds: locations!.map((l) => l.id!) });
    expect(orders!.flatMap((o) => o.lineItems ?? []).filter((li) => li.catalogObjectId).length).toBeGreaterThan(50);
    // Priced as Square's point of sale prices them: the items' SF Sales Tax applied automatically, on every line
    // (the order Square makes for a payment made without one has a single custom-amount line and no tax).
    const ofCatalog = orders!.filter((o) => o.lineItems?.every((li) => li.catalogObjectId));
    expect(ofCatalog.length).toBe(orders!.length - 1);
    for (const order of ofCatalog) {
      expect(order.pricingOptions).toEqual({ autoApplyTaxes: true });
      expect(order.taxes).toMatchObject([{ name: 'SF Sales Tax', percentage: '8.625', scope: 'LINE_ITEM', autoApplied: true }]);
      for (const line of order.lineItems!) expect(line.appliedTaxes).toMatchObject([{ taxUid: order.taxes![0]!.uid }]);
      expect(order.totalTaxMoney!.amount).toBeGreaterThan(0n);
    }
    const sold = (await square.inventory.batchGetChanges({ types: ['ADJUSTMENT'], states: ['SOLD'] })).data;
    expect(sold.length).toBeGreaterThan(0);
    const counts = (await square.inventory.batchGetCounts({ locationIds: [locations![0]!.id!], states: ['IN_STOCK'] })).data;
    expect(counts).toHaveLength(4);
    expect(counts.some((c) => Number(c.quantity) < 40)).toBe(true);
  });

  it('has every id and GAN the README names for pasting', async () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('### Demo data'), readme.indexOf('\n### ', readme.indexOf('### Demo data') + 1));
    const named = [...section.matchAll(/`([\w:]{13,})`/g)].map((m) => m[1]!).filter((token) => /\d/.test(token));
    expect(named.length).toBeGreaterThan(10);
    expect(named).toContain(DEMO_CUSTOMER_ID);
    const data = JSON.stringify(demoData(await demoEmulator()));
    expect(named.filter((token) => !data.includes(`"${token}"`))).toEqual([]);
  });

  it('never shares an id with an object made later through the API', async () => {
    const emulator = await demoEmulator();
    const square = new SquareClient({ token: DEMO_TOKEN, baseUrl: await emulator.listen() });
    const seeded = new Set(demoData(emulator).map((row) => (row as { id: string }).id));
    const made = await Promise.all(
      Array.from({ length: 40 }, (_, i) => square.customers.create({ idempotencyKey: `later-${i}`, givenName: `Later ${i}` })),
    );
    for (const { customer } of made) expect(seeded.has(customer!.id!)).toBe(false);
    // Seeded ids start in the first half of their alphabet, random ones in the second: disjoint by construction.
    const firstHalf = 'ABCDEFGHJKMNPQRS';
    expect(made.filter(({ customer }) => firstHalf.includes(customer!.id![0]!))).toEqual([]);
    expect([...seeded].filter((id) => id.length === 26 && !firstHalf.includes(id[0]!))).toEqual([]);
  });

  it('is kept, not seeded again, when the emulator restarts on the same file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emulator-seed-'));
    const path = join(dir, 'emulator.db');
    try {
      const first = await createEmulator({ seed: true, dbPath: path });
      const data = demoData(first);
      await first.close();
      const again = await createEmulator({ seed: true, dbPath: path });
      const kept = demoData(again);
      await again.close();
      expect(kept).toEqual(data);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
