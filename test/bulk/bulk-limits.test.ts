import { print } from 'graphql';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiKeyRing, generateKey } from '../../src/gateway/api-keys.js';
import { documentId, TrustedDocuments } from '../../src/gateway/trusted-documents.js';
import { graphql } from '../gql/index.js';
import { download, ended, runningWith, seedSeller } from '../support/bulk.js';
import { addFault, clearFaults } from '../support/faults.js';
import { SERVER_TOKEN, useGateway } from '../support/gateway.js';
import { subscribeSse } from '../support/sse.js';

const StartBulk = graphql(`
  mutation StartBulk($query: String!) {
    bulkOperationRunQuery(query: $query) {
      __typename
      ... on BulkOperationRunQuerySuccess {
        bulkOperation {
          id
          status
        }
      }
      ... on Error {
        message
        code
      }
      ... on BulkOperationLimitError {
        scope
        limit
      }
    }
  }
`);

const CancelBulk = graphql(`
  mutation CancelBulk($id: ID!) {
    cancelBulkOperation(id: $id) {
      __typename
      ... on CancelBulkOperationSuccess {
        bulkOperation {
          id
          status
        }
      }
      ... on Error {
        message
        code
      }
      ... on BulkOperationStateError {
        status
      }
      ... on NotFoundError {
        field
      }
    }
  }
`);

const BulkState = graphql(`
  query BulkState($id: ID!) {
    bulkOperation(id: $id) {
      id
      status
      errorCode
      errorMessage
      objectCount
      url
      partialDataUrl
    }
  }
`);

const READS = ['CUSTOMERS_READ', 'PAYMENTS_READ', 'ORDERS_READ', 'GIFTCARDS_READ'] as const;
const keys = {
  a: generateKey('partner-a', [...READS]),
  b: generateKey('partner-b', [...READS]),
  narrow: generateKey('customers-only', ['CUSTOMERS_READ']),
  trusted: generateKey('trusted-only', ['CUSTOMERS_READ'], { trustedDocumentsOnly: true }),
};
const TRUSTED_EXPORT = '{ customers { edges { node { id givenName } } } }';
const [START, STATE] = [print(StartBulk), print(BulkState)];
const trusted = TrustedDocuments.parse(
  JSON.stringify(Object.fromEntries([START, STATE, TRUSTED_EXPORT].map((document) => [documentId(document), document]))),
  'test manifest',
);

// Budget 30 calls a second, 60 saved: a bulk operation's pages, leaving half for interactive calls, take seconds each.
const stack = useGateway({
  apiKeys: ApiKeyRing.parse(JSON.stringify({ keys: Object.values(keys).map((k) => k.entry) }), 'test keys'),
  webhooks: true,
  budget: { ratePerSecond: 30, burst: 60 },
  bulk: { bulkOperationsPerSeller: 2, bulkOperationsPerKey: 1 },
  gateway: { trustedDocuments: trusted },
});
const as = (key: { key: string }) => ({ headers: { 'x-api-key': key.key } });

async function start(key: { key: string }, query: string) {
  const { data, errors } = await stack.gql(StartBulk, { query }, as(key));
  expect(errors).toBeUndefined();
  return data!.bulkOperationRunQuery!;
}

async function started(key: { key: string }, query: string): Promise<string> {
  const result = await start(key, query);
  if (result.__typename !== 'BulkOperationRunQuerySuccess') throw new Error(`refused: ${JSON.stringify(result)}`);
  return result.bulkOperation.id;
}

const state = async (key: { key: string }, id: string) => (await stack.gql(BulkState, { id }, as(key))).data?.bulkOperation;

describe('bulk operations of API keys', () => {
  afterEach(async () => {
    await clearFaults(stack);
  });

  it('holds each key and each seller to their limits of operations at once, and lets a key see and cancel its own only', async () => {
    // Square takes a minute to list customers: the operations stay RUNNING until canceled.
    await addFault(stack, { method: 'GET', path: '/v2/customers', latency_ms: 60_000 });
    const heardByA = await subscribeSse(stack.url, 'subscription { bulkOperationFinished { id status } }', {}, as(keys.a));
    const heardByB = await subscribeSse(stack.url, 'subscription { bulkOperationFinished { id status } }', {}, as(keys.b));
    const query = '{ customers { edges { node { id } } } }';
    const first = await started(keys.a, query);
    expect(await start(keys.a, query)).toMatchObject({ __typename: 'BulkOperationLimitError', code: 'BULK_OPERATION_LIMIT', scope: 'API_KEY', limit: 1 });
    const second = await started(keys.b, query);
    expect(await start(keys.narrow, query)).toMatchObject({ __typename: 'BulkOperationLimitError', scope: 'SELLER', limit: 2 });

    // Key B knows nothing of key A's operation.
    expect(await state(keys.b, first)).toBeNull();
    expect((await stack.gql(CancelBulk, { id: first }, as(keys.b))).data?.cancelBulkOperation).toMatchObject({ __typename: 'NotFoundError', field: 'id' });
    expect(await state(keys.a, first)).toMatchObject({ status: 'RUNNING' });

    expect((await stack.gql(CancelBulk, { id: first }, as(keys.a))).data?.cancelBulkOperation).toMatchObject({
      __typename: 'CancelBulkOperationSuccess',
      bulkOperation: { id: first, status: 'CANCELED' },
    });
    expect((await stack.gql(CancelBulk, { id: first }, as(keys.a))).data?.cancelBulkOperation).toMatchObject({
      __typename: 'BulkOperationStateError',
      code: 'BULK_OPERATION_FINISHED',
      status: 'CANCELED',
    });
    expect(await state(keys.a, first)).toMatchObject({ status: 'CANCELED', url: null, partialDataUrl: null, objectCount: '0' });
    // The seller's limit has room again; once another key takes it, key A's own limit has room but the seller's has not.
    const third = await started(keys.narrow, query);
    expect(await start(keys.a, query)).toMatchObject({ __typename: 'BulkOperationLimitError', scope: 'SELLER' });
    await stack.gql(CancelBulk, { id: second }, as(keys.b));
    await stack.gql(CancelBulk, { id: third }, as(keys.narrow));

    // Each key heard of its own operation's end only.
    expect((await heardByA.next()).data).toEqual({ bulkOperationFinished: { id: first, status: 'CANCELED' } });
    expect((await heardByB.next()).data).toEqual({ bulkOperationFinished: { id: second, status: 'CANCELED' } });
    expect(heardByA.lastEventId).toBeUndefined();
    heardByA.close();
    heardByB.close();
  });

  it('fails an operation whose query the key may not read, naming the scope it lacks', async () => {
    await seedSeller(stack.emulatorUrl, SERVER_TOKEN, { customers: 3, orders_per_customer: 1 });
    const id = await started(keys.narrow, '{ customers { edges { node { id orders { edges { node { id } } } } } } }');
    const failed = await ended(() => state(keys.narrow, id));
    expect(failed).toMatchObject({ status: 'FAILED', errorCode: 'FORBIDDEN', url: null, partialDataUrl: null });
    expect(failed.errorMessage).toContain('ORDERS_READ');
  });

  it('keeps what a canceled operation wrote at its partialDataUrl', async () => {
    await seedSeller(stack.emulatorUrl, SERVER_TOKEN, { customers: 150, orders_per_customer: 0 });
    const id = await started(keys.a, '{ customers { edges { node { id givenName cards { last4 } giftCards { gan } } } } }');
    // The first page (a hundred customers, two hundred Square calls) is written; the second takes seconds of budget more.
    await runningWith(() => state(keys.a, id), 100);
    await stack.gql(CancelBulk, { id }, as(keys.a));
    const canceled = await state(keys.a, id);
    expect(canceled).toMatchObject({ status: 'CANCELED', url: null });
    const { lines } = await download(canceled!.partialDataUrl!);
    expect(lines).toHaveLength(Number(canceled!.objectCount));
    expect(lines.length % 100).toBe(0);
  }, 120_000);

  it('runs for a key limited to trusted documents only a query that is one', async () => {
    // The key sends trusted documents by id only: the mutation, the status query, and (as the mutation's variable) the bulk query.
    const post = async (document: string, variables: Record<string, unknown>) => {
      const response = await fetch(stack.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...as(keys.trusted).headers },
        body: JSON.stringify({ documentId: `sha256:${documentId(document)}`, variables }),
      });
      return ((await response.json()) as { data: any }).data;
    };
    expect((await post(START, { query: '{ customers { edges { node { id } } } }' })).bulkOperationRunQuery).toMatchObject({
      __typename: 'ValidationError',
      code: 'PERSISTED_QUERY_ONLY',
    });
    const { bulkOperationRunQuery } = await post(START, { query: TRUSTED_EXPORT });
    expect(bulkOperationRunQuery.__typename).toBe('BulkOperationRunQuerySuccess');
    const done = await ended(async () => (await post(STATE, { id: bulkOperationRunQuery.bulkOperation.id })).bulkOperation);
    expect(done.status).toBe('COMPLETED');
  });
});
