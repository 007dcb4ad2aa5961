import { useDeferStream } from '@graphql-yoga/plugin-defer-stream';
import { print } from 'graphql';
import { createSchema, createYoga } from 'graphql-yoga';
import { beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyRing, generateKey } from '../../src/gateway/api-keys.js';
import { errorCodes } from '../../src/gateway/error-codes.js';
import { createLogger } from '../../src/gateway/logger.js';
import { graphql } from '../gql/index.js';
import { addFault, clearFaults } from '../support/faults.js';
import { createTestGateway, useGateway } from '../support/gateway.js';
import { arrangeMerchant, type ArrangedMerchant } from '../support/merchant.js';

const stack = useGateway();
let merchant: ArrangedMerchant;
beforeAll(async () => {
  merchant = await arrangeMerchant(stack.square(), { customers: 3, ordersPerCustomer: 0 });
});

const DEFERRED_CARDS = print(
  graphql(`query IncrementalDeferredCards {
  customers(first: 3) { edges { node { givenName ... @defer(label: "cards") { cards { squareId } } } } }
}`),
);

type Part = { data?: any; errors?: any[]; incremental?: Array<{ data?: any; items?: any[]; errors?: any[]; path: Array<string | number> }>; hasNext?: boolean };

const post = (query: string, accept: string) =>
  fetch(stack.url, { method: 'POST', headers: { 'content-type': 'application/json', accept }, body: JSON.stringify({ query }) });

/** The parts of a multipart/mixed response, each as soon as its boundary has arrived. */
async function* multipartParts(response: Response): AsyncGenerator<Part> {
  expect(response.headers.get('content-type')).toMatch(/^multipart\/mixed/);
  const decoder = new TextDecoder();
  let buffer = '';
  const reader = response.body!.getReader();
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    buffer += decoder.decode(chunk.value, { stream: true });
    const pieces = buffer.split('\r\n---');
    buffer = pieces.pop()!;
    for (const piece of pieces) {
      const body = piece.indexOf('\r\n\r\n');
      if (body !== -1) yield JSON.parse(piece.slice(body + 4)) as Part;
    }
  }
}

/** Every cards list the incremental parts delivered, by the customer's index. */
function deferredCards(parts: Part[]): Record<number, string[]> {
  const cards: Record<number, string[]> = {};
  for (const entry of parts.flatMap((p) => p.incremental ?? [])) {
    if (entry.data?.cards) cards[entry.path[2] as number] = entry.data.cards.map((c: { squareId: string }) => c.squareId);
  }
  return cards;
}

describe('@defer', () => {
  it('delivers the customers at once over multipart/mixed, and their cards once Square has answered', async () => {
    await addFault(stack, { method: 'GET', path: '/v2/cards', latency_ms: 1_500, count: 3 });
    await stack.clearCalls();
    try {
      const parts = multipartParts(await post(DEFERRED_CARDS, 'multipart/mixed'));
      const first = (await parts.next()).value as Part;
      // No ListCards has been answered yet: the customers did not wait for them.
      const callsAtFirst = await stack.calls();
      expect(callsAtFirst).toContain('GET /v2/customers');
      expect(callsAtFirst).not.toContain('GET /v2/cards');
      expect(first.hasNext).toBe(true);
      expect(first.data.customers.edges.map((e: any) => e.node)).toEqual([{ givenName: 'Given0' }, { givenName: 'Given1' }, { givenName: 'Given2' }]);
      const rest: Part[] = [];
      for await (const part of parts) rest.push(part);
      expect(rest.at(-1)?.hasNext).toBe(false);
      expect(deferredCards(rest)).toEqual(Object.fromEntries(merchant.customers.map((c, i) => [i, c.cardIds])));
      expect(rest.flatMap((p) => p.incremental ?? []).every((entry) => !entry.errors)).toBe(true);
    } finally {
      await clearFaults(stack);
    }
  });

  it('delivers the same parts over server-sent events', async () => {
    const response = await post(DEFERRED_CARDS, 'text/event-stream');
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = (await response.text()).split('\n\n').filter((e) => e.startsWith('event: next'));
    const parts = events.map((e) => JSON.parse(e.slice(e.indexOf('data: ') + 6)) as Part);
    expect(parts[0]!.hasNext).toBe(true);
    expect(parts[0]!.data.customers.edges[0].node).toEqual({ givenName: 'Given0' });
    expect(parts.at(-1)!.hasNext).toBe(false);
    expect(deferredCards(parts.slice(1))).toEqual(Object.fromEntries(merchant.customers.map((c, i) => [i, c.cardIds])));
  });

  it('checks scopes on the deferred fields: a missing scope fails them in their own part', async () => {
    const reader = generateKey('reader', ['CUSTOMERS_READ']);
    const gateway = createTestGateway(stack.emulatorUrl, { apiKeys: ApiKeyRing.parse(JSON.stringify({ keys: [reader.entry] }), 'keys') });
    try {
      const response = await fetch(await gateway.listen(), {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'multipart/mixed', 'x-api-key': reader.key },
        body: JSON.stringify({ query: DEFERRED_CARDS }),
      });
      const parts: Part[] = [];
      for await (const part of multipartParts(response)) parts.push(part);
      expect(parts[0]!.data.customers.edges).toHaveLength(3);
      const errors = parts.flatMap((p) => p.incremental ?? []).flatMap((entry) => entry.errors ?? []);
      expect(errors.map((e) => e.extensions)).toEqual(Array(3).fill(expect.objectContaining({ code: 'FORBIDDEN', scopes: ['PAYMENTS_READ'] })));
    } finally {
      await gateway.close();
    }
  });

  it('counts deferred fields in the query cost: a deferred fragment too costly refuses the whole operation before any Square call', async () => {
    await stack.clearCalls();
    const query = graphql(`query IncrementalTooCostly { customers(first: 100) { edges { node { givenName ... @defer {
      orders(first: 100) { edges { node { payments { refunds { id } } } } } } } } } }`);
    const response = await post(print(query), 'multipart/mixed');
    const parts: Part[] = [];
    for await (const part of multipartParts(response)) parts.push(part);
    expect(parts).toHaveLength(1);
    expect(parts[0]!.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', measure: 'complexity' });
    expect(await stack.calls()).toEqual([]);
  });

  it('words bad variables of a deferred query as any other (BAD_USER_INPUT naming the path), before any Square call', async () => {
    await stack.clearCalls();
    const response = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'multipart/mixed' },
      body: JSON.stringify({
        query: print(graphql(`query IncrementalBadVariable($n: Int!) { customers(first: $n) { edges { node { ... @defer { givenName } } } } }`)),
        variables: { n: 'many' },
      }),
    });
    const parts: Part[] = [];
    for await (const part of multipartParts(response)) parts.push(part);
    expect(parts).toHaveLength(1);
    expect(parts[0]!.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'n' });
    expect(await stack.calls()).toEqual([]);
  });

  it('gives errors in deferred parts a code too (a non-null field that resolved null, masked)', async () => {
    const yoga = createYoga({
      schema: createSchema({ typeDefs: 'type Query { ok: String, broken: String! }', resolvers: { Query: { ok: () => 'ok', broken: () => null } } }),
      plugins: [errorCodes(createLogger({ level: 'silent', format: 'json' })), useDeferStream()],
      logging: false,
    });
    const response = await yoga.fetch('http://yoga/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'multipart/mixed' },
      body: JSON.stringify({ query: '{ ok ... @defer { broken } }' }),
    });
    const parts: Part[] = [];
    for await (const part of multipartParts(response)) parts.push(part);
    expect(parts[0]!.data).toEqual({ ok: 'ok' });
    const errors = parts.flatMap((p) => p.incremental ?? []).flatMap((entry) => entry.errors ?? []);
    expect(errors).toEqual([expect.objectContaining({ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } })]);
  });
});

describe('a client that accepts only JSON', () => {
  it('gets the deferred and streamed parts put together into one result, as if it had sent no directive', async () => {
    const plain = print(graphql(`query IncrementalAsPlain { customers(first: 3) { edges { node { givenName cards { squareId } giftCards { squareId } } } } }`));
    const incremental = print(
      graphql(`query IncrementalAsJson { customers(first: 3) { edges @stream(initialCount: 1) { node { givenName cards { squareId }
      ... @defer { cards { last4 } } ... @defer { giftCards { squareId } } } } } }`),
    );
    const expected = (await (await post(plain, 'application/json')).json()) as Part;
    for (const accept of ['application/json', 'application/graphql-response+json']) {
      const response = await post(incremental, accept);
      expect(response.status).toBe(200);
      const whole = (await response.json()) as Part;
      expect(whole.errors).toBeUndefined();
      expect(whole.hasNext).toBeUndefined();
      const withLast4 = expected.data.customers.edges.map((e: any, i: number) => ({
        node: { ...e.node, cards: e.node.cards.map((c: any) => ({ ...c, last4: whole.data.customers.edges[i].node.cards[0].last4 })) },
      }));
      expect(whole.data.customers.edges).toEqual(withLast4);
      expect(whole.data.customers.edges.every((e: any) => /^\d{4}$/.test(e.node.cards[0].last4))).toBe(true);
    }
  });
});

describe('@stream', () => {
  it('sends the first items of a list at once and the others as they come', async () => {
    const query = graphql(`query IncrementalStreamed { customers(first: 3) { edges @stream(initialCount: 1) { node { givenName } } } }`);
    const response = await post(print(query), 'multipart/mixed');
    const parts: Part[] = [];
    for await (const part of multipartParts(response)) parts.push(part);
    expect(parts[0]!.data.customers.edges).toEqual([{ node: { givenName: 'Given0' } }]);
    expect(parts[0]!.hasNext).toBe(true);
    const streamed = parts.flatMap((p) => p.incremental ?? []);
    expect(streamed.map((entry) => entry.path)).toEqual([
      ['customers', 'edges', 1],
      ['customers', 'edges', 2],
    ]);
    expect(streamed.flatMap((entry) => entry.items)).toEqual([{ node: { givenName: 'Given1' } }, { node: { givenName: 'Given2' } }]);
    expect(parts.at(-1)!.hasNext).toBe(false);
  });
});
