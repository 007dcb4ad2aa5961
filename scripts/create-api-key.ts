import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Scope } from '../src/apis/api.js';
import { SCOPES } from '../src/apis/registry.js';
import { generateKey, sellersSchema, withKeyAdded } from '../src/gateway/api-keys.js';

/**
 * `npm run keys:create -- <name> --scopes …`: a new gateway API key, printed once (give it
 * to the client; only its hash is kept), and its entry, added to the keys file or printed.
 */

const USAGE = `usage: npm run keys:create -- <name> --scopes <SCOPE,SCOPE,…> [options]
  --scopes S,S            comma-separated, from ${SCOPES.join(', ')} (also accepted as the second word)
  --with-reads            add the _READ scope of each _WRITE one, so that the key can read back what it writes
  --trusted-documents-only  the key may run only the trusted documents, sent by id
  --budget N/B            its budget of query cost: N a second, up to B saved (the keys file's default otherwise)
  --sellers '*'|ID,ID     a partner key: it acts for these connected sellers (merchant ids), or every one ('*'),
                          each request naming one in the X-Square-Merchant-Id header
  --documents-key         also make its documents key (gd_…), with which its owner registers the key's trusted documents
  --file PATH             add the entry to this keys file (GATEWAY_API_KEYS_FILE by default), written whole or not at all;
                          without a file, print {"keys":[entry]}`;

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

function parse() {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        scopes: { type: 'string' },
        'with-reads': { type: 'boolean', default: false },
        'trusted-documents-only': { type: 'boolean', default: false },
        budget: { type: 'string' },
        sellers: { type: 'string' },
        'documents-key': { type: 'boolean', default: false },
        file: { type: 'string' },
      },
    });
  } catch (error) {
    fail((error as Error).message);
  }
}

const { values, positionals } = parse();
const [name, scopeWord, ...extra] = positionals;
if (!name) fail('a name is needed');
if (extra.length > 0) fail(`unexpected: ${extra.join(' ')}`);
const listed = (values.scopes ?? scopeWord ?? '').split(',').filter(Boolean);
const unknown = listed.filter((s) => !SCOPES.includes(s as Scope));
if (listed.length === 0) fail('at least one scope is needed');
if (unknown.length > 0) fail(`unknown scopes: ${unknown.join(', ')}`);
const scopes = [...new Set(values['with-reads'] ? listed.flatMap((s) => (s.endsWith('_WRITE') ? [s.replace('_WRITE', '_READ'), s] : [s])) : listed)] as Scope[];
let budget: { costPerSecond: number; burst: number } | undefined;
if (values.budget !== undefined) {
  const [perSecond, burst] = values.budget.split('/').map(Number);
  if (!(perSecond! > 0) || !(burst! > 0)) fail(`--budget takes N/B, two positive numbers (cost a second / cost saved at most), not ${values.budget}`);
  budget = { costPerSecond: perSecond!, burst: burst! };
}

let sellers: '*' | string[] | undefined;
if (values.sellers !== undefined) {
  const listed = values.sellers.trim() === '*' ? '*' : [...new Set(values.sellers.split(',').map((id) => id.trim()).filter(Boolean))];
  const parsed = sellersSchema.safeParse(listed);
  if (!parsed.success) fail(`--sellers takes '*' or Square merchant ids separated by commas, not ${JSON.stringify(values.sellers)}`);
  sellers = parsed.data;
}

const { key, documentsKey, entry } = generateKey(name, scopes, {
  ...(budget ? { budget } : {}),
  ...(values['trusted-documents-only'] ? { trustedDocumentsOnly: true } : {}),
  ...(sellers ? { sellers } : {}),
  documentsKey: values['documents-key'],
});
const shown = [`API key (give to the client; shown only now): ${key}`];
if (documentsKey) shown.push(`Documents key (registers its trusted documents; keep it in the build, never in the client; shown only now): ${documentsKey}`);
for (const scope of scopes.filter((s) => s.endsWith('_WRITE'))) {
  const read = scope.replace('_WRITE', '_READ') as Scope;
  if (!scopes.includes(read)) console.warn(`note: ${scope} without ${read}: this key can write but not read back what it wrote (--with-reads adds it).`);
}
const file = values.file ?? process.env.GATEWAY_API_KEYS_FILE;
if (file) {
  let current: string | undefined;
  try {
    current = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') fail(`${file} cannot be read: ${(error as Error).message}`);
  }
  let next: string;
  try {
    next = withKeyAdded(current, entry, file);
  } catch (error) {
    fail((error as Error).message);
  }
  // A rename replaces the file at once: a gateway watching it reads the old keys or the new ones, never half a file.
  writeFileSync(`${file}.tmp`, next, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
  console.log(shown.join('\n'));
  console.log(`Added ${name} to ${file}; a running gateway takes it within 5 seconds.`);
} else {
  console.log(shown.join('\n'));
  console.log(`Keys file entry: ${JSON.stringify({ keys: [entry] })}`);
}
