import { builder } from '../../schema/builder.js';
import { Address } from '../../schema/address.js';
import { cardFaceFields } from './card-face.js';
import { squareIdFrom } from '../../schema/ids.js';
import { CardRef } from './refs.js';
import { CustomerRef } from '../customers/refs.js';
import { writeFact, writtenType } from '../../schema/write-facts.js';

builder.node(CardRef, {
  ...writtenType('PAYMENTS_READ'),
  description: 'A credit or debit card on file, saved for a customer through the Cards API.',
  id: { resolve: (c) => c.id!, ...writeFact('PAYMENTS_READ') },
  loadOne: (id, ctx) => ctx.loaders.card.load(id),
  fields: (t) => ({
    squareId: t.string({ ...writeFact('PAYMENTS_READ'), nullable: false, description: 'Square’s own id for this card (ccof:…), usable as a payment source.', resolve: (c) => c.id! }),
    ...cardFaceFields(t),
    cardholderName: t.exposeString('cardholderName', { nullable: true, description: 'The name on the card, when it was given.' }),
    billingAddress: t.field({
      type: Address,
      nullable: true,
      description: 'The billing address saved with the card, when it was given.',
      resolve: (c) => c.billingAddress ?? null,
    }),
    enabled: t.boolean({
      ...writeFact('PAYMENTS_READ'),
      nullable: false,
      description: 'False once the card is disabled; a disabled card cannot be charged.',
      resolve: (c) => c.enabled !== false,
    }),
    referenceId: t.exposeString('referenceId', {
      nullable: true,
      description: 'The seller’s own reference for this card, if they set one.',
    }),
    customer: t.field({
      authScopes: { CUSTOMERS_READ: true },
      type: CustomerRef,
      nullable: true,
      description: 'The customer this card is saved for; null when that profile no longer exists.',
      resolve: (c, _args, ctx) => (c.customerId ? ctx.loaders.customerOrSurvivor.load(c.customerId) : null),
    }),
  }),
});

builder.queryFields((t) => ({
  card: t.field({
    authScopes: { PAYMENTS_READ: true },
    type: CardRef,
    nullable: true,
    description: 'One card on file by id or squareId.',
    args: { id: t.arg.id({ required: true, description: 'The card’s global id or its squareId (ccof:…).' }) },
    resolve: (_root, args, ctx) => ctx.loaders.card.load(squareIdFrom(String(args.id), 'Card')),
  }),
}));

builder.objectFields(CustomerRef, (t) => ({
    cards: t.field({
      authScopes: { PAYMENTS_READ: true },
      extensions: { squareCalls: 'once' },
      type: [CardRef],
      nullable: true,
      description: 'Cards on file for this customer (Cards API), newest last.',
      args: {
        includeDisabled: t.arg.boolean({
          defaultValue: false,
          required: false,
          description: 'Also return cards that were disabled; false by default.',
        }),
      },
      resolve: async (c, args, ctx) => {
        const cards = await ctx.loaders.cardsByCustomer.load(c.id!);
        return args.includeDisabled ? cards : cards.filter((card) => card.enabled !== false);
      },
    }),
}));
