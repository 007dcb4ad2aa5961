import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientPresetManifest } from '../../scripts/trusted-documents-manifest.js';
import { ApiKeyRing, generateKey } from '../../src/gateway/api-keys.js';
import { DEFAULT_MANIFEST } from '../../src/gateway/trusted-documents.js';
import { createGateway } from '../../src/gateway/server.js';
import { PostgresKeyDocumentStore, SqliteKeyDocumentStore } from '../../src/store/index.js';
import { createTestGateway, NO_SQUARE, useGateway } from '../support/gateway.js';
import { capturedLogs } from '../support/logs.js';
import { DATABASE_URL, postgresLocation } from '../support/stores.js';

const SCOPES = ['CUSTOMERS_READ', 'MERCHANT_PROFILE_READ'] as const;
const partner = generateKey('partner', [...SCOPES], { trustedDocumentsOnly: true, documentsKey: true });
const rival = generateKey('rival', [...SCOPES], { trustedDocumentsOnly: true, documentsKey: true });
const frontEnd = generateKey('front-end', [...SCOPES], { documentsKey: true });
const withoutDocumentsKey = generateKey('no-documents-key', [...SCOPES], { trustedDocumentsOnly: true });
const ring = ApiKeyRing.parse(JSON.stringify({ keys: [partner.entry, rival.entry, frontEnd.entry, withoutDocumentsKey.entry] }), 'test keys');

const PER_KEY = 6;
const store = new SqliteKeyDocumentStore(':memory:');
const logs = capturedLogs();
const stack = useGateway({ apiKeys: ring, logging: logs.logger, gateway: { keyDocuments: { store, perKey: PER_KEY } } });
afterAll(() => store.close());

const SCHEMA = readFileSync(new URL('../../schema/schema.graphql', import.meta.url), 'utf8');
const MERCHANT = 'query PartnerMerchant { merchant { businessName country } }';
const LOCATIONS = 'query PartnerLocations($first: Int) { locations { name } customers(first: $first) { edges { node { givenName } } } }';

/** What a partner's build makes: graphql-codegen's client preset, persistedDocuments on, over its operations. */
let manifest: Record<string, string>;
let sha1Manifest: Record<string, string>;
beforeAll(async () => {
  manifest = await clientPresetManifest(SCHEMA, [MERCHANT, LOCATIONS]);
  sha1Manifest = await clientPresetManifest(SCHEMA, ['query PartnerMerchantBySha1 { merchant { squareId } }'], 'sha1');
}, 30_000);
const idOf = (manifest: Record<string, string>, name: string) => Object.keys(manifest).find((id) => manifest[id]!.includes(name))!;

const documentsUrl = (id?: string) => new URL(id === undefined ? '/trusted-documents' : `/trusted-documents/${encodeURIComponent(id)}`, stack.url);

async function call(method: string, documentsKey: string | undefined, body?: string, id?: string) {
  const response = await fetch(documentsUrl(id), {
    method,
    headers: { 'content-type': 'application/json', ...(documentsKey ? { authorization: `Bearer ${documentsKey}` } : {}) },
    ...(body === undefined ? {} : { body }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as any };
}

const register = (documentsKey: string, manifest: unknown) => call('PUT', documentsKey, JSON.stringify(manifest));
const listed = async (documentsKey: string) => ((await call('GET', documentsKey)).body.documents as Array<{ id: string }>).map((d) => d.id);

/** Runs a document by id as a client of the preset does (`documentId`), with an API key. */
async function run(key: string, body: Record<string, unknown>) {
  const response = await fetch(stack.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body: JSON.stringify(body) });
  return { status: response.status, ...((await response.json()) as { data?: any; errors?: Array<{ message: string; extensions?: any }> }) };
}

describe("a key's own trusted documents", () => {
  it('registers the manifest the client preset emits, and the key runs each document by the id the preset gave it', async () => {
    const registered = await register(partner.documentsKey!, manifest);
    expect(registered).toMatchObject({ status: 200, body: { added: 2, unchanged: 0, total: 2, limit: PER_KEY } });
    const byDocumentId = await run(partner.key, { documentId: idOf(manifest, 'PartnerMerchant') });
    expect(byDocumentId.errors).toBeUndefined();
    expect(byDocumentId.data.merchant.businessName).toEqual(expect.any(String));
    // Apollo's link, given the preset's hash, sends it as it is.
    const byApollo = await run(partner.key, { extensions: { persistedQuery: { version: 1, sha256Hash: idOf(manifest, 'PartnerLocations') } }, variables: { first: 1 } });
    expect(byApollo.errors).toBeUndefined();
    expect(byApollo.data.locations).toHaveLength(1);
    expect(await listed(partner.documentsKey!)).toEqual(expect.arrayContaining(Object.keys(manifest)));
  });

  it('logs each registration with the key\'s name and counts, never a key', async () => {
    logs.clear();
    await register(frontEnd.documentsKey!, await clientPresetManifest(SCHEMA, ['query LoggedRegistration { locations { id } }']));
    expect(logs.lines().find((line) => line.msg === 'trusted documents registered')).toMatchObject({ key: 'front-end', added: 1, unchanged: 0 });
    await register('gd_not-a-key', manifest);
    for (const secret of [frontEnd.documentsKey!, frontEnd.key, 'gd_not-a-key']) expect(logs.text()).not.toContain(secret);
  });

  it("takes the preset's SHA-1 ids too, run by the bare hex the preset gives", async () => {
    const [id] = Object.keys(sha1Manifest);
    expect(id).toMatch(/^[0-9a-f]{40}$/);
    expect((await register(partner.documentsKey!, sha1Manifest)).status).toBe(200);
    expect((await run(partner.key, { documentId: id })).data.merchant.squareId).toEqual(expect.any(String));
  });

  it('registers the same manifest again without change', async () => {
    const before = await listed(partner.documentsKey!);
    const again = await register(partner.documentsKey!, manifest);
    expect(again).toMatchObject({ status: 200, body: { added: 0, unchanged: 2, total: before.length } });
    expect(await listed(partner.documentsKey!)).toEqual(before);
  });

  it("keeps each key's documents its own: no other key runs, lists or removes them", async () => {
    const id = idOf(manifest, 'PartnerMerchant');
    await register(partner.documentsKey!, manifest);
    await stack.clearCalls();
    const rivalRun = await run(rival.key, { documentId: id });
    expect(rivalRun.status).toBe(400);
    expect(rivalRun.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    // A key free to send any document is not given another key's either: to it the id is simply unknown.
    const frontEndRun = await run(frontEnd.key, { documentId: id });
    expect(frontEndRun.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(await stack.calls()).toEqual([]);
    expect(await listed(rival.documentsKey!)).toEqual([]);
    expect((await call('DELETE', rival.documentsKey, undefined, id)).status).toBe(404);
    expect(await listed(partner.documentsKey!)).toContain(id);
  });

  it('lets a key free to send any document run its own registered documents by id as well', async () => {
    expect((await register(frontEnd.documentsKey!, manifest)).status).toBe(200);
    const byId = await run(frontEnd.key, { documentId: idOf(manifest, 'PartnerMerchant') });
    expect(byId.data.merchant.country).toEqual(expect.any(String));
  });

  it('removes a document, which the key then no longer runs', async () => {
    const id = idOf(manifest, 'PartnerLocations');
    await register(partner.documentsKey!, manifest);
    expect(await call('DELETE', partner.documentsKey, undefined, id)).toMatchObject({ status: 200, body: { removed: true } });
    expect(await listed(partner.documentsKey!)).not.toContain(id);
    expect((await run(partner.key, { documentId: id })).errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    expect((await call('DELETE', partner.documentsKey, undefined, id)).status).toBe(404);
    const malformed = await fetch(new URL('/trusted-documents/%E0%A4%A', stack.url), { method: 'DELETE', headers: { authorization: `Bearer ${partner.documentsKey}` } });
    expect(malformed.status).toBe(404);
  });

  it("runs the project's own manifest beside a key's documents", async () => {
    const project = JSON.parse(readFileSync(DEFAULT_MANIFEST, 'utf8')) as Record<string, string>;
    const currentMerchant = Object.keys(project).find((id) => project[id]!.startsWith('query CurrentMerchant '))!;
    // The id a partner's codegen computes for the project's operation is the one the gateway knows.
    const operation = project[currentMerchant]!;
    expect(Object.keys(await clientPresetManifest(SCHEMA, [operation]))).toEqual([currentMerchant]);
    expect((await run(partner.key, { documentId: currentMerchant })).data.merchant.businessName).toEqual(expect.any(String));
  });
});

describe('registration checks', () => {
  it("takes every operation of the project's manifest: each Int variable counted as a page of one, each list as one item", async () => {
    const project = JSON.parse(readFileSync(DEFAULT_MANIFEST, 'utf8')) as Record<string, string>;
    const documents = new SqliteKeyDocumentStore(':memory:');
    const gateway = createGateway({ ...NO_SQUARE, keyDocuments: { store: documents, perKey: 100 } });
    try {
      const registration = await gateway.keyDocuments!.register(ring.find(partner.key)!, project);
      expect(registration).toEqual({ registered: true, added: Object.keys(project).length, unchanged: 0, total: Object.keys(project).length, limit: 100 });
    } finally {
      await gateway.close({ graceMs: 0 });
      await documents.close();
    }
  });
});

describe('registration follows the gateway it is made on', () => {
  it('refuses introspection where introspection is off, as a request would be', async () => {
    const documents = new SqliteKeyDocumentStore(':memory:');
    const gateway = createGateway({ ...NO_SQUARE, introspection: false, keyDocuments: { store: documents, perKey: 10 } });
    try {
      const introspection = 'query Types { __schema { types { name } } }';
      const registration = await gateway.keyDocuments!.register(ring.find(partner.key)!, { [`sha256:${createHash('sha256').update(introspection).digest('hex')}`]: introspection });
      expect(registration).toMatchObject({ registered: false, problems: [{ code: 'INTROSPECTION_DISABLED' }] });
    } finally {
      await gateway.close({ graceMs: 0 });
      await documents.close();
    }
  });
});

describe('registration refuses', () => {
  it('a manifest with any bad entry, whole, naming each bad entry with the code a request would get', async () => {
    const deep = `query TooDeep { customers { edges { node { orders { edges { node { customer { orders { edges { node { customer { orders { edges { node { customer { givenName } } } } } } } } } } } } } } } }`;
    const aliases = `query TooManyAliases { ${Array.from({ length: 31 }, (_, i) => `a${i}: locations { name }`).join(' ')} }`;
    const costly = `query TooCostly { customers(first: 100) { edges { node { orders(first: 100) { edges { node { payments { refunds { id } } } } } } } } }`;
    const good = 'query FreshGood { locations { id } }';
    const bad = {
      ...(await clientPresetManifest(SCHEMA, [good])),
      [`sha256:${'0'.repeat(64)}`]: 'query Mislabelled { locations { name } }',
      'my-own-id': 'query OwnId { locations { name } }',
    };
    const unparsable = 'query Broken { locations { name }';
    const invalid = 'query Invalid { locations { notAField } }';
    // Ids of documents the preset would refuse to print: computed the way it computes them.
    for (const document of [unparsable, invalid, deep, aliases, costly]) bad[`sha256:${createHash('sha256').update(document).digest('hex')}`] = document;

    const refused = await register(partner.documentsKey!, bad);
    expect(refused.status).toBe(400);
    const byEntry = Object.fromEntries((refused.body.errors as Array<{ message: string; extensions: { code: string; entry: string } }>).map((e) => [e.extensions.entry, e]));
    const entry = (document: string) => Object.keys(bad).find((id) => bad[id] === document)!;
    expect(byEntry[`sha256:${'0'.repeat(64)}`]?.extensions.code).toBe('TRUSTED_DOCUMENT_ID_MISMATCH');
    expect(byEntry['my-own-id']?.extensions.code).toBe('TRUSTED_DOCUMENT_ID_MISMATCH');
    expect(byEntry[entry(unparsable)]?.extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(byEntry[entry(invalid)]).toMatchObject({ message: expect.stringContaining('notAField'), extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    expect(byEntry[entry(deep)]).toMatchObject({ extensions: { code: 'QUERY_TOO_COMPLEX', measure: 'depth' } });
    expect(byEntry[entry(aliases)]?.extensions.code).toBe('QUERY_TOO_COMPLEX');
    expect(byEntry[entry(costly)]).toMatchObject({ extensions: { code: 'QUERY_TOO_COMPLEX', measure: 'complexity' } });
    // Only the bad ones are named, and nothing was registered: not even the good one.
    expect(Object.keys(byEntry)).toHaveLength(7);
    expect(await listed(partner.documentsKey!)).not.toContain(entry(good));
  });

  it('a body that is not a manifest, or an empty one', async () => {
    for (const body of ['{"not json', '[]', '"text"', '{}', '{"sha256:abc": 3}']) {
      const refused = await call('PUT', partner.documentsKey, body);
      expect(refused.status, body).toBe(400);
      expect(refused.body.errors[0].extensions.code, body).toBe('BAD_REQUEST');
    }
  });

  it('a body over MAX_BODY_BYTES, unread', async () => {
    const huge = JSON.stringify({ x: 'y'.repeat(1024 * 1024) });
    const refused = await call('PUT', partner.documentsKey, huge);
    expect(refused.status).toBe(413);
    expect(refused.body.errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('documents past the per-key limit, adding none of them', async () => {
    const held = (await listed(rival.documentsKey!)).length;
    const names = Array.from({ length: PER_KEY - held + 1 }, (_, i) => `query Many${i} { locations { id } }`);
    const tooMany = await clientPresetManifest(SCHEMA, names);
    const refused = await register(rival.documentsKey!, tooMany);
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0]).toMatchObject({ message: expect.stringContaining(`at most ${PER_KEY}`), extensions: { code: 'TRUSTED_DOCUMENTS_LIMIT' } });
    expect(await listed(rival.documentsKey!)).toHaveLength(held);
    // Within the limit they are taken.
    const fits = Object.fromEntries(Object.entries(tooMany).slice(1));
    expect(await register(rival.documentsKey!, fits)).toMatchObject({ status: 200, body: { total: PER_KEY } });
  });

  it('every caller but a documents key, which registers for its own key only', async () => {
    for (const presented of [undefined, partner.key, 'gd_not-a-key']) {
      const refused = await register(presented as string, manifest);
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toBe('Bearer');
      expect(refused.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
      expect(JSON.stringify(refused.body)).not.toContain('gd_not-a-key');
    }
    // The key itself, however sent, and a key without a documents key.
    const asApiKey = await fetch(documentsUrl(), { method: 'PUT', headers: { 'x-api-key': withoutDocumentsKey.key }, body: JSON.stringify(manifest) });
    expect(asApiKey.status).toBe(401);
    expect((await run(withoutDocumentsKey.key, { documentId: idOf(manifest, 'PartnerMerchant') })).errors?.[0]?.extensions?.code).toBe(
      'PERSISTED_QUERY_NOT_IN_LIST',
    );
  });

  it('a keys file whose documents key is the key itself', () => {
    const same = JSON.stringify({ keys: [{ ...partner.entry, documentsKeySha256: partner.entry.sha256 }] });
    expect(() => ApiKeyRing.parse(same, 'keys.json')).toThrow(/keys\.0\.documentsKeySha256: must be the hash of a secret other than the key itself/);
  });

  it('other methods, naming those it takes', async () => {
    const post = await call('POST', partner.documentsKey, JSON.stringify(manifest));
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, PUT');
    expect((await call('GET', partner.documentsKey, undefined, 'sha256:x')).status).toBe(405);
  });
});

describe('a store that fails', () => {
  it('answers 503 STORE_UNAVAILABLE to a registration and to a document sent by id, and logs why', async () => {
    const broken = new SqliteKeyDocumentStore(':memory:');
    await broken.close();
    const brokenLogs = capturedLogs();
    const gateway = createTestGateway(stack.emulatorUrl, { apiKeys: ring, logging: brokenLogs.logger, gateway: { keyDocuments: { store: broken, perKey: PER_KEY } } });
    try {
      const url = await gateway.listen();
      const put = await fetch(new URL('/trusted-documents', url), { method: 'PUT', headers: { authorization: `Bearer ${partner.documentsKey}` }, body: JSON.stringify(manifest) });
      expect(put.status).toBe(503);
      expect(((await put.json()) as any).errors[0].extensions.code).toBe('STORE_UNAVAILABLE');
      expect(brokenLogs.lines().some((line) => line.msg === 'trusted documents store failed')).toBe(true);
      const byId = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': partner.key }, body: JSON.stringify({ documentId: idOf(manifest, 'PartnerMerchant') }) });
      expect(byId.status).toBe(503);
      expect(((await byId.json()) as any).errors[0].extensions.code).toBe('STORE_UNAVAILABLE');
    } finally {
      await gateway.close({ graceMs: 0 });
    }
  });
});

describe.skipIf(!DATABASE_URL)('a fleet on one PostgreSQL', () => {
  it('runs on every instance what a key registered on any, until it is removed on any', async () => {
    const location = postgresLocation();
    const stores = await Promise.all([0, 1].map(() => PostgresKeyDocumentStore.open({ connectionString: DATABASE_URL!, schema: location.schema, poolSize: 2 })));
    const [a, b] = stores.map((shared) => createTestGateway(stack.emulatorUrl, { apiKeys: ring, gateway: { keyDocuments: { store: shared, perKey: PER_KEY } } }));
    try {
      const [urlA, urlB] = [await a!.listen(), await b!.listen()];
      const fleetManifest = await clientPresetManifest(SCHEMA, ['query FleetMerchant { merchant { squareId } }']);
      const [id] = Object.keys(fleetManifest);
      const headers = { 'content-type': 'application/json', authorization: `Bearer ${partner.documentsKey}` };
      expect((await fetch(new URL('/trusted-documents', urlA), { method: 'PUT', headers, body: JSON.stringify(fleetManifest) })).status).toBe(200);
      const runOn = async (url: string) =>
        (await (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': partner.key }, body: JSON.stringify({ documentId: id }) })).json()) as any;
      expect((await runOn(urlB)).data.merchant.squareId).toEqual(expect.any(String));
      expect((await fetch(new URL(`/trusted-documents/${id}`, urlB), { method: 'DELETE', headers })).status).toBe(200);
      expect((await runOn(urlA)).errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    } finally {
      await Promise.all([a!.close({ graceMs: 0 }), b!.close({ graceMs: 0 })]);
      await Promise.all(stores.map((shared) => shared.close()));
      await location.drop();
    }
  });
});
