import { beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_QUERY } from '../../src/gateway/example-query.js';
import { createTestGateway, useGateway } from '../support/gateway.js';
import { arrangeMerchant, type ArrangedCustomer } from '../support/merchant.js';

const stack = useGateway();
let customer: ArrangedCustomer;

beforeAll(async () => {
  const merchant = await arrangeMerchant(stack.square(), { customers: 1, ordersPerCustomer: 2 });
  customer = merchant.customers[0]!;
});

/** The page a browser gets at the GraphQL endpoint. */
async function graphiqlPage(url: string) {
  const response = await fetch(url, { headers: { accept: 'text/html' } });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  return response.text();
}

/** What the page hands GraphiQL: the JSON in the script that renders it. */
function graphiqlOptions(html: string) {
  const json = /renderYogaGraphiQL\(document\.getElementById\('root'\), (.*)\);/.exec(html)?.[1];
  expect(json).toBeDefined();
  return JSON.parse(json!) as Record<string, unknown>;
}

describe('GraphiQL served by the gateway', () => {
  it('loads every file from the gateway itself: nothing from a CDN or any other origin', async () => {
    const html = await graphiqlPage(stack.url);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/\bdata:/);
    const [, base] = /href="(\/graphiql\/\w+\/)graphiql\.css"/.exec(html) ?? [];
    expect(base).toBeDefined();
    const files = {
      'graphiql.js': /^text\/javascript/,
      'graphiql.css': /^text\/css/,
      'editor.worker.js': /^text\/javascript/,
      'json.worker.js': /^text\/javascript/,
      'graphql.worker.js': /^text\/javascript/,
      'favicon.ico': /^image\/x-icon$/,
    };
    for (const [file, type] of Object.entries(files)) {
      expect(html).toContain(`${base}${file}`);
      const response = await fetch(new URL(base + file, stack.url));
      expect(response.status, file).toBe(200);
      expect(response.headers.get('content-type'), file).toMatch(type);
      // The path changes with the content, so browsers keep the files.
      expect(response.headers.get('cache-control'), file).toContain('immutable');
      expect((await response.arrayBuffer()).byteLength, file).toBeGreaterThan(1_000);
    }
  });

  it('answers 404 for a file it does not have, or of another version', async () => {
    const html = await graphiqlPage(stack.url);
    const [, version] = /\/graphiql\/(\w+)\/graphiql\.js/.exec(html) ?? [];
    for (const path of [`/graphiql/${version}/nothing.js`, '/graphiql/0123456789ab/graphiql.js', '/graphiql/']) {
      expect((await fetch(new URL(path, stack.url))).status, path).toBe(404);
    }
  });

  it('opens on the example query, without variables when none are configured', async () => {
    const options = graphiqlOptions(await graphiqlPage(stack.url));
    expect(options).toMatchObject({ title: 'Square GraphQL gateway', query: EXAMPLE_QUERY });
    expect(options).not.toHaveProperty('variables');
  });

  it('opens with the configured variables, and a customer who has cards, gift cards, orders and payments fills every part of it', async () => {
    const gateway = createTestGateway(stack.emulatorUrl, { exampleVariables: { customerId: customer.id } });
    try {
      const options = graphiqlOptions(await graphiqlPage(await gateway.listen()));
      expect(JSON.parse(options.variables as string)).toEqual({ customerId: customer.id });
    } finally {
      await gateway.close();
    }
    const result = await stack.gql(EXAMPLE_QUERY, { customerId: customer.id });
    expect(result.errors).toBeUndefined();
    const shown = result.data.customer;
    expect(shown.givenName).toBe('Given0');
    expect(shown.cards.map((card: any) => card.last4)).toEqual(['1111']);
    expect(shown.giftCards).toHaveLength(1);
    expect(shown.orders.edges.map(({ node }: any) => node.squareId)).toEqual(expect.arrayContaining(customer.orderIds));
    for (const { node } of shown.orders.edges) expect(node.payments.map((p: any) => p.status)).toEqual(['COMPLETED']);
  });

  it('keeps a variable that contains </script> inside the page script', async () => {
    const customerId = '</script><script>alert(1)</script>';
    const gateway = createTestGateway(stack.emulatorUrl, { exampleVariables: { customerId } });
    try {
      const html = await graphiqlPage(await gateway.listen());
      expect(html).not.toContain('<script>alert(1)');
      expect(JSON.parse(graphiqlOptions(html).variables as string)).toEqual({ customerId });
    } finally {
      await gateway.close();
    }
  });
});
