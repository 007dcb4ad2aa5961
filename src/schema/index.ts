import { lexicographicSortSchema } from 'graphql';
import { builder } from './builder.js';
import './scalars.js';
import './enums.js';
import './money.js';
import './address.js';
import './node.js';
import './errors.js';
// Every Square API's types, mutations and subscriptions, added to the builder as the registry loads them.
import '../apis/registry.js';

/** The gateway's schema: every type module above has added its part to the builder. */
export const schema = lexicographicSortSchema(builder.toSchema());
