import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kind, parse, type DocumentNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { clientPresetManifest } from '../../scripts/trusted-documents-manifest.js';
import { ApiKeyRing, generateKey } from '../../src/gateway/api-keys.js';
import { gatewayConfig } from '../../src/gateway/config.js';
import { DEFAULT_MANIFEST, documentId, TrustedDocuments } from '../../src/gateway/trusted-documents.js';
import * as typedDocuments from '../gql/graphql.js';
import { CustomerByIdDocument } from '../gql/graphql.js';
import { useGateway } from '../support/gateway.js';

const partner = generateKey('partner', ['CUSTOMERS_READ']);
const frontEnd = generateKey('front-end', ['CUSTOMERS_READ']);
const ring = ApiKeyRing.parse(
  JSON.stringify({ keys: [{ ...partner.entry, trustedDocumentsOnly: true }, frontEnd.entry] }),
  'test keys',
);

const stack = useGateway({ apiKeys: ring });

const manifest = JSON.parse(readFileSync(DEFAULT_MANIFEST, 'utf8')) as Record<string, string>;

/** The names of the operations a document defines. */
const operationNames = (document: DocumentNode) =>
  document.definitions.flatMap((d) => (d.kind === Kind.OPERATION_DEFINITION && d.name ? [d.name.value] : []));

const OPERATIONS_DIR = new URL('../../schema/operations/', import.meta.url);
const operationFiles = readdirSync(OPERATIONS_DIR).map((file) => readFileSync(new URL(file, OPERATIONS_DIR), 'utf8'));
/** The manifest's id of an operation of schema/operations, by its name. */
const idOf = (name: string) => Object.keys(manifest).find((id) => operationNames(parse(manifest[id]!)).includes(name))!;
const CUSTOMER_BY_ID = idOf('CustomerById');
/** The id without the preset's `sha256:`, as Apollo's clients and earlier manifests send it. */
const CUSTOMER_BY_ID_HEX = CUSTOMER_BY_ID.replace('sha256:', '');

async function post(key: string, body: Record<string, unknown>) {
  const response = await fetch(stack.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': key },
    body: JSON.stringify(body),
  });
  return { status: response.status, ...((await response.json()) as { data?: any; errors?: Array<{ message: string; extensions?: any }> }) };
}

async function aCustomer(): Promise<string> {
  const { customer } = await stack.square().customers.create({ givenName: 'Trusted', idempotencyKey: crypto.randomUUID() });
  return customer!.id!;
}

describe('trusted documents manifest', () => {
  it("is graphql-codegen's client preset's own manifest of schema/operations: its ids, its printed documents", async () => {
    const schema = readFileSync(new URL('../../schema/schema.graphql', import.meta.url), 'utf8');
    expect(manifest).toEqual(await clientPresetManifest(schema, operationFiles));
    // The example: the id a partner's codegen computes for CurrentMerchant is the gateway's.
    expect(idOf('CurrentMerchant')).toBe('sha256:bdac7bbf21cbcffc3617cd0934ae3dddac67c15892205ec62010166b36af6a80');
    expect(TrustedDocuments.load().get(CUSTOMER_BY_ID_HEX)).toBe(manifest[CUSTOMER_BY_ID]);
  }, 30_000);

  it('holds the operations of schema/operations and no test operation', () => {
    const inManifest = Object.values(manifest).flatMap((document) => operationNames(parse(document)));
    const projects = operationFiles.flatMap((text) => operationNames(parse(text)));
    expect(inManifest.sort()).toEqual(projects.sort());
    // Every typed document codegen made that is not one of schema/operations is a test's (test/operations, or inline in a test).
    const tests = Object.entries(typedDocuments)
      .filter(([name]) => name.endsWith('Document'))
      .flatMap(([, document]) => operationNames(document as DocumentNode))
      .filter((name) => !projects.includes(name));
    expect(tests).toEqual(expect.arrayContaining(['NodesTwice', 'CachedObjects', 'CustomersPage', 'DemoCustomerLineage']));
    expect(inManifest.filter((name) => tests.includes(name))).toEqual([]);
  });

  it('is read from TRUSTED_DOCUMENTS_FILE when set, with ids as the preset writes them or as bare hex', () => {
    const dir = mkdtempSync(join(tmpdir(), 'manifest-'));
    const [locations, merchant] = ['{ locations { name } }', '{ merchant { squareId } }'];
    writeFileSync(join(dir, 'partner.json'), JSON.stringify({ [`sha256:${documentId(locations)}`]: locations, [documentId(merchant)]: merchant }));
    const own = TrustedDocuments.fromEnv({ TRUSTED_DOCUMENTS_FILE: join(dir, 'partner.json') });
    expect(own.size).toBe(2);
    expect(own.get(documentId(locations))).toBe(locations);
    expect(own.get(documentId(merchant))).toBe(merchant);
    expect(TrustedDocuments.fromEnv({}).size).toBe(Object.keys(manifest).length);
  });

  it('refuses a manifest whose id does not name its document', () => {
    const tampered = JSON.stringify({ [CUSTOMER_BY_ID]: '{ customers { edges { node { id } } } }' });
    expect(() => TrustedDocuments.parse(tampered, 'tampered.json')).toThrow(/tampered\.json: The entry "sha256:[0-9a-f]{64}" is not named by the hash of its document/);
  });

  it('is rebuilt by codegen, and schema:check fails when it has drifted from the operations', () => {
    // A copy of the project's inputs, so that the check runs on a manifest edited by hand.
    const dir = mkdtempSync(join(tmpdir(), 'manifest-drift-'));
    for (const path of ['codegen.ts', 'schema', 'scripts', 'test']) cpSync(path, join(dir, path), { recursive: true });
    const codegen = (...args: string[]) =>
      execFileSync(join(process.cwd(), 'node_modules/.bin/graphql-codegen'), ['--config', 'codegen.ts', ...args], {
        cwd: dir,
        stdio: 'pipe',
        env: { ...process.env, NODE_PATH: join(process.cwd(), 'node_modules') },
      });
    const path = join(dir, 'schema/persisted-operations.json');
    writeFileSync(path, JSON.stringify({}));
    expect(() => codegen('--check')).toThrow();
    codegen();
    expect(readFileSync(path, 'utf8')).toBe(readFileSync(DEFAULT_MANIFEST, 'utf8'));
    // Two runs of codegen, each loading the schema and every test's documents: room for a busy machine.
  }, 120_000);
});

describe('settings', () => {
  it('reads trustedDocumentsOnly from the keys file (false when absent) and refuses anything but a boolean', () => {
    expect(ring.find(partner.key)?.trustedDocumentsOnly).toBe(true);
    expect(ring.find(frontEnd.key)?.trustedDocumentsOnly).toBe(false);
    expect(() => ApiKeyRing.parse(JSON.stringify({ keys: [{ ...partner.entry, trustedDocumentsOnly: 'yes' }] }), 'keys.json')).toThrow(
      /keys\.0\.trustedDocumentsOnly/,
    );
  });

  it('reads the persisted query settings, and refuses values that are not whole numbers ≥ 1', () => {
    expect(gatewayConfig({})).toMatchObject({ persistedQueriesMax: 1000, persistedQueriesTtlSeconds: 86_400 });
    expect(gatewayConfig({ PERSISTED_QUERIES_MAX: '50', PERSISTED_QUERIES_TTL_SECONDS: '3600' })).toMatchObject({
      persistedQueriesMax: 50,
      persistedQueriesTtlSeconds: 3600,
    });
    expect(() => gatewayConfig({ PERSISTED_QUERIES_MAX: '0' })).toThrow(/PERSISTED_QUERIES_MAX must be an integer ≥ 1/);
    expect(() => gatewayConfig({ PERSISTED_QUERIES_TTL_SECONDS: 'day' })).toThrow(/PERSISTED_QUERIES_TTL_SECONDS/);
  });
});

describe('a trustedDocumentsOnly key', () => {
  it('runs a manifest document sent by id, as documentId or as extensions.persistedQuery', async () => {
    const id = await aCustomer();
    const byDocumentId = await post(partner.key, { documentId: CUSTOMER_BY_ID, variables: { id } });
    expect(byDocumentId.errors).toBeUndefined();
    expect(byDocumentId.data.customer.givenName).toBe('Trusted');
    for (const sha256Hash of [CUSTOMER_BY_ID, CUSTOMER_BY_ID_HEX]) {
      const byExtension = await post(partner.key, { extensions: { persistedQuery: { version: 1, sha256Hash } }, variables: { id } });
      expect(byExtension.data.customer.givenName).toBe('Trusted');
    }
    const byBareHex = await post(partner.key, { documentId: CUSTOMER_BY_ID_HEX, variables: { id } });
    expect(byBareHex.data.customer.givenName).toBe('Trusted');
  });

  it('refuses a document sent as text with PERSISTED_QUERY_ONLY, before any Square call', async () => {
    await stack.clearCalls();
    const raw = await post(partner.key, { query: '{ customers(first: 1) { edges { node { id } } } }' });
    expect(raw.status).toBe(403);
    expect(raw.data).toBeUndefined();
    expect(raw.errors?.[0]).toMatchObject({ message: expect.stringContaining('only trusted documents'), extensions: { code: 'PERSISTED_QUERY_ONLY' } });
    // Even a manifest document, sent as text beside its id.
    const both = await post(partner.key, { query: manifest[CUSTOMER_BY_ID], extensions: { persistedQuery: { version: 1, sha256Hash: CUSTOMER_BY_ID } } });
    expect(both.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_ONLY');
    const nothing = await post(partner.key, {});
    expect(nothing.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_ONLY');
    expect(await stack.calls()).toEqual([]);
  });

  it('refuses an id that is not in the manifest, even one another caller registered', async () => {
    const query = '{ customers(first: 1) { edges { node { id } } } }';
    const registered = await post(frontEnd.key, { query, extensions: { persistedQuery: { version: 1, sha256Hash: documentId(query) } } });
    expect(registered.errors).toBeUndefined();
    await stack.clearCalls();
    for (const hash of [documentId(query), 'f'.repeat(64)]) {
      const refused = await post(partner.key, { extensions: { persistedQuery: { version: 1, sha256Hash: hash } } });
      expect(refused.status).toBe(400);
      expect(refused.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    }
    expect(await stack.calls()).toEqual([]);
  });
});

describe('automatic persisted queries (other callers)', () => {
  it('round trip: the id alone is not found, the id with the document runs and registers it, then the id alone runs', async () => {
    const id = await aCustomer();
    const query = `query ApqRoundTrip($id: ID!) { customer(id: $id) { givenName } }`;
    const extensions = { persistedQuery: { version: 1, sha256Hash: documentId(query) } };
    const first = await post(frontEnd.key, { extensions, variables: { id } });
    expect(first.status).toBe(404);
    expect(first.errors?.[0]).toMatchObject({ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } });
    const registered = await post(frontEnd.key, { query, extensions, variables: { id } });
    expect(registered.data.customer.givenName).toBe('Trusted');
    const byHash = await post(frontEnd.key, { extensions, variables: { id } });
    expect(byHash.errors).toBeUndefined();
    expect(byHash.data.customer.givenName).toBe('Trusted');
  });

  it('refuses a document whose hash is not the one sent, and registers nothing', async () => {
    const query = '{ locations { name } }';
    const extensions = { persistedQuery: { version: 1, sha256Hash: documentId('{ something { else } }') } };
    const mismatch = await post(frontEnd.key, { query, extensions });
    expect(mismatch.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_MISMATCH');
    expect((await post(frontEnd.key, { extensions })).errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('registers no document that failed validation or came without a valid key', async () => {
    const invalid = '{ notAField }';
    const invalidExtensions = { persistedQuery: { version: 1, sha256Hash: documentId(invalid) } };
    expect((await post(frontEnd.key, { query: invalid, extensions: invalidExtensions })).errors?.[0]?.extensions?.code).toBe(
      'GRAPHQL_VALIDATION_FAILED',
    );
    expect((await post(frontEnd.key, { extensions: invalidExtensions })).errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const anonymous = '{ locations { id } }';
    const anonymousExtensions = { persistedQuery: { version: 1, sha256Hash: documentId(anonymous) } };
    expect((await post('gk_not-a-key', { query: anonymous, extensions: anonymousExtensions })).status).toBe(401);
    expect((await post(frontEnd.key, { extensions: anonymousExtensions })).errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('leaves documents sent as text, and the manifest by id, to keys without the restriction', async () => {
    const id = await aCustomer();
    const raw = await stack.gql(CustomerByIdDocument, { id }, { headers: { 'x-api-key': frontEnd.key } });
    expect(raw.data?.customer?.givenName).toBe('Trusted');
    const byId = await post(frontEnd.key, { documentId: CUSTOMER_BY_ID, variables: { id } });
    expect(byId.data.customer.givenName).toBe('Trusted');
  });
});
