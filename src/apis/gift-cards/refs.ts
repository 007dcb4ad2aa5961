import type { Square } from 'square';
import { builder } from '../../schema/builder.js';

export const GiftCardRef = builder.objectRef<Square.GiftCard>('GiftCard');

export const GiftCardActivityRef = builder.objectRef<Square.GiftCardActivity>('GiftCardActivity');

export const GiftCardActivityConnection = builder.connectionObject(
  {
    type: GiftCardActivityRef,
    name: 'GiftCardActivityConnection',
    description: 'A page of a gift card’s activities, newest first.',
  },
  { description: 'A gift card activity in a page of activities, with its cursor.' },
);

export const GiftCardConnection = builder.connectionObject(
  {
    type: GiftCardRef,
    name: 'GiftCardConnection',
    description: 'A page of gift cards, in the order Square lists them.',
  },
  { description: 'A gift card in a page of gift cards, with its cursor.' },
);
