import type { Square } from 'square';
import { builder } from '../../schema/builder.js';

export const PaymentRef = builder.objectRef<Square.Payment>('Payment');

export const PaymentConnection = builder.connectionObject(
  {
    type: PaymentRef,
    name: 'PaymentConnection',
    description: 'A page of payments, newest first.',
  },
  { description: 'A payment in a page of payments, with its cursor.' },
);
