import { lexicographicSortSchema } from 'graphql';
import { builder } from './builder.js';
import './scalars.js';
import './enums.js';
import './money.js';
import './address.js';
import './node.js';
import './errors.js';
// Every Square API's types, mutations and subscriptions, added to the builder as the registry loads them.
import { SQUARE_APIS } from '../apis/registry.js';
// The gateway's own features beside Square's APIs: bulk operations and the change feed.
import '../bulk/schema.js';
import '../changes/schema.js';
// Partners' outbound webhooks: subscriptions to the live updates' events, and their deliveries.
import '../outbound/schema.js';

/** "a, b and c" */
const listed = (phrases: string[]) => (phrases.length < 2 ? phrases.join('') : `${phrases.slice(0, -1).join(', ')} and ${phrases.at(-1)}`);

builder.queryType({
  description: `Read a Square seller’s data: ${listed(SQUARE_APIS.flatMap((api) => api.reads ?? []))}.`,
});

builder.mutationType({
  description: `Change a Square seller’s data: ${listed(SQUARE_APIS.flatMap((api) => api.writes ?? []))}. Every money-moving write takes your idempotency key, so a retry never charges twice. A success result always says what Square did, even to a key that may write but not read: the written object’s id, squareId and state answer, and its other fields need the read scope.`,
});

/** The gateway's schema: every type module above has added its part to the builder. */
export const schema = lexicographicSortSchema(builder.toSchema());
