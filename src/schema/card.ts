import { builder } from './builder.js';
import { Address } from './address.js';
import { CardBrand, CardPrepaidType, CardType } from './enums.js';
import { squareIdFrom } from './ids.js';
import { CardRef, CustomerRef } from './refs.js';

builder.node(CardRef, {
  description: 'A credit or debit card on file, saved for a customer through the Cards API.',
  id: { resolve: (c) => c.id! },
  loadOne: (id, ctx) => ctx.loaders.card.load(id),
  fields: (t) => ({
    squareId: t.string({ nullable: false, description: 'Square’s own id for this card (ccof:…), usable as a payment source.', resolve: (c) => c.id! }),
    cardBrand: t.field({ type: CardBrand, nullable: true, resolve: (c) => c.cardBrand ?? null }),
    last4: t.exposeString('last4', { nullable: true }),
    expMonth: t.int({ nullable: true, resolve: (c) => (c.expMonth == null ? null : Number(c.expMonth)) }),
    expYear: t.int({ nullable: true, resolve: (c) => (c.expYear == null ? null : Number(c.expYear)) }),
    cardholderName: t.exposeString('cardholderName', { nullable: true }),
    billingAddress: t.field({ type: Address, nullable: true, resolve: (c) => c.billingAddress ?? null }),
    enabled: t.boolean({
      nullable: false,
      description: 'False once the card is disabled; a disabled card cannot be charged.',
      resolve: (c) => c.enabled !== false,
    }),
    cardType: t.field({ type: CardType, nullable: true, resolve: (c) => c.cardType ?? null }),
    prepaidType: t.field({ type: CardPrepaidType, nullable: true, resolve: (c) => c.prepaidType ?? null }),
    bin: t.exposeString('bin', { nullable: true, description: 'The first six digits of the card number.' }),
    fingerprint: t.exposeString('fingerprint', {
      nullable: true,
      description: 'The same for every copy of the same card number at this seller.',
    }),
    referenceId: t.exposeString('referenceId', { nullable: true }),
    customer: t.field({
      type: CustomerRef,
      nullable: true,
      resolve: (c, _args, ctx) => (c.customerId ? ctx.loaders.customer.load(c.customerId) : null),
    }),
  }),
});

builder.queryFields((t) => ({
  card: t.field({
    type: CardRef,
    nullable: true,
    description: 'One card on file by id or squareId.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => ctx.loaders.card.load(squareIdFrom(String(args.id), 'Card')),
  }),
}));
