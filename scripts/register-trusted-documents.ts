import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ApiKeyRing } from '../src/gateway/api-keys.js';
import { DEFAULT_GATEWAY_DB, gatewayConfig } from '../src/gateway/config.js';
import { createGateway } from '../src/gateway/server.js';
import { openKeyDocumentStore } from '../src/store/index.js';
import { OFFLINE_GATEWAY } from './offline-gateway.js';

/**
 * `npm run documents:register -- --key-name <name> --file persisted-documents.json`: an
 * operator registers trusted documents for an API key, straight into the store the gateway
 * reads (as the key's owner does with its documents key at PUT /trusted-documents). The
 * manifest is checked by a gateway built here with this environment's settings, exactly as
 * the endpoint checks it, and refused whole when any entry is wrong.
 */

const USAGE = `usage: npm run documents:register -- --key-name <name> --file <persisted-documents.json> [--keys <keys.json>]
  --key-name NAME   the API key the documents are for, by its name in the keys file
  --file PATH       the manifest graphql-codegen's client preset writes with persistedDocuments on
  --keys PATH       the keys file (GATEWAY_API_KEYS_FILE, or GATEWAY_API_KEYS, by default)
The documents go to the store the gateway reads: PostgreSQL with DATABASE_URL, else the SQLite file GATEWAY_DB (${DEFAULT_GATEWAY_DB}).`;

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

function parse() {
  try {
    return parseArgs({ options: { 'key-name': { type: 'string' }, file: { type: 'string' }, keys: { type: 'string' } } }).values;
  } catch (error) {
    fail((error as Error).message);
  }
}

function read<T>(what: string, load: () => T): T {
  try {
    return load();
  } catch (error) {
    fail(`${what}: ${(error as Error).message}`);
  }
}

const values = parse();
const name = values['key-name'];
if (!name) fail('--key-name is needed');
if (!values.file) fail('--file is needed');
const config = read('the configuration', () => gatewayConfig(process.env));
const ring = read('the keys', () => (values.keys ? ApiKeyRing.parse(readFileSync(values.keys, 'utf8'), values.keys) : ApiKeyRing.fromEnv(process.env)));
if (!ring) fail('no keys: set GATEWAY_API_KEYS_FILE (or GATEWAY_API_KEYS), or pass --keys');
const keys = ring.named(name);
if (keys.length !== 1) fail(keys.length === 0 ? `no key named ${name} (revoked keys take no documents)` : `${keys.length} keys are named ${name}: revoke all but one`);
const text = read(values.file, () => readFileSync(values.file!, 'utf8'));
let manifest: unknown;
try {
  manifest = JSON.parse(text);
} catch (error) {
  console.error(`${values.file} is not valid JSON: ${(error as Error).message}`);
  process.exit(1);
}

const store = await openKeyDocumentStore({ databaseUrl: config.databaseUrl, sqlitePath: config.gatewayDb ?? DEFAULT_GATEWAY_DB }).catch((error: Error) =>
  fail(`the store (${config.databaseUrl ? 'DATABASE_URL' : 'GATEWAY_DB'}) could not be opened: ${error.message}`),
);
const gateway = createGateway({
  ...OFFLINE_GATEWAY,
  introspection: config.introspection,
  keyDocuments: { store, perKey: config.trustedDocumentsPerKey },
});
try {
  const registration = await gateway.keyDocuments!.register(keys[0]!, manifest);
  if (registration.registered) {
    console.log(
      `Registered ${registration.added + registration.unchanged} documents for ${name}: ${registration.added} new, ${registration.unchanged} already registered; ` +
        `it holds ${registration.total} of at most ${registration.limit}.`,
    );
  } else {
    console.error(`${values.file} is refused, nothing was registered:`);
    for (const problem of registration.problems) console.error(`  ${problem.entry ? `${problem.entry}: ` : ''}${problem.code}: ${problem.message}`);
    process.exitCode = 1;
  }
} finally {
  await gateway.close({ graceMs: 0 });
  await store.close();
}
