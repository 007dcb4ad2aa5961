import { readFileSync, writeFileSync } from 'node:fs';
import { printSchema } from 'graphql';
import { schema } from './index.js';

/**
 * `npm run schema:print` writes schema/schema.graphql from the code; `npm run
 * schema:check` fails when the checked-in file differs, so the contract never drifts.
 */
const FILE = 'schema/schema.graphql';
const printed = printSchema(schema) + '\n';

if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(FILE, 'utf8');
  } catch {
    // a missing file is drift too
  }
  if (current !== printed) {
    console.error(`${FILE} is out of date with the schema code: run npm run schema:print and commit it.`);
    process.exit(1);
  }
  console.log(`${FILE} matches the schema code.`);
} else {
  writeFileSync(FILE, printed);
  console.log(`wrote ${FILE}`);
}
