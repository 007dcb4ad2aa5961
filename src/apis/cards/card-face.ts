import type { Square } from 'square';
import type { builder } from '../../schema/builder.js';
import { CardBrand, CardPrepaidType, CardType } from './enums.js';

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

/**
 * What can be read off a card itself, shared by a card on file (`Card`) and the card
 * a payment recorded (`PaymentCard`), which Square describes with the same object.
 */
export function cardFaceFields(t: PothosSchemaTypes.ObjectFieldBuilder<Types, Square.Card>) {
  return {
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
      description: 'The same for every use of the same card number at this seller, so it tells repeat cards apart.',
    }),
  };
}
