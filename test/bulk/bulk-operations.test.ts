import { describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.js';
import { download, ended, seedSeller, sorted, type Line } from '../support/bulk.js';
import { countCalls, useGateway } from '../support/gateway.js';
import { newToken } from '../support/fixtures.js';

const RunBulkQuery = graphql(`
  mutation RunBulkQuery($query: String!) {
    bulkOperationRunQuery(query: $query) {
      __typename
      ... on BulkOperationRunQuerySuccess {
        bulkOperation {
          id
          status
        }
      }
      ... on ValidationError {
        message
        code
        field
      }
    }
  }
`);

const BulkOperationStatus = graphql(`
  query BulkOperationStatus($id: ID!) {
    bulkOperation(id: $id) {
      id
      status
      query
      errorCode
      errorMessage
      objectCount
      rootObjectCount
      fileSize
      url
      partialDataUrl
      createdAt
      completedAt
    }
  }
`);

const CurrentBulkOperation = graphql(`
  query CurrentBulkOperation {
    currentBulkOperation {
      id
      status
    }
  }
`);

/** Customers with their cards, gift cards, and orders with their payments: the export the issue asks for. */
const CUSTOMER_FIELDS = 'id givenName cards { last4 } giftCards { gan } ';
const ORDER_FIELDS = 'id totalMoney { amount } payments { id status }';
const EXPORT = `{ customers { edges { node { ${CUSTOMER_FIELDS} orders { edges { node { ${ORDER_FIELDS} } } } } } } }`;
/** The same data read interactively, a page at a time, as the query limits let a client read it. */
const INTERACTIVE = `query Page($after: String) {
  customers(first: 20, after: $after) {
    edges { node { ${CUSTOMER_FIELDS} orders(first: 10) { edges { node { ${ORDER_FIELDS} } } pageInfo { hasNextPage } } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

// Passthrough: each test is a seller of its own (its own token), and its token is kept sealed while its export runs.
const stack = useGateway({ authMode: 'passthrough', bulk: true });

async function run(token: string, query: string) {
  const { data, errors } = await stack.gql(RunBulkQuery, { query }, { token });
  expect(errors).toBeUndefined();
  return data!.bulkOperationRunQuery!;
}

async function runToEnd(token: string, query: string) {
  const started = await run(token, query);
  if (started.__typename !== 'BulkOperationRunQuerySuccess') throw new Error(`refused: ${JSON.stringify(started)}`);
  return ended(async () => (await stack.gql(BulkOperationStatus, { id: started.bulkOperation.id }, { token })).data?.bulkOperation);
}

/** The lines an interactive walk of INTERACTIVE gives, made as the bulk file makes them. */
async function interactiveLines(token: string): Promise<Line[]> {
  const lines: Line[] = [];
  for (let after: string | null = null; ; ) {
    const { data, errors }: { data?: any; errors?: unknown } = await stack.gql(INTERACTIVE, { after }, { token });
    expect(errors).toBeUndefined();
    for (const { node } of data.customers.edges) {
      const { orders, ...customer } = node;
      expect(orders.pageInfo.hasNextPage).toBe(false);
      lines.push(customer, ...orders.edges.map((edge: { node: Line }) => ({ ...edge.node, __parentId: customer.id })));
    }
    if (!data.customers.pageInfo.hasNextPage) return lines;
    after = data.customers.pageInfo.endCursor;
  }
}

describe('bulkOperationRunQuery', () => {
  it('writes every customer with cards and gift cards, and every order with its payments, as the interactive graph reads them, within its Square calls', async () => {
    const token = newToken();
    await seedSeller(stack.emulatorUrl, token, { customers: 130, gift_cards_every: 2, orders_per_customer: 2 });
    // Both read the seller's locations once and keep them: counted apart from the pages' calls.
    await stack.gql('{ locations { id } }', {}, { token });
    await stack.clearCalls();
    const operation = await runToEnd(token, EXPORT);
    const exportCalls = countCalls(await stack.calls());
    expect(operation).toMatchObject({ status: 'COMPLETED', query: EXPORT, objectCount: '390', rootObjectCount: '130', errorCode: null, partialDataUrl: null });
    expect(Date.parse(operation.completedAt!)).toBeGreaterThanOrEqual(Date.parse(operation.createdAt));

    const file = await download(operation.url!);
    expect(file.response.headers.get('content-type')).toMatch(/^application\/jsonl/);
    expect(String(file.bytes)).toBe(operation.fileSize);
    expect(file.response.headers.get('content-length')).toBe(operation.fileSize);
    // Each customer's line comes before its orders', which name it as their parent, as the last key.
    const customers = file.lines.filter((line) => line.__parentId === undefined);
    expect(customers).toHaveLength(130);
    const seen = new Set<string>();
    for (const line of file.lines) {
      if (line.__parentId === undefined) seen.add(line.id!);
      else {
        expect(seen.has(line.__parentId)).toBe(true);
        expect(Object.keys(line).at(-1)).toBe('__parentId');
      }
    }

    await stack.clearCalls();
    const expected = await interactiveLines(token);
    const interactiveCalls = countCalls(await stack.calls());
    expect(sorted(file.lines)).toEqual(sorted(expected));
    // ListCustomers 100 a page rather than 20; the rest call for call (ListCards, ListGiftCards per customer, SearchOrders per 10).
    expect(exportCalls).toEqual({ ...interactiveCalls, ListCustomers: 2 });
    expect(interactiveCalls.ListCustomers).toBe(7);
  }, 120_000);

  it('reads every page of a nested connection, through its holder, and a root object with its connections', async () => {
    const token = newToken();
    await seedSeller(stack.emulatorUrl, token, { customers: 2, gift_cards_every: 0, orders_per_customer: 120 });
    const operation = await runToEnd(token, '{ customers { edges { node { id orders { edges { node { id } } } } } } }');
    expect(operation).toMatchObject({ status: 'COMPLETED', objectCount: '242', rootObjectCount: '2' });
    const { lines } = await download(operation.url!);
    const [first, second] = lines.filter((line) => line.__parentId === undefined);
    for (const customer of [first!, second!]) {
      const orders = lines.filter((line) => line.__parentId === customer.id);
      expect(orders).toHaveLength(120);
      expect(new Set(orders.map((order) => order.id)).size).toBe(120);
    }

    const root = await runToEnd(token, `{ customer(id: "${first!.id}") { givenName orders { edges { node { id } } } } }`);
    expect(root).toMatchObject({ status: 'COMPLETED', objectCount: '121', rootObjectCount: '1' });
    const { lines: rootLines } = await download(root.url!);
    expect(rootLines[0]).toEqual({ givenName: 'Given0', id: first!.id });
    expect(sorted(rootLines.slice(1))).toEqual(sorted(lines.filter((line) => line.__parentId === first!.id)));
  }, 120_000);

  it('refuses, before it starts, what is not a read of a connection', async () => {
    const token = newToken();
    const refusals = [
      ['{ customers { edges { node { id } }', 'GRAPHQL_PARSE_FAILED'],
      ['{ customers { edges { node { noSuchField } } } }', 'GRAPHQL_VALIDATION_FAILED'],
      ['mutation { deleteCustomer(input: { id: "X" }) { __typename } }', 'NOT_A_QUERY'],
      ['subscription { paymentUpdated { id } }', 'NOT_A_QUERY'],
      ['{ locations { id name } }', 'NOTHING_PAGINATED'],
      ['{ merchant { businessName } }', 'NOTHING_PAGINATED'],
      ['query Q($n: Int) { customers(first: $n) { edges { node { id } } } }', 'UNSUPPORTED_SELECTION'],
      ['{ customers { pageInfo { hasNextPage } } }', 'UNSUPPORTED_SELECTION'],
      ['{ customers { edges { node { id } } } locations { id } }', 'UNSUPPORTED_SELECTION'],
      ['{ customers { edges { node { id: givenName orders { edges { node { id } } } } } } }', 'UNSUPPORTED_SELECTION'],
      ['{ customers { edges { node { id ... @defer { cards { last4 } } } } } }', 'GRAPHQL_VALIDATION_FAILED'],
      ['{ __schema { types { name } } }', 'NOT_A_QUERY'],
    ] as const;
    for (const [query, code] of refusals) {
      expect(await run(token, query), query).toMatchObject({ __typename: 'ValidationError', code, field: 'query' });
    }
    // Nothing was started.
    expect((await stack.gql(CurrentBulkOperation, {}, { token })).data?.currentBulkOperation).toBeNull();
  });

  it('names its lines’ parents through fragments and inline objects, and selects the holder’s id itself', async () => {
    const token = newToken();
    await seedSeller(stack.emulatorUrl, token, { customers: 3, gift_cards_every: 1, orders_per_customer: 1 });
    const operation = await runToEnd(
      token,
      `query Export { customers { edges { node { ...Name giftCards { gan activities { edges { node { type } } } } } } } }
       fragment Name on Customer { givenName }`,
    );
    expect(operation).toMatchObject({ status: 'COMPLETED', rootObjectCount: '3' });
    const { lines } = await download(operation.url!);
    const customers = lines.filter((line) => line.givenName !== undefined);
    expect(customers).toHaveLength(3);
    for (const customer of customers) {
      // The gift card stays in its customer's line, with its id (its activities name it) and without its activities.
      const [card] = customer.giftCards as Array<{ id: string; gan: string; activities?: unknown }>;
      expect(Object.keys(card!).sort()).toEqual(['gan', 'id']);
      expect(lines.filter((line) => line.__parentId === card!.id)).toEqual([{ type: 'ACTIVATE', __parentId: card!.id }]);
    }
  });

  it('tells each caller its own most recent operation', async () => {
    const [token, other] = [newToken(), newToken()];
    const started = await run(token, '{ customers { edges { node { id } } } }');
    expect(started.__typename).toBe('BulkOperationRunQuerySuccess');
    const { id } = (started as { bulkOperation: { id: string } }).bulkOperation;
    expect((await stack.gql(CurrentBulkOperation, {}, { token })).data?.currentBulkOperation?.id).toBe(id);
    // Another seller knows nothing of it.
    expect((await stack.gql(CurrentBulkOperation, {}, { token: other })).data?.currentBulkOperation).toBeNull();
    expect((await stack.gql(BulkOperationStatus, { id }, { token: other })).data?.bulkOperation).toBeNull();
    await ended(async () => (await stack.gql(BulkOperationStatus, { id }, { token })).data?.bulkOperation);
  });

  it('serves a file only at the URL it signed, without a token or key', async () => {
    const token = newToken();
    await seedSeller(stack.emulatorUrl, token, { customers: 2, orders_per_customer: 0 });
    const operation = await runToEnd(token, '{ customers { edges { node { id } } } }');
    const url = new URL(operation.url!);
    expect(url.origin).toBe(new URL(stack.url).origin);
    expect((await fetch(url, { method: 'HEAD' })).headers.get('content-length')).toBe(operation.fileSize);
    const tampered = new URL(url);
    tampered.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 1));
    const partial = new URL(url.href.replace('.jsonl', '/partial.jsonl'));
    const unsigned = new URL(url.pathname, url.origin);
    for (const wrong of [tampered, partial, unsigned]) {
      const response = await fetch(wrong);
      expect(response.status, wrong.href).toBe(404);
      expect(await response.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    }
    expect((await fetch(url, { method: 'DELETE' })).status).toBe(405);
  });
});
