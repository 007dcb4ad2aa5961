import { readFileSync } from 'node:fs';
import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { DEMO_CUSTOMER_ID, DEMO_TOUR_ORDER } from '../../src/emulator/seed.js';
import { gatewayGraphiQL } from '../../src/gateway/graphiql.js';
import { TOUR_DOCUMENTS, tourTabs } from '../../src/gateway/tour.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const schema = buildSchema(readFileSync(new URL('../../schema/schema.graphql', import.meta.url), 'utf8'));
const tabs = tourTabs({ customerId: DEMO_CUSTOMER_ID, ...DEMO_TOUR_ORDER });

/** The fenced blocks of one language in the README's section `heading`, up to the next `## `. */
function blocks(heading: string, language: string): string[] {
  const start = readme.indexOf(`\n${heading}\n`);
  expect(start, heading).toBeGreaterThan(-1);
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  return [...section.matchAll(new RegExp(`^\`\`\`${language}\\n([\\s\\S]*?)^\`\`\`$`, 'gm'))].map((match) => match[1]!);
}

describe('the README’s ten-minute tour', () => {
  it('shows the tour’s documents, each valid against schema/schema.graphql', () => {
    const shown = blocks('## Ten-minute tour', 'graphql');
    expect(shown).toEqual([...TOUR_DOCUMENTS]);
    for (const document of shown) expect(validate(schema, parse(document)).map((error) => error.message)).toEqual([]);
    expect(shown.map((document) => /^(query|mutation|subscription) \w+/m.exec(document)?.[0])).toEqual([
      'query Example', 'mutation CreateOrder', 'mutation ChargeCustomer', 'subscription PaymentUpdates',
    ]);
    expect(shown[1]).toContain('pricingOptions: { autoApplyTaxes: true }');
  });

  it('shows beside each the variables GraphiQL’s tab opens with in the demo', () => {
    expect(blocks('## Ten-minute tour', 'json').map((json) => JSON.parse(json) as unknown)).toEqual(tabs.map((tab) => tab.variables));
  });

  it('opens in GraphiQL as tabs, the example first, for a browser with no tabs of its own', async () => {
    const page = await gatewayGraphiQL(tabs[0]!, tabs).render({});
    const options = JSON.parse(/renderYogaGraphiQL\([^,]+, (.*)\);\n/.exec(page)![1]!) as {
      query: string;
      defaultTabs: Array<{ query: string; variables: string }>;
    };
    expect(options.query).toBe(TOUR_DOCUMENTS[0]);
    expect(options.defaultTabs.map((tab) => ({ query: tab.query, variables: JSON.parse(tab.variables) as unknown }))).toEqual(tabs);
  });

  it('names every API of the graph in the headline and in the Query and Mutation descriptions', () => {
    const headline = readme.split('\n')[2]!;
    for (const api of ['Customers', 'customer groups', 'segments', 'custom attributes', 'Cards', 'Gift Cards', 'Payments', 'Orders',
      'Refunds', 'Locations', 'Merchants', 'Catalog', 'Inventory', 'Loyalty']) expect(headline).toContain(api);
    const described = (type: string) => schema.getType(type)!.description!.toLowerCase();
    for (const api of ['customers', 'groups', 'segments', 'custom attributes', 'cards', 'gift cards', 'payments', 'orders', 'refunds',
      'locations', 'merchant', 'catalog', 'inventory', 'loyalty']) expect(described('Query')).toContain(api);
    for (const api of ['customers', 'groups', 'custom attributes', 'cards', 'gift cards', 'payments', 'orders', 'refunds', 'catalog',
      'inventory', 'loyalty']) expect(described('Mutation')).toContain(api);
  });
});
