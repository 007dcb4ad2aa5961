import { print } from 'graphql';
import { SquareClient } from 'square';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createEmulator, type Emulator } from '../../src/emulator/server.js';
import { graphql } from '../gql/index.js';
import { ended, seedSeller } from '../support/bulk.js';
import { newToken } from '../support/fixtures.js';
import { createTestGateway, WEBHOOK_KEY } from '../support/gateway.js';
import { DATABASE_URL, postgresLocation, sqliteLocation } from '../support/stores.js';
import { WAIT } from '../support/waiting.js';

const ExportWithCursor = graphql(`
  mutation ExportWithCursor($query: String!) {
    bulkOperationRunQuery(query: $query) {
      __typename
      ... on BulkOperationRunQuerySuccess {
        bulkOperation {
          id
          changesCursor
        }
      }
    }
  }
`);

const ExportState = graphql(`
  query ExportState($id: ID!) {
    bulkOperation(id: $id) {
      status
    }
  }
`);

const FeedPage = graphql(`
  query FeedPage($after: String) {
    changes(after: $after, first: 100) {
      edges {
        node {
          eventId
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

let emulator: Emulator;
let emulatorUrl: string;
beforeAll(async () => {
  emulator = await createEmulator({ seed: false });
  emulatorUrl = await emulator.listen();
});
afterAll(async () => {
  await emulator?.close();
});

const backends = [
  { name: 'SQLite', skip: false, location: sqliteLocation },
  { name: 'PostgreSQL', skip: !DATABASE_URL, location: postgresLocation },
];

for (const backend of backends) {
  describe.skipIf(backend.skip)(`a bulk export and the change feed on ${backend.name}`, () => {
    it('has every change made during the export exactly once in the feed after the export’s changesCursor', async () => {
      const location = backend.location();
      const [events, bulk] = [await location.open(), await location.openBulk()];
      // 100 calls a second, half of them for the export: its three pages take seconds, while the changes are made.
      const gateway = createTestGateway(emulatorUrl, { authMode: 'passthrough', budget: { ratePerSecond: 100, burst: 100 } }, events, bulk);
      try {
        const url = await gateway.listen();
        emulator.ctx.webhooks.configure({ url: gateway.webhooks!.notificationUrl(), signatureKey: WEBHOOK_KEY, retryBaseMs: 50 });
        const token = newToken();
        const gql = async (query: string, variables: Record<string, unknown>): Promise<any> => {
          const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
          return ((await response.json()) as { data: unknown }).data;
        };
        const feedAfter = async (after: string | null) => {
          const ids: string[] = [];
          for (let cursor = after; ; ) {
            const { changes } = await gql(print(FeedPage), { after: cursor });
            ids.push(...changes.edges.map((edge: { node: { eventId: string } }) => edge.node.eventId));
            if (!changes.pageInfo.hasNextPage) return ids;
            cursor = changes.pageInfo.endCursor;
          }
        };
        await seedSeller(emulatorUrl, token, { customers: 300, gift_cards_every: 0, orders_per_customer: 0 });
        const square = new SquareClient({ token, baseUrl: emulatorUrl, maxRetries: 0 });
        const customers = (await square.customers.list({ limit: 100 })).data;
        /** Renames a customer; the id of the customer.updated event Square sent for it. */
        const change = async (i: number) => {
          const customerId = customers[i % customers.length]!.id!;
          await square.customers.update({ customerId, givenName: `Changed ${i}` });
          const { events: sent } = (await (await fetch(`${emulatorUrl}/_emulator/events`)).json()) as { events: Array<{ event_id: string; type: string; data: { id: string } }> };
          return sent.findLast((e) => e.type === 'customer.updated' && e.data.id === customerId)!.event_id;
        };

        // A change applied before the export starts is in the export, not in the feed after it.
        const before = await change(0);
        await vi.waitUntil(async () => (await feedAfter(null)).includes(before), WAIT);
        const started = (await gql(print(ExportWithCursor), { query: '{ customers { edges { node { id givenName cards { last4 } } } } }' })).bulkOperationRunQuery;
        const { id, changesCursor } = started.bulkOperation;
        const during: string[] = [];
        for (let i = 1; (await gql(print(ExportState), { id })).bulkOperation.status !== 'COMPLETED' && i <= 40; i++) during.push(await change(i));
        await ended(async () => (await gql(print(ExportState), { id })).bulkOperation);
        expect(during.length).toBeGreaterThanOrEqual(3);

        const feed = await vi.waitUntil(async () => {
          const ids = await feedAfter(changesCursor);
          return during.every((event) => ids.includes(event)) && ids;
        }, WAIT);
        for (const event of during) expect(feed.filter((id) => id === event), event).toHaveLength(1);
        expect(new Set(feed).size).toBe(feed.length);
        expect(feed).not.toContain(before);
      } finally {
        await gateway.close();
        await events.close();
        await bulk.close();
        await location.drop();
      }
    }, 120_000);
  });
}
