import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSchema, createYoga } from 'graphql-yoga';

/**
 * The least a request to a graphql-yoga server on node:http costs on this machine: one
 * field, no plugins past yoga's own, no logging. The floor bench measures `{ __typename }`
 * on it beside the gateway's warm page, for what no gateway built on yoga can go under.
 */
const yoga = createYoga({
  schema: createSchema({ typeDefs: 'type Query { ok: Boolean }', resolvers: { Query: { ok: () => true } } }),
  logging: false,
  graphiql: false,
});
const server = createServer(yoga);
server.listen(0, '127.0.0.1', () => console.log(`bare yoga on http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`));
