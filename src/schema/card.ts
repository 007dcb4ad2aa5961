import { builder } from './builder.js';
import { Address } from './address.js';
import { CardBrand, CardPrepaidType, CardType } from './enums.js';
import { squareIdFrom } from './ids.js';
import { CardRef, CustomerRef } from './refs.js';

builder.node(CardRef, {
  authScopes: { PAYMENTS_READ: true },
  description: 'A credit or debit card on file, saved for a customer through the Cards API.',
  id: { resolve: (c) => c.id! },
  loadOne: (id, ctx) => ctx.loaders.card.load(id),
  fields: (t) => ({
    squareId: t.string({ nullable: false, description: 'Square’s own id for this card (ccof:…), usable as a payment source.', resolve: (c) => c.id! }),
    cardBrand: t.field({
      type: CardBrand,
      nullable: true,
      description: 'The card network or issuer, e.g. VISA or MASTERCARD.',
      resolve: (c) => c.cardBrand ?? null,
    }),
    last4: t.exposeString('last4', { nullable: true, description: 'The last four digits of the card number.' }),
    expMonth: t.int({
      nullable: true,
      description: 'The expiration month, 1 to 12.',
      resolve: (c) => (c.expMonth == null ? null : Number(c.expMonth)),
    }),
    expYear: t.int({
      nullable: true,
      description: 'The expiration year, four digits (e.g. 2027).',
      resolve: (c) => (c.expYear == null ? null : Number(c.expYear)),
    }),
    cardholderName: t.exposeString('cardholderName', { nullable: true, description: 'The name on the card, when it was given.' }),
    billingAddress: t.field({
      type: Address,
      nullable: true,
      description: 'The billing address saved with the card, when it was given.',
      resolve: (c) => c.billingAddress ?? null,
    }),
    enabled: t.boolean({
      nullable: false,
      description: 'False once the card is disabled; a disabled card cannot be charged.',
      resolve: (c) => c.enabled !== false,
    }),
    cardType: t.field({
      type: CardType,
      nullable: true,
      description: 'Credit or debit; null when Square did not report it.',
      resolve: (c) => c.cardType ?? null,
    }),
    prepaidType: t.field({
      type: CardPrepaidType,
      nullable: true,
      description: 'Whether the card is prepaid; null when Square did not report it.',
      resolve: (c) => c.prepaidType ?? null,
    }),
    bin: t.exposeString('bin', { nullable: true, description: 'The first six digits of the card number.' }),
    fingerprint: t.exposeString('fingerprint', {
      nullable: true,
      description: 'The same for every copy of the same card number at this seller.',
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
      resolve: (c, _args, ctx) => (c.customerId ? ctx.loaders.customer.load(c.customerId) : null),
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
