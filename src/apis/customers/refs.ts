import type { Square } from 'square';
import { builder } from '../../schema/builder.js';

/**
 * The object types of the graph, declared before any is implemented so that type
 * modules can point at each other (an order's customer, a customer's orders).
 * Each is implemented in its own module.
 */
export const CustomerRef = builder.objectRef<Square.Customer>('Customer');

export const CustomerConnection = builder.connectionObject(
  {
    type: CustomerRef,
    name: 'CustomerConnection',
    description: 'A page of customer profiles.',
  },
  { description: 'A customer in a page of customers, with its cursor.' },
);
