import fc from 'fast-check';
import { print } from 'graphql';
import { describe, expect, it } from 'vitest';
import { CSRF_HEADER } from '../../src/gateway/csrf.js';
import { DEMO_CUSTOMER_ID, DEMO_TOKEN } from '../../src/emulator/seed.js';
import { globalId } from '../../src/schema/ids.js';
import { graphql } from '../gql/index.js';
import { useGateway, type TestStack } from '../support/gateway.js';
import { CREATE_PAYMENT } from '../support/payments.js';

// Masked failures are logged with their message; hundreds of them would bury the test output.
const plain = useGateway({ logging: false });
// The demo merchant's data behind a cache filled by reads and emptied by Square's webhooks: ids that exist, objects read twice.
const cached = useGateway({ logging: false, emulator: { seed: true }, squareToken: DEMO_TOKEN, webhooks: true, cacheTtlMs: 600_000 });

/** What callers send as secrets; no error may ever contain one. */
const SECRETS = ['cnon:fuzz-secret-nonce-91c2', 'verf:fuzz-secret-token-5d7e', 'gk_fuzzsecretkey0123456789abcdef', 'EAAAfuzz-secret-access-token'];
const SEED = 20_251_201;
const RUNS = 500;

const secret = fc.constantFrom(...SECRETS);
const word = fc.constantFrom(
  'query', 'mutation', 'subscription', 'fragment', 'on', 'customers', 'customer', 'node', 'nodes', 'orders', 'order', 'payments',
  'payment', 'locations', 'giftCardByGan', 'id', 'squareId', 'edges', 'cards', 'amountMoney', 'amount', 'currency', 'formatted',
  '__typename', '__schema', 'createPayment', 'refundPayment', 'input', 'first', 'after', 'filter', 'ids', 'USD', 'true', 'null', '$v',
  '@include', '@skip', '...', 'if',
);
const punctuation = fc.constantFrom('{', '}', '(', ')', '[', ']', ':', '!', '=', '$', '|', '&', '...', ',', '#', '"');
const literal = fc.oneof(
  fc.integer().map(String),
  fc.double({ noNaN: true }).map(String),
  fc.string().map((s) => JSON.stringify(s)),
  secret.map((s) => JSON.stringify(s)),
  fc.constantFrom('"12.50"', '"9223372036854775808"', '99999999999999999999999', '-1', '0', '"""block"""'),
);

/** Values nested as lists and objects, sometimes far deeper than any schema allows. */
const value: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    literal,
    fc.array(tie('value'), { maxLength: 3 }).map((items) => `[${items.join(', ')}]`),
    fc.array(fc.tuple(word, tie('value')), { maxLength: 3 }).map((fields) => `{ ${fields.map(([k, v]) => `${k}: ${v}`).join(' ')} }`),
  ),
})).value;
const deep = fc.tuple(fc.integer({ min: 50, max: 3_000 }), fc.constantFrom('[', '{ a: ')).map(([n, open]) =>
  open === '[' ? '['.repeat(n) + ']'.repeat(n) : `${open.repeat(n)}1${' }'.repeat(n)}`,
);
const args = fc.array(fc.tuple(word, fc.oneof({ weight: 10, arbitrary: value }, { weight: 1, arbitrary: deep })), { maxLength: 3 });
const field = fc.tuple(word, args).map(([name, a]) => (a.length ? `${name}(${a.map(([k, v]) => `${k}: ${v}`).join(', ')})` : name));
const selection: fc.Arbitrary<string> = fc.letrec<{ selection: string }>((tie) => ({
  selection: fc
    .array(fc.oneof({ depthSize: 'small' }, field, fc.tuple(field, tie('selection')).map(([f, s]) => `${f} ${s}`)), { minLength: 1, maxLength: 4 })
    .map((fields) => `{ ${fields.join(' ')} }`),
})).selection;

/** Variables that are anything JSON can be. */
const json = fc.oneof({ weight: 4, arbitrary: fc.jsonValue({ maxDepth: 4 }) }, { weight: 1, arbitrary: secret });
const generated = fc.record({
  query: fc.oneof(
    selection,
    fc.tuple(fc.constantFrom('query', 'mutation', 'subscription', 'query($v: String)'), selection).map(([op, s]) => `${op} ${s}`),
    fc.array(fc.oneof(word, punctuation, literal), { maxLength: 60 }).map((tokens) => tokens.join(' ')),
  ),
  variables: fc.option(json, { nil: undefined }),
});

interface Sent {
  method: 'GET' | 'POST';
  body?: string;
  search?: string;
  headers: Record<string, string>;
}

const headers = fc.oneof(
  { weight: 4, arbitrary: fc.constant({}) },
  { weight: 1, arbitrary: secret.map((s) => ({ 'x-api-key': s })) },
  { weight: 1, arbitrary: secret.map((s) => ({ authorization: `Bearer ${s}` })) },
);

/** Requests as a client may send them; `real` are global ids of objects that exist, asked for as often as made-up ones. */
function requests(real: string[]): fc.Arbitrary<Sent> {
  const id = fc.oneof(
    ...(real.length > 0 ? [{ weight: 4, arbitrary: fc.constantFrom(...real) }] : []),
    fc.string(),
    secret,
    fc.constantFrom('Customer:', 'Order:x', 'Payment:', 'Nope:abc').map((s) => Buffer.from(s).toString('base64')),
    fc.constantFrom(globalId('Customer', 'CUST1'), globalId('Order', 'ORD1'), globalId('Location', 'L1')),
  );
  /** Operations the schema knows, with such variables. */
  const known = fc.oneof(
    fc.record({ query: fc.constant(print(CREATE_PAYMENT)), variables: fc.record({ input: fc.dictionary(fc.constantFrom('sourceId', 'verificationToken', 'amountMoney', 'idempotencyKey', 'customerId', 'note', 'tipMoney'), json) }) }),
    fc.record({ query: fc.constant(print(graphql(`query FuzzNodeAndCustomer($id: ID!) { node(id: $id) { id } customer(id: $id) { squareId } }`))), variables: fc.record({ id: fc.oneof(id, json) }) }),
    fc.record({ query: fc.constant(print(graphql(`query FuzzNodes($ids: [ID!]!) { nodes(ids: $ids) { id } }`))), variables: fc.record({ ids: fc.oneof(fc.array(id, { maxLength: 5 }), json) }) }),
    fc.record({ query: fc.constant(print(graphql(`query FuzzCustomers($n: Int, $c: String) { customers(first: $n, after: $c) { edges { cursor } } }`))), variables: fc.dictionary(fc.constantFrom('n', 'c'), json) }),
    fc.record({ query: fc.constant(print(graphql(`query FuzzLocationsIf($v: Boolean!) { locations @include(if: $v) { id } }`))), variables: fc.dictionary(fc.constant('v'), json) }),
    fc.record({
      query: fc.constant(
        print(graphql(`query FuzzCustomerGraph($id: ID!) { customer(id: $id) { id cards { id } giftCards { id } orders(first: 2) { edges { node { id payments { id } } } } } }`)),
      ),
      variables: fc.record({ id: fc.oneof(id, json) }),
    }),
  );
  return fc.oneof(
    { weight: 3, arbitrary: fc.tuple(fc.oneof(known, generated), headers).map(([params, h]) => ({ method: 'POST' as const, body: JSON.stringify(params), headers: h })) },
    // The same, cut short: JSON that ends mid-way, around a secret.
    fc.tuple(fc.oneof(known, generated), fc.nat(), headers).map(([params, cut, h]) => {
      const text = JSON.stringify(params);
      return { method: 'POST' as const, body: text.slice(0, cut % Math.max(text.length, 1)), headers: h };
    }),
    fc.tuple(fc.oneof(known, generated), fc.oneof(fc.string(), secret.map((s) => `{"v":"${s}"`), fc.constant('{bad')), headers).map(
      ([params, variables, h]) => ({
        method: 'GET' as const,
        search: `?query=${encodeURIComponent(params.query)}&variables=${encodeURIComponent(variables)}`,
        // A script's GET, as CSRF prevention asks (csrf.ts): the fuzzing is about what the gateway parses.
        headers: { [CSRF_HEADER]: '1', ...h },
      }),
    ),
  );
}

/** Global ids of the seller's objects, read through the graph: none for a seller without data. */
async function realIds(stack: TestStack): Promise<string[]> {
  const { data } = await stack.gql(
    graphql(`query FuzzRealIds($id: ID!) { customer(id: $id) { id cards { id } giftCards { id } orders(first: 3) { edges { node { id payments { id } } } } } locations { id } }`),
    { id: DEMO_CUSTOMER_ID },
  );
  const customer = data?.customer;
  if (!customer) return [];
  const orders = customer.orders!.edges.map((e) => e.node);
  return [customer.id, ...customer.cards!.map((c) => c.id), ...customer.giftCards!.map((g) => g.id),
    ...orders.map((o) => o.id), ...orders.flatMap((o) => o.payments!.map((p) => p.id)),
    ...data!.locations!.map((l) => l.id)];
}

describe.each([
  ['without a cache', plain],
  ['with the cache and webhooks on, over the demo merchant', cached],
])('fuzzed documents, variables and ids, %s', (_name, stack) => {
  it('never get a 5xx, an error without extensions.code or with INTERNAL_SERVER_ERROR, or a secret back', async () => {
    const statuses: Record<number, number> = {};
    let sentCount = 0;
    await fc.assert(
      fc.asyncProperty(requests(await realIds(stack)), async (sent) => {
        const response = await fetch(`${stack.url}${sent.search ?? ''}`, {
          method: sent.method,
          headers: { accept: 'application/graphql-response+json, application/json', ...(sent.body ? { 'content-type': 'application/json' } : {}), ...sent.headers },
          body: sent.body,
        });
        const text = await response.text();
        sentCount += 1;
        statuses[response.status] = (statuses[response.status] ?? 0) + 1;
        expect(response.status, text).toBeLessThan(500);
        // Node itself refuses a URL past its header limit (431), before the gateway sees it.
        if (!response.headers.get('content-type')?.includes('json')) return;
        const { errors = [] } = JSON.parse(text) as { errors?: Array<{ extensions?: { code?: unknown } }> };
        for (const error of errors) {
          expect(typeof error.extensions?.code, JSON.stringify(error)).toBe('string');
          // An unexpected error is a fault of the gateway's, masked: none may come of any input.
          expect(error.extensions?.code, JSON.stringify(error)).not.toBe('INTERNAL_SERVER_ERROR');
        }
        const errorText = JSON.stringify(errors);
        for (const s of SECRETS) expect(errorText, `${s} echoed`).not.toContain(s);
      }),
      { seed: SEED, numRuns: RUNS },
    );
    console.log(`fuzz: ${sentCount} requests (seed ${SEED}), statuses ${JSON.stringify(statuses)}`);
    expect(sentCount).toBe(RUNS);
  });
});
