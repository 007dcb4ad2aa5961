import { generateKey, SCOPES, type Scope } from '../src/gateway/api-keys.js';

/**
 * `npm run keys:create -- <name> <SCOPE,SCOPE,...>`: prints a new gateway API key
 * (give it to the client; it is not stored anywhere) and the hashed entry to add to
 * the keys file or GATEWAY_API_KEYS.
 */
const [name, scopeList] = process.argv.slice(2);
const scopes = (scopeList ?? '').split(',').filter(Boolean) as Scope[];
const unknown = scopes.filter((s) => !SCOPES.includes(s));
if (!name || scopes.length === 0 || unknown.length > 0) {
  console.error(`usage: npm run keys:create -- <name> <scopes>\n  scopes: comma-separated, from ${SCOPES.join(', ')}`);
  if (unknown.length > 0) console.error(`  unknown: ${unknown.join(', ')}`);
  process.exit(2);
}
const { key, entry } = generateKey(name, scopes);
for (const scope of scopes.filter((s) => s.endsWith('_WRITE'))) {
  const read = scope.replace('_WRITE', '_READ') as Scope;
  if (!scopes.includes(read)) console.warn(`note: ${scope} without ${read}: this key can write but not read back what it wrote.`);
}
console.log(`API key (give to the client; shown only now): ${key}`);
console.log(`Keys file entry: ${JSON.stringify(entry)}`);
