import { readFileSync, writeFileSync } from 'node:fs';
import { buildClientSchema, getIntrospectionQuery, printSchema, type IntrospectionQuery } from 'graphql';
import { createGateway } from '../src/gateway/server.js';
import { OFFLINE_GATEWAY } from './offline-gateway.js';

/**
 * `npm run schema:print` writes schema/schema.graphql as the server serves it: the gateway
 * is started here and asked by introspection, so that what plugins add (`@defer` and
 * `@stream`) is in it, and a client's codegen accepts every document the server runs.
 * `npm run schema:check` fails when the checked-in file differs, so the contract never drifts.
 */
const FILE = 'schema/schema.graphql';

async function servedSchema(): Promise<string> {
  // Introspection calls no Square: the gateway's Square is the discard port.
  const gateway = createGateway({ ...OFFLINE_GATEWAY, introspection: true });
  try {
    const url = await gateway.listen();
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, inputValueDeprecation: true }) }),
    });
    const result = (await response.json()) as { data?: IntrospectionQuery; errors?: unknown };
    if (!result.data) throw new Error(`introspection failed: ${JSON.stringify(result.errors)}`);
    return printSchema(buildClientSchema(result.data)) + '\n';
  } finally {
    await gateway.close({ graceMs: 0 });
  }
}

const printed = await servedSchema();
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(FILE, 'utf8');
  } catch {
    // a missing file is drift too
  }
  if (current !== printed) {
    console.error(`${FILE} is out of date with the schema the server serves: run npm run schema:print and commit it.`);
    process.exit(1);
  }
  console.log(`${FILE} matches the schema the server serves.`);
} else {
  writeFileSync(FILE, printed);
  console.log(`wrote ${FILE}`);
}
