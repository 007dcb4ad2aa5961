import type { Square } from 'square';
import { builder } from '../../schema/builder.js';

export const OrderRef = builder.objectRef<Square.Order>('Order');

export const OrderConnection = builder.connectionObject(
  {
    type: OrderRef,
    name: 'OrderConnection',
    description: 'A page of orders, newest first.',
  },
  { description: 'An order in a page of orders, with its cursor.' },
);
