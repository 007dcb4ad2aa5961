import { beforeAll, describe, expect, it } from 'vitest';
import {
  CustomerOrdersPageDocument,
  CustomerPaymentsPageDocument,
  CustomersPageDocument,
  GiftCardActivitiesPageDocument,
  OrdersPageDocument,
  PaymentsPageDocument,
} from '../gql/graphql.js';
import { key } from '../support/fixtures.js';
import { useGateway } from '../support/gateway.js';
import { orderPaidByCard } from '../support/merchant.js';
import { newCard, newCustomer, newGiftCard } from '../support/payments.js';

const stack = useGateway();

interface Page {
  edges: Array<{ cursor: string; node: { squareId: string } }>;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor?: string | null; endCursor?: string | null };
}

const ids = (page: Page) => page.edges.map((e) => e.node.squareId);

/** Reads one page of a connection through the gateway; fails the test on any GraphQL error. */
type ReadPage = (after: string | null | undefined) => Promise<Page>;

function reader<T>(run: (after: string | null | undefined) => Promise<{ data?: T | null; errors?: unknown[] }>, pick: (data: T) => Page | null | undefined): ReadPage {
  return async (after) => {
    const result = await run(after);
    expect(result.errors).toBeUndefined();
    return pick(result.data!)!;
  };
}

/** Follows endCursor from `after` to the end; checks the empty page after the last one. */
async function readRest(read: ReadPage, after: string): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | null | undefined = after;
  for (;;) {
    const page = await read(cursor);
    seen.push(...ids(page));
    if (!page.pageInfo.hasNextPage) {
      cursor = page.pageInfo.endCursor ?? cursor;
      break;
    }
    cursor = page.pageInfo.endCursor;
  }
  const beyond = await read(cursor);
  expect(beyond.edges).toEqual([]);
  expect(beyond.pageInfo).toMatchObject({ hasNextPage: false, startCursor: null, endCursor: null });
  return seen;
}

/**
 * Reads a first page, changes the list (`change`), and reads on from its endCursor to
 * the end: the pages must continue exactly after the first page's last item in the
 * list as it now stands (`now`), with no item twice and none left out.
 */
async function expectStablePages(read: ReadPage, change: () => Promise<void>, now: () => Promise<string[]>) {
  const first = await read(undefined);
  expect(first.edges).toHaveLength(2);
  expect(first.pageInfo.hasNextPage).toBe(true);
  await change();
  const rest = await readRest(read, first.pageInfo.endCursor!);
  const list = await now();
  const lastSeen = ids(first)[1]!;
  const expected = list.slice(list.indexOf(lastSeen) + 1);
  expect(expected.length).toBeGreaterThan(1);
  expect(rest).toEqual(expected);
  expect(new Set([...ids(first), ...rest]).size).toBe(first.edges.length + rest.length);
}

let locationId: string;
let customerId: string;
let cardId: string;

beforeAll(async () => {
  const square = stack.square();
  locationId = (await square.locations.list()).locations![0]!.id!;
  customerId = await newCustomer(square, 'Pager');
  cardId = await newCard(square, customerId);
  for (let i = 0; i < 5; i++) await orderPaidByCard(square, locationId, { customerId, cardId, cents: 500 + i });
});

const newestFirst = (items: Array<{ id?: string; createdAt?: string }>) =>
  [...items].sort((a, b) => (b.createdAt === a.createdAt ? b.id!.localeCompare(a.id!) : b.createdAt!.localeCompare(a.createdAt!))).map((x) => x.id!);

describe('pages that neither repeat nor skip', () => {
  it('orders: an order created between two pages does not make the next page repeat the last item', async () => {
    const read = reader(
      (after) => stack.gql(OrdersPageDocument, { first: 2, after }),
      (d) => d.orders,
    );
    const square = stack.square();
    await expectStablePages(
      read,
      async () => void (await orderPaidByCard(square, locationId, { customerId, cardId, cents: 777 })),
      async () => {
        const found = await square.orders.search({ locationIds: [locationId], query: { sort: { sortField: 'CREATED_AT', sortOrder: 'DESC' } } });
        return found.orders!.map((o) => o.id!);
      },
    );
  });

  it('orders of a customer (filter.customerIds) and Customer.orders: an order created between pages', async () => {
    const square = stack.square();
    const now = async () => {
      const found = await square.orders.search({ locationIds: [locationId], query: { filter: { customerFilter: { customerIds: [customerId] } } } });
      return newestFirst(found.orders!);
    };
    const addOrder = async () => void (await orderPaidByCard(square, locationId, { customerId, cardId, cents: 888 }));
    await expectStablePages(
      reader(
        (after) => stack.gql(OrdersPageDocument, { first: 2, after, filter: { customerIds: [customerId] } }),
        (d) => d.orders,
      ),
      addOrder,
      now,
    );
    await expectStablePages(
      reader(
        (after) => stack.gql(CustomerOrdersPageDocument, { id: customerId, first: 2, after }),
        (d) => d.customer?.orders,
      ),
      addOrder,
      now,
    );
  });

  it('Customer.payments and payments(filter: {customerIds}): a payment made between pages', async () => {
    const square = stack.square();
    const pay = async () => void (await orderPaidByCard(square, locationId, { customerId, cardId, cents: 999 }));
    const now = async () => newestFirst((await square.payments.list({ limit: 100 })).data.filter((p) => p.customerId === customerId));
    await expectStablePages(
      reader(
        (after) => stack.gql(CustomerPaymentsPageDocument, { id: customerId, first: 2, after }),
        (d) => d.customer?.payments,
      ),
      pay,
      now,
    );
    await expectStablePages(
      reader(
        (after) => stack.gql(PaymentsPageDocument, { first: 2, after, filter: { customerIds: [customerId] } }),
        (d) => d.payments,
      ),
      pay,
      now,
    );
  });

  it('payments: a payment made between pages', async () => {
    const square = stack.square();
    await expectStablePages(
      reader(
        (after) => stack.gql(PaymentsPageDocument, { first: 2, after }),
        (d) => d.payments,
      ),
      async () => void (await orderPaidByCard(square, locationId, { customerId, cardId, cents: 1111 })),
      async () => (await square.payments.list({ limit: 100, sortOrder: 'DESC' })).data.map((p) => p.id!),
    );
  });

  it('GiftCard.activities: an activity between pages', async () => {
    const square = stack.square();
    const giftCardId = await newGiftCard(square, 5000);
    const load = async (cents: number) =>
      void (await square.giftCards.activities.create({
        idempotencyKey: key(),
        giftCardActivity: {
          type: 'LOAD',
          locationId,
          giftCardId,
          loadActivityDetails: { amountMoney: { amount: BigInt(cents), currency: 'USD' }, buyerPaymentInstrumentIds: ['cash'] },
        },
      }));
    for (const cents of [100, 200, 300]) await load(cents);
    await expectStablePages(
      reader(
        (after) => stack.gql(GiftCardActivitiesPageDocument, { id: giftCardId, first: 2, after }),
        (d) => d.giftCard?.activities,
      ),
      () => load(400),
      async () => (await square.giftCards.activities.list({ giftCardId, sortOrder: 'DESC' })).data.map((a) => a.id!),
    );
  });

  it('customers: oldest first; customers deleted before the cursor, the cursor’s own among them, skip nothing', async () => {
    const square = stack.square();
    const tag = `pages-${key()}`;
    for (let i = 0; i < 6; i++) await square.customers.create({ idempotencyKey: key(), givenName: `Z${5 - i}`, emailAddress: `${i}@${tag}.example` });
    const read = reader(
      (after) => stack.gql(CustomersPageDocument, { first: 2, after, filter: { emailAddress: { fuzzy: tag } } }),
      (d) => d.customers,
    );
    const before = await read(undefined);
    const all = [...ids(before), ...(await readRest(read, before.pageInfo.endCursor!))];
    expect(all).toHaveLength(6);
    for (const id of ids(before)) await square.customers.delete({ customerId: id });
    const next = await read(before.pageInfo.endCursor);
    expect(ids(next)).toEqual(all.slice(2, 4));

    // Without a filter: the whole list, a customer created between pages at its end.
    await expectStablePages(
      reader(
        (after) => stack.gql(CustomersPageDocument, { first: 2, after }),
        (d) => d.customers,
      ),
      async () => void (await newCustomer(square, 'Latecomer')),
      async () => (await square.customers.list({ limit: 100, sortField: 'CREATED_AT', sortOrder: 'ASC' })).data.map((c) => c.id!),
    );
  });
});

describe('cursors', () => {
  it('an empty page has null cursors', async () => {
    const noOrders = await newCustomer(stack.square(), 'Nobody');
    const result = await stack.gql(CustomerOrdersPageDocument, { id: noOrders, first: 5 });
    expect(result.data!.customer!.orders).toEqual({
      edges: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
    });
    const none = await stack.gql(CustomersPageDocument, { first: 5, filter: { emailAddress: { exact: 'nobody@nowhere.example' } } });
    expect(none.data!.customers!.pageInfo).toMatchObject({ startCursor: null, endCursor: null, hasNextPage: false });
  });

  it('are opaque and refused as BAD_USER_INPUT naming after when malformed, from another connection or forged', async () => {
    const customersCursor = (await stack.gql(CustomersPageDocument, { first: 1 })).data!.customers!.pageInfo.endCursor!;
    const ordersCursor = (await stack.gql(OrdersPageDocument, { first: 1 })).data!.orders!.pageInfo.endCursor!;
    expect(customersCursor).toMatch(/^[A-Za-z0-9_-]+$/);
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(ordersCursor, 'base64url').toString()), c: 'not-squares' })).toString('base64url');
    const offset = Buffer.from('{"o":1}').toString('base64url');
    const attempts = [
      () => stack.gql(OrdersPageDocument, { first: 1, after: 'garbage!' }),
      () => stack.gql(OrdersPageDocument, { first: 1, after: offset }),
      () => stack.gql(OrdersPageDocument, { first: 1, after: customersCursor }),
      () => stack.gql(OrdersPageDocument, { first: 1, after: forged }),
      () => stack.gql(OrdersPageDocument, { first: 1, after: ordersCursor, filter: { states: ['OPEN'] } }),
      () => stack.gql(CustomerOrdersPageDocument, { id: customerId, first: 1, after: Buffer.from('OffsetConnection:1').toString('base64') }),
      () => stack.gql(CustomerOrdersPageDocument, { id: customerId, last: 1, before: ordersCursor }),
    ];
    for (const attempt of attempts) {
      const result = await attempt();
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: expect.stringMatching(/^(after|before)$/) });
    }
  });

  it('page backwards through a list the gateway holds, with last and before', async () => {
    const all = await stack.gql(CustomerOrdersPageDocument, { id: customerId, first: 100 });
    const edges = all.data!.customer!.orders!.edges;
    const back = await stack.gql(CustomerOrdersPageDocument, { id: customerId, last: 2, before: edges[4]!.cursor });
    expect(ids(back.data!.customer!.orders!)).toEqual(edges.slice(2, 4).map((e) => e.node.squareId));
    expect(back.data!.customer!.orders!.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
  });
});
