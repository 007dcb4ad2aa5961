import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadGraphQLSchemaFromOpenAPI } from '@omnigraph/openapi';
import { createYoga } from 'graphql-yoga';

/**
 * GraphQL Mesh over Square's OpenAPI spec, as a process of its own for bench/mesh.ts:
 * Mesh's OpenAPI source (@omnigraph/openapi, the engine of `@graphql-mesh/openapi`)
 * builds the schema and its resolvers from the spec, served by graphql-yoga as `mesh
 * serve` does. Env: MESH_SPEC (the spec), MESH_SQUARE_URL, MESH_SQUARE_TOKEN.
 */
const specPath = process.env.MESH_SPEC!;
const squareUrl = process.env.MESH_SQUARE_URL!;
const token = process.env.MESH_SQUARE_TOKEN!;

/** What Square's spec takes from its `common.json` on Square's CDN, which this machine cannot reach: plain scalars. */
const COMMON_TYPES: Record<string, string> = { Boolean: 'boolean', Number: 'number', String: 'string', PhoneNumber: 'string' };

function withoutExternalRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutExternalRefs);
  if (node === null || typeof node !== 'object') return node;
  const ref = (node as { $ref?: unknown }).$ref;
  if (typeof ref === 'string' && /^https?:/.test(ref)) {
    const type = COMMON_TYPES[/squareup\.common\.(\w+)$/.exec(ref)?.[1] ?? ''];
    if (!type) throw new Error(`Square's spec refers to ${ref}, which the Mesh bench cannot resolve offline`);
    return { type };
  }
  return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, withoutExternalRefs(value)]));
}

// The patched spec lives in a temp dir for this process only; the repo never holds a copy.
const dir = mkdtempSync(join(tmpdir(), 'bench-mesh-'));
const source = join(dir, 'square-openapi.json');
writeFileSync(source, JSON.stringify(withoutExternalRefs(JSON.parse(readFileSync(specPath, 'utf8')))));
const schema = await loadGraphQLSchemaFromOpenAPI('square', {
  source,
  cwd: dir,
  endpoint: squareUrl,
  operationHeaders: { Authorization: `Bearer ${token}` },
  // SearchOrders is a POST, so Mesh makes it a mutation, and mutations run one after another; a read belongs on Query.
  selectQueryOrMutationField: [{ type: 'query', fieldName: 'SearchOrders' }],
});
rmSync(dir, { recursive: true, force: true });

const yoga = createYoga({ schema, logging: false });
const server = createServer(yoga);
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  console.log(`Mesh: http://127.0.0.1:${port}/graphql`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
