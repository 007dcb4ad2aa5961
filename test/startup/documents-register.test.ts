import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { clientPresetManifest } from '../../scripts/trusted-documents-manifest.js';
import { ApiKeyRing, generateKey } from '../../src/gateway/api-keys.js';
import { SqliteKeyDocumentStore } from '../../src/store/index.js';
import { useGateway } from '../support/gateway.js';

const SCRIPT = fileURLToPath(new URL('../../scripts/register-trusted-documents.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');
const SCHEMA = readFileSync(new URL('../../schema/schema.graphql', import.meta.url), 'utf8');

const dir = mkdtempSync(join(tmpdir(), 'documents-register-'));
const keysFile = join(dir, 'keys.json');
const database = join(dir, 'gateway.db');
const partner = generateKey('partner', ['MERCHANT_PROFILE_READ'], { trustedDocumentsOnly: true });
writeFileSync(keysFile, JSON.stringify({ keys: [partner.entry] }));

// The gateway reads the file the command writes, as `npm start` with GATEWAY_DB would.
const store = new SqliteKeyDocumentStore(database);
const stack = useGateway({ apiKeys: ApiKeyRing.parse(readFileSync(keysFile, 'utf8'), keysFile), gateway: { keyDocuments: { store, perKey: 1000 } } });
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** `npm run documents:register -- …args`, as a shell would run it, with the deployment's keys file and database. */
async function documentsRegister(args: string[]) {
  const { DATABASE_URL: _database, GATEWAY_API_KEYS: _keys, ...rest } = process.env;
  const env = { ...rest, GATEWAY_API_KEYS_FILE: keysFile, GATEWAY_DB: database };
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', TSX, SCRIPT, ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

// Each run of the command loads the schema and its Square APIs: several seconds on a busy 2-core machine.
describe('npm run documents:register', () => {
  it('registers a manifest of the client preset for a key by its name, where the gateway finds it, and again without change', async () => {
    const manifest = await clientPresetManifest(SCHEMA, ['query RegisteredByCommand { merchant { businessName } }']);
    writeFileSync(join(dir, 'persisted-documents.json'), JSON.stringify(manifest));
    const first = await documentsRegister(['--key-name', 'partner', '--file', join(dir, 'persisted-documents.json')]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('Registered 1 documents for partner: 1 new, 0 already registered; it holds 1 of at most 1000.');
    const [id] = Object.keys(manifest);
    const response = await fetch(stack.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': partner.key }, body: JSON.stringify({ documentId: id }) });
    expect(((await response.json()) as any).data.merchant.businessName).toEqual(expect.any(String));
    const again = await documentsRegister(['--key-name', 'partner', '--file', join(dir, 'persisted-documents.json')]);
    expect(again.stdout).toContain('0 new, 1 already registered; it holds 1');
  }, 60_000);

  it('refuses a bad manifest whole, naming each bad entry, and a key it cannot name', async () => {
    const bad = { ...(await clientPresetManifest(SCHEMA, ['query FineByItself { merchant { country } }'])), [`sha256:${'1'.repeat(64)}`]: '{ merchant { country } }' };
    writeFileSync(join(dir, 'bad.json'), JSON.stringify(bad));
    const refused = await documentsRegister(['--key-name', 'partner', '--file', join(dir, 'bad.json')]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`sha256:${'1'.repeat(64)}: TRUSTED_DOCUMENT_ID_MISMATCH`);
    expect((await store.list(partner.entry.sha256)).map((entry) => entry.digest)).not.toContain(Object.keys(bad)[0]!.slice('sha256:'.length));
    const unknown = await documentsRegister(['--key-name', 'nobody', '--file', join(dir, 'bad.json')]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no key named nobody');
    expect(unknown.stderr).toContain('usage: npm run documents:register');
  }, 60_000);
});
