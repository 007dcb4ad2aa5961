import { lexicographicSortSchema } from 'graphql';
import { builder } from './builder.js';
import './scalars.js';
import './enums.js';
import './money.js';
import './address.js';
import './customer.js';
import './card.js';
import './gift-card.js';
import './order.js';
import './payment.js';
import './refund.js';
import './location.js';
import './node.js';
import './errors.js';
import './mutations/customers.js';
import './mutations/cards.js';
import './mutations/payments.js';
import './mutations/refunds.js';
import './mutations/orders.js';
import './mutations/gift-cards.js';
import './mutations/gift-card-lifecycle.js';
import './subscriptions.js';

/** The gateway's schema: every type module above has added its part to the builder. */
export const schema = lexicographicSortSchema(builder.toSchema());
