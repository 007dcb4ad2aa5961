import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from './context.js';
import { newLocation } from './domain/locations.js';
import { putProgram, type ProgramSettings } from './domain/loyalty.js';
import { timestamp } from './plumbing/clock.js';
import { withSeededIds } from './plumbing/ids.js';

/** The token whose merchant holds the demo data; `npm start` uses it. */
export const DEMO_TOKEN = 'EMULATOR-DEMO-TOKEN';

/**
 * The demo merchant's featured customer (Amelia Earhart): cards on file, a linked gift card,
 * orders and payments. Every seed makes the same ids, so README examples and saved queries
 * can name it; test/emulator/seed.test.ts checks that the seed still makes it.
 */
export const DEMO_CUSTOMER_ID = 'S19C2BAZ9MXHJHNRTC35H3GJWZ';

/**
 * What the README's tour (and GraphiQL's tabs in the demo) order from the café's catalog: a Flat White and a
 * Croissant, their Regular variations, $8.25 with the 8.625% SF Sales Tax on each line ($0.39 and $0.32).
 * The README's Demo data names these ids, so test/emulator/seed.test.ts checks that the seed makes them.
 */
export const DEMO_TOUR_ORDER = { catalogObjectIds: ['P2TW0PH38D0HY23QC8TQWZP3', 'MQ268XSCQCRSHNTKWXVB63ST'], orderTotalCents: 896 };

/** What the demo's ids are drawn from; changing it changes every demo id the README names. */
const ID_SEED = 'square-graphql-gateway demo merchant';

const GIVEN = ['Amelia', 'Noah', 'Olivia', 'Liam', 'Emma', 'Mateo', 'Sofia', 'Lucas', 'Isabella', 'Ethan', 'Mia', 'Aarav',
  'Chloe', 'Hiroshi', 'Zoe', 'Omar', 'Grace', 'Diego', 'Hannah', 'Kwame', 'Lily', 'Ravi', 'Nora', 'Jonas', 'Elena',
  'Samuel', 'Priya', 'Felix'];
const FAMILY = ['Earhart', 'Okafor', 'Nguyen', 'Schmidt', 'Rossi', 'Garcia', 'Kowalski', 'Silva', 'Haddad', 'Tanaka',
  'Murphy', 'Patel', 'Dubois', 'Sato', 'Andersen', 'Farouk', 'Kim', 'Alvarez', 'Becker', 'Mensah', 'Chen', 'Iyer',
  'Lindqvist', 'Weber', 'Popescu', 'Cohen', 'Raman', 'Novak'];
const STREETS = ['Market St', 'Valencia St', 'Castro St', 'Mission St', 'Folsom St', 'Irving St', 'Clement St'];
/** The café's menu; drinks come in two sizes (Large is 75¢ more) and take the milk modifiers, bakery stock is tracked. */
const MENU: Array<[name: string, cents: number, kind: 'drink' | 'bakery' | 'kitchen' | 'retail']> = [
  ['Flat White', 450, 'drink'], ['Cortado', 400, 'drink'], ['Cold Brew', 500, 'drink'], ['Croissant', 375, 'bakery'],
  ['Avocado Toast', 1100, 'kitchen'], ['Banana Bread', 425, 'bakery'], ['Matcha Latte', 550, 'drink'],
  ['Bagel with Cream Cheese', 625, 'bakery'], ['Granola Bowl', 950, 'kitchen'], ['Drip Coffee (1 lb bag)', 1800, 'retail'],
];
/** Units of each tracked item in stock at the main location. */
const OPENING_STOCK = '40';

/** The demo merchant's loyalty program: what a café would set up in Square's Dashboard. */
const DEMO_LOYALTY_PROGRAM: ProgramSettings = {
  accrual_rules: [{ accrual_type: 'SPEND', points: 1, spend_data: { amount_money: { amount: 100, currency: 'USD' }, tax_mode: 'BEFORE_TAX' } }],
  reward_tiers: [
    { name: 'Free drip coffee', points: 10, pricing_rule_reference: { object_id: 'DEMO-REWARD-DRIP-COFFEE' } },
    { name: '$5 off your order', points: 40, pricing_rule_reference: { object_id: 'DEMO-REWARD-FIVE-OFF' } },
  ],
  terminology: { one: 'Star', other: 'Stars' },
};

/** A small deterministic generator, so that every seed tells the same story. */
function prng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Loads the demo merchant through the emulator's own Square API, so that every
 * object is exactly what the API would have made: customers, cards on file, gift
 * cards with history, orders paid by card, cash and gift card, a refund, and
 * Square Online-style orders whose customer is only on the payment.
 */
export async function seedDemoData(app: FastifyInstance, ctx: EmulatorContext): Promise<void> {
  const random = prng(20250820);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  let keyCounter = 0;
  const key = () => `seed-${++keyCounter}`;

  const call = async <T = unknown>(method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown): Promise<T> => {
    const response = await app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${DEMO_TOKEN}`, 'content-type': 'application/json' },
      ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
    });
    if (response.statusCode >= 300) throw new Error(`demo seed: ${method} ${url} failed: ${response.body}`);
    return response.json() as T;
  };

  // Fastify finishes loading outside the seeded context, so that nothing it starts keeps drawing seeded ids.
  await app.ready();
  await withSeededIds(ID_SEED, () => ctx.webhooks.silently(async () => {
    const { locations } = await call<{ locations: Array<{ id: string; merchant_id: string }> }>('GET', '/v2/locations');
    const main = locations[0]!;
    const second = newLocation(main.merchant_id, timestamp(), {
      name: 'Mission Street Kiosk',
      address: { address_line_1: '2100 Mission St', locality: 'San Francisco', administrative_district_level_1: 'CA', postal_code: '94110', country: 'US' },
    });
    ctx.stores.locations.insert(main.merchant_id, second.id!, second);
    const locationIds = [main.id, second.id!];

    const customers: Array<{ id: string; cards: string[] }> = [];
    for (let i = 0; i < GIVEN.length; i++) {
      const given = GIVEN[i]!;
      const family = FAMILY[i]!;
      const { customer } = await call<{ customer: { id: string } }>('POST', '/v2/customers', {
        idempotency_key: key(),
        given_name: given,
        family_name: family,
        email_address: `${given}.${family}@example.com`.toLowerCase(),
        phone_number: `+1415555${String(1000 + i * 37).padStart(4, '0')}`,
        reference_id: `CRM-${String(1001 + i)}`,
        address: {
          address_line_1: `${100 + Math.floor(random() * 2800)} ${pick(STREETS)}`,
          locality: 'San Francisco',
          administrative_district_level_1: 'CA',
          postal_code: '94103',
          country: 'US',
        },
        ...(i % 4 === 0 ? { birthday: `19${70 + (i % 25)}-0${1 + (i % 9)}-1${i % 9}` } : {}),
        ...(i % 5 === 0 ? { note: 'Regular: oat milk, extra hot.' } : {}),
        ...(i % 7 === 3 ? { company_name: 'Mission Bay Studios' } : {}),
      });
      customers.push({ id: customer.id, cards: [] });
    }

    // Cards on file for most customers; a few have two, one has a disabled one.
    for (const [i, customer] of customers.entries()) {
      if (i % 6 === 5) continue;
      const cardCount = i % 5 === 1 ? 2 : 1;
      for (let c = 0; c < cardCount; c++) {
        const { card } = await call<{ card: { id: string } }>('POST', '/v2/cards', {
          idempotency_key: key(),
          source_id: 'cnon:card-nonce-ok',
          card: {
            customer_id: customer.id,
            cardholder_name: `${GIVEN[i]} ${FAMILY[i]}`,
            billing_address: { postal_code: '94103', country: 'US' },
          },
        });
        customer.cards.push(card.id);
      }
    }
    await call('POST', `/v2/cards/${customers[1]!.cards[1]}/disable`);
    customers[1]!.cards.pop();

    // Gift cards: activated with a balance, some reloaded, some linked to customers.
    const giftCards: string[] = [];
    for (let g = 0; g < 8; g++) {
      const { gift_card } = await call<{ gift_card: { id: string } }>('POST', '/v2/gift-cards', {
        idempotency_key: key(),
        location_id: main.id,
        gift_card: { type: 'DIGITAL' },
      });
      giftCards.push(gift_card.id);
      if (g === 7) continue; // one stays PENDING, never activated
      const activity = (type: string, details: Record<string, unknown>) =>
        call('POST', '/v2/gift-cards/activities', {
          idempotency_key: key(),
          gift_card_activity: { type, location_id: main.id, gift_card_id: gift_card.id, ...details },
        });
      await activity('ACTIVATE', {
        activate_activity_details: { amount_money: { amount: 2500 * (1 + (g % 4)), currency: 'USD' }, buyer_payment_instrument_ids: ['demo-cash'] },
      });
      if (g % 3 === 0)
        await activity('LOAD', {
          load_activity_details: { amount_money: { amount: 2000, currency: 'USD' }, buyer_payment_instrument_ids: ['demo-cash'] },
        });
      if (g < 5) await call('POST', `/v2/gift-cards/${gift_card.id}/link-customer`, { customer_id: customers[g * 2]!.id });
    }

    const catalog = await seedCatalog(call, key, main.id, second.id!);
    const lineItems = () =>
      Array.from({ length: 1 + Math.floor(random() * 3) }, () => {
        const [name] = pick(MENU);
        return { catalog_object_id: catalog.regular.get(name)!, quantity: String(1 + Math.floor(random() * 2)) };
      });
    const createOrder = async (customerId: string | undefined, locationId: string, source = 'Mission Coffee Counter') => {
      const { order } = await call<{ order: { id: string; total_money: { amount: number } } }>('POST', '/v2/orders', {
        idempotency_key: key(),
        order: {
          location_id: locationId,
          ...(customerId ? { customer_id: customerId } : {}),
          source: { name: source },
          line_items: lineItems(),
          // As Square's point of sale does: the catalog's SF Sales Tax comes from the items' tax_ids.
          pricing_options: { auto_apply_taxes: true },
        },
      });
      return order;
    };
    const pay = (order: { id: string; total_money: { amount: number } }, source: Record<string, unknown>) =>
      call<{ payment: { id: string } }>('POST', '/v2/payments', {
        idempotency_key: key(),
        amount_money: { amount: order.total_money.amount, currency: 'USD' },
        order_id: order.id,
        ...source,
      });

    // Card-on-file orders: several per customer for the first ones, so pages have something to page through.
    let refunded = false;
    for (const [i, customer] of customers.entries()) {
      const card = customer.cards[0];
      if (!card) continue;
      const orderCount = i < 3 ? 6 : i % 3 === 0 ? 2 : 1;
      for (let o = 0; o < orderCount; o++) {
        const order = await createOrder(customer.id, locationIds[(i + o) % 2]!);
        const { payment } = await pay(order, { source_id: card, customer_id: customer.id, location_id: locationIds[(i + o) % 2] });
        if (!refunded) {
          await call('POST', '/v2/refunds', {
            idempotency_key: key(),
            payment_id: payment.id,
            amount_money: { amount: 200, currency: 'USD' },
            reason: 'Drink remade: customer asked for a refund of the difference',
          });
          refunded = true;
        }
      }
    }

    // Square Online orders: no customer_id on the order, the customer only on the payment.
    for (const i of [4, 9, 14, 19]) {
      const customer = customers[i]!;
      const order = await createOrder(undefined, main.id, 'Square Online');
      const source = customer.cards[0]
        ? { source_id: customer.cards[0], customer_id: customer.id }
        : { source_id: 'cnon:card-nonce-ok', customer_id: customer.id };
      await pay(order, source);
    }

    // Walk-in sales: cash with change, a gift card redemption, and a payment made without an order.
    const cashOrder = await createOrder(customers[7]!.id, second.id!);
    await pay(cashOrder, {
      source_id: 'CASH',
      customer_id: customers[7]!.id,
      location_id: second.id,
      cash_details: { buyer_supplied_money: { amount: Math.ceil(cashOrder.total_money.amount / 500) * 500, currency: 'USD' } },
    });
    const giftOrder = await createOrder(customers[0]!.id, main.id);
    await pay(giftOrder, { source_id: giftCards[0], customer_id: customers[0]!.id });
    await call('POST', '/v2/payments', {
      idempotency_key: key(),
      source_id: 'cnon:card-nonce-ok',
      amount_money: { amount: 1250, currency: 'USD' },
      customer_id: customers[10]!.id,
      note: 'Catering deposit',
    });

    // A loyalty program (a star per dollar, a free drink at 10), and the first customers enrolled with their orders' stars.
    const program = putProgram(ctx, main.merchant_id, DEMO_LOYALTY_PROGRAM);
    for (const [i, customer] of customers.slice(0, 6).entries()) {
      const { loyalty_account: account } = await call<{ loyalty_account: { id: string } }>('POST', '/v2/loyalty/accounts', {
        idempotency_key: key(),
        loyalty_account: { program_id: program.id, mapping: { phone_number: `+1415555${String(1000 + i * 37).padStart(4, '0')}` } },
      });
      const { orders } = await call<{ orders?: Array<{ id: string; location_id: string; state: string }> }>('POST', '/v2/orders/search', {
        location_ids: locationIds,
        query: { filter: { customer_filter: { customer_ids: [customer.id] }, state_filter: { states: ['COMPLETED'] } } },
      });
      for (const order of orders ?? []) {
        await call('POST', `/v2/loyalty/accounts/${account.id}/accumulate`, {
          idempotency_key: key(),
          location_id: order.location_id,
          accumulate_points: { order_id: order.id },
        });
      }
    }
  }));
}

type Call = <T = unknown>(method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) => Promise<T>;

const slug = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/-$/, '');

/**
 * The café's catalog: categories, the SF sales tax, a staff discount, the milk modifier
 * list, an image per item, the menu's items with their variations, and opening stock of
 * the tracked items at the main location (the kiosk does not track stock). Returns what
 * the demo orders are made of.
 */
async function seedCatalog(call: Call, key: () => string, mainId: string, kioskId: string) {
  const price = (cents: number) => ({ amount: cents, currency: 'USD' });
  const category = { drink: '#coffee', bakery: '#bakery', kitchen: '#kitchen', retail: '#coffee' };
  const objects: unknown[] = [
    { type: 'CATEGORY', id: '#coffee', category_data: { name: 'Coffee & Tea' } },
    { type: 'CATEGORY', id: '#bakery', category_data: { name: 'Bakery' } },
    { type: 'CATEGORY', id: '#kitchen', category_data: { name: 'Kitchen' } },
    { type: 'TAX', id: '#sf-sales-tax', tax_data: { name: 'SF Sales Tax', percentage: '8.625', inclusion_type: 'ADDITIVE', applies_to_custom_amounts: true, enabled: true } },
    { type: 'DISCOUNT', id: '#staff', discount_data: { name: 'Staff discount', discount_type: 'FIXED_PERCENTAGE', percentage: '20' } },
    {
      type: 'MODIFIER_LIST',
      id: '#milk',
      modifier_list_data: {
        name: 'Milk',
        selection_type: 'SINGLE',
        modifiers: [
          ['Whole milk', 0],
          ['Oat milk', 75],
          ['Almond milk', 75],
        ].map(([name, cents], i) => ({ type: 'MODIFIER', id: `#milk-${i}`, modifier_data: { name, price_money: price(cents as number), ordinal: i } })),
      },
    },
  ];
  for (const [name, cents, kind] of MENU) {
    const id = slug(name);
    const tracked = kind === 'bakery' || kind === 'retail';
    const variation = (size: string, amount: number, ordinal: number) => ({
      type: 'ITEM_VARIATION',
      id: `#${id}-${size.toLowerCase()}`,
      item_variation_data: {
        name: size,
        ordinal,
        pricing_type: 'FIXED_PRICING',
        price_money: price(amount),
        sku: `${id.slice(0, 12).toUpperCase()}-${size[0]}`,
        ...(tracked
          ? {
              track_inventory: true,
              inventory_alert_type: 'LOW_QUANTITY',
              inventory_alert_threshold: 5,
              location_overrides: [{ location_id: kioskId, track_inventory: false }],
            }
          : {}),
      },
    });
    objects.push({ type: 'IMAGE', id: `#${id}-image`, image_data: { name, url: `https://images.example.com/cafe/${id}.jpg`, caption: name } });
    objects.push({
      type: 'ITEM',
      id: `#${id}`,
      item_data: {
        name,
        product_type: 'REGULAR',
        categories: [{ id: category[kind] }],
        tax_ids: ['#sf-sales-tax'],
        image_ids: [`#${id}-image`],
        ...(kind === 'drink' ? { modifier_list_info: [{ modifier_list_id: '#milk', enabled: true }] } : {}),
        variations: kind === 'drink' ? [variation('Regular', cents, 0), variation('Large', cents + 75, 1)] : [variation('Regular', cents, 0)],
      },
    });
  }
  const { id_mappings } = await call<{ id_mappings: Array<{ client_object_id: string; object_id: string }> }>(
    'POST',
    '/v2/catalog/batch-upsert',
    { idempotency_key: key(), batches: [{ objects }] },
  );
  const ids = new Map(id_mappings.map((m) => [m.client_object_id, m.object_id]));
  const tracked = MENU.filter(([, , kind]) => kind === 'bakery' || kind === 'retail');
  await call('POST', '/v2/inventory/changes/batch-create', {
    idempotency_key: key(),
    changes: tracked.map(([name]) => ({
      type: 'PHYSICAL_COUNT',
      physical_count: {
        catalog_object_id: ids.get(`#${slug(name)}-regular`),
        state: 'IN_STOCK',
        location_id: mainId,
        quantity: OPENING_STOCK,
        occurred_at: new Date().toISOString(),
      },
    })),
  });
  return {
    regular: new Map(MENU.map(([name]) => [name, ids.get(`#${slug(name)}-regular`)!])),
  };
}
