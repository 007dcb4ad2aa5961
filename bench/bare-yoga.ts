import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSchema } from 'graphql';
import { createYoga } from 'graphql-yoga';

/**
 * The least a request to a graphql-yoga server on node:http costs on this machine: the
 * gateway's schema (its checked-in SDL) with graphql-js's default resolvers, no plugins
 * past yoga's own, no logging. Its Query fields answer from BARE_YOGA_DATA, a JSON file of
 * a page's `data` as the gateway answered it, so that the floor bench measures beside the
 * gateway's warm page the same page served from memory: what no gateway built on yoga and
 * graphql-js can go under, whatever its cache. `{ __typename }` measures a request alone.
 */
const schema = buildSchema(readFileSync(new URL('../schema/schema.graphql', import.meta.url), 'utf8'));
const data = JSON.parse(process.env.BARE_YOGA_DATA ? readFileSync(process.env.BARE_YOGA_DATA, 'utf8') : '{}') as Record<string, unknown>;
for (const [name, field] of Object.entries(schema.getQueryType()!.getFields())) field.resolve = () => data[name] ?? null;

const yoga = createYoga({ schema, logging: false, graphiql: false });
const server = createServer(yoga);
server.listen(0, '127.0.0.1', () => console.log(`bare yoga on http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`));
