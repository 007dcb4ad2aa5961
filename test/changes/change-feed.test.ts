import { describe, expect, it, vi } from 'vitest';
import { HEARD_EVENTS } from '../../src/apis/registry.js';
import { EVENT_FAMILIES, familyOf } from '../../src/changes/feed.js';
import { ApiKeyRing, generateKey } from '../../src/gateway/api-keys.js';
import { builder } from '../../src/schema/builder.js';
import { schema } from '../../src/schema/index.js';
import { graphql } from '../gql/index.js';
import { key } from '../support/fixtures.js';
import { SERVER_TOKEN, useGateway } from '../support/gateway.js';
import { orderPaidByCard } from '../support/merchant.js';
import { WAIT } from '../support/waiting.js';

const Changes = graphql(`
  query Changes($after: String, $types: [String!], $first: Int) {
    changes(after: $after, types: $types, first: $first) {
      edges {
        cursor
        node {
          eventId
          type
          objectType
          objectId
          occurredAt
          appliedAt
          object {
            __typename
            id
            ... on Customer {
              givenName
            }
            ... on Payment {
              status
            }
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

const keys = {
  all: generateKey('feed-reader', ['CUSTOMERS_READ', 'PAYMENTS_READ', 'ORDERS_READ']),
  customers: generateKey('customers-feed', ['CUSTOMERS_READ']),
};
const stack = useGateway({ webhooks: true, apiKeys: ApiKeyRing.parse(JSON.stringify({ keys: Object.values(keys).map((k) => k.entry) }), 'test keys') });
const as = (reader: { key: string }) => ({ headers: { 'x-api-key': reader.key } });

/** Every change the feed gives `reader` after `after`, page after page of `first`. */
async function feed(reader: { key: string }, variables: { after?: string | null; types?: string[]; first?: number } = {}) {
  const nodes = [];
  for (let after = variables.after ?? null; ; ) {
    const { data, errors } = await stack.gql(Changes, { ...variables, after }, as(reader));
    expect(errors).toBeUndefined();
    nodes.push(...data!.changes.edges.map((edge) => ({ ...edge.node, cursor: edge.cursor })));
    if (!data!.changes.pageInfo.hasNextPage) return nodes;
    after = data!.changes.pageInfo.endCursor;
  }
}

/** The seller's webhook events the emulator sent, oldest first. */
async function sentEvents(): Promise<Array<{ event_id: string; type: string; data: { id: string } }>> {
  return ((await (await fetch(`${stack.emulatorUrl}/_emulator/events`)).json()) as { events: any[] }).events;
}

describe('the change feed', () => {
  it('gives every applied event of the seller once, in the order applied, with its object as it stands now', async () => {
    const square = stack.square();
    const locationId = (await square.locations.list()).locations![0]!.id!;
    const { customer } = await square.customers.create({ idempotencyKey: key(), givenName: 'Ada' });
    await square.customers.update({ customerId: customer!.id!, givenName: 'Ada Renamed' });
    const { card } = await square.cards.create({ idempotencyKey: key(), sourceId: 'cnon:card-nonce-ok', card: { customerId: customer!.id! } });
    const { payment } = await orderPaidByCard(square, locationId, { customerId: customer!.id!, cardId: card!.id!, cents: 1234 });
    const sent = await sentEvents();
    const changes = await vi.waitUntil(async () => {
      const all = await feed(keys.all);
      return all.length >= sent.length && all;
    }, WAIT);

    expect(changes.map((c) => c.eventId)).toEqual(sent.map((e) => e.event_id));
    const [created, updated] = changes;
    expect(created).toMatchObject({ type: 'customer.created', objectType: 'customer', objectId: customer!.id, object: { __typename: 'Customer', givenName: 'Ada Renamed' } });
    expect(updated).toMatchObject({ type: 'customer.updated', objectId: customer!.id });
    expect(Date.parse(created!.occurredAt!)).toBeLessThanOrEqual(Date.parse(created!.appliedAt));
    expect(changes.find((c) => c.type === 'payment.created')).toMatchObject({ objectId: payment.id, object: { __typename: 'Payment', status: 'COMPLETED' } });
    expect(changes.find((c) => c.type === 'order.created')?.object).toMatchObject({ __typename: 'Order' });

    // Two at a time, from any cursor: the same changes, in the same order.
    expect((await feed(keys.all, { first: 2 })).map((c) => c.eventId)).toEqual(changes.map((c) => c.eventId));
    expect((await feed(keys.all, { after: changes[1]!.cursor })).map((c) => c.eventId)).toEqual(changes.slice(2).map((c) => c.eventId));
    expect(await feed(keys.all, { after: changes.at(-1)!.cursor })).toEqual([]);
    // Only some types, or what the key may read.
    const payments = await feed(keys.all, { types: ['payment.created', 'payment.updated'] });
    expect(payments.map((c) => c.type)).toEqual(changes.filter((c) => c.type.startsWith('payment.')).map((c) => c.type));
    expect(payments.length).toBeGreaterThan(0);
    expect(new Set((await feed(keys.customers)).map((c) => c.type))).toEqual(new Set(['customer.created', 'customer.updated']));
  });

  it('refuses what is not one of its cursors, types or page sizes', async () => {
    const refused = async (variables: Record<string, unknown>) => (await stack.gql(Changes, variables, as(keys.all))).errors?.[0]?.extensions;
    expect(await refused({ after: 'not-a-cursor' })).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'after' });
    expect(await refused({ types: ['payment.created', 'dispute.created'] })).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'types' });
    expect(await refused({ first: 101 })).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'first' });
  });

  it('knows what every event type the gateway hears is about, and who may read it', () => {
    for (const type of HEARD_EVENTS) expect(familyOf(type), type).toBeDefined();
    for (const { node, scope } of EVENT_FAMILIES.filter((family) => family.node)) {
      const type = schema.getType(node!);
      expect(type && 'getInterfaces' in type && type.getInterfaces().map((i) => i.name), node).toContain('Node');
      // The feed lists a family's changes to keys with the scope its objects are read with.
      expect(builder.configStore.getTypeConfig(node!, 'Object').pothosOptions.authScopes, node).toEqual({ [scope]: true });
    }
  });

  it('forgets events past its retention, and says so to a cursor from before them', async () => {
    const before = await feed(keys.all);
    expect(before.length).toBeGreaterThan(2);
    await stack.square(SERVER_TOKEN).customers.create({ idempotencyKey: key(), givenName: 'Later' });
    const all = await vi.waitUntil(async () => {
      const read = await feed(keys.all);
      return read.length > before.length && read;
    }, WAIT);
    // As the hourly pruning does once the events are CHANGES_RETENTION_DAYS old: every event applied before now but the last.
    await stack.store!.pruneApplied(new Date(Date.now() + 60_000));
    const { errors } = await stack.gql(Changes, { after: before[0]!.cursor }, as(keys.all));
    expect(errors?.[0]?.extensions).toMatchObject({ code: 'CHANGES_CURSOR_EXPIRED' });
    expect((await feed(keys.all, { after: all.at(-2)!.cursor })).map((c) => c.eventId)).toEqual([all.at(-1)!.eventId]);
  });
});
