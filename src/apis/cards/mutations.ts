import { z } from 'zod';
import { builder } from '../../schema/builder.js';
import { AddressInput, squareAddress } from '../../schema/address.js';
import { ConflictError, ConsentRequiredError, NotFoundError, PaymentDeclinedError, ValidationError } from '../../schema/errors.js';
import { CardRef } from './refs.js';
import { IDEMPOTENCY_KEY_MAX, idInput, idempotencyKey, mutationErrors, present, requireCustomer, squareWrite, validateInput } from '../../schema/write.js';
import { staleAfter } from './events.js';

/** Square's limits on the card fields a seller may set (Card in its spec). */
const saveCardSchema = z.object({
  sourceId: z.string().min(1, 'sourceId must not be empty').max(16384, 'sourceId is at most 16384 characters'),
  cardholderName: z.string().max(96, 'cardholderName is at most 96 characters').optional(),
  referenceId: z.string().max(128, 'referenceId is at most 128 characters').optional(),
  idempotencyKey: idempotencyKey(IDEMPOTENCY_KEY_MAX.saveCard),
});

/** CreateCard names the card's fields under `card.`; the input has them at the top. */
const CARD_FIELDS = {
  'card.customer_id': 'input.customerId',
  'card.cardholder_name': 'input.cardholderName',
  'card.reference_id': 'input.referenceId',
  'card.billing_address': 'input.billingAddress',
  'card.billing_address.postal_code': 'input.billingAddress.postalCode',
};

const SaveCardInput = builder.inputType('SaveCardInput', {
  description: 'A card to keep on file for a customer, from a payment token the buyer’s browser or app produced.',
  fields: (t) => ({
    customerId: t.id({ required: true, description: 'The customer to save the card for: their id or squareId.' }),
    sourceId: t.string({
      required: true,
      description: 'The payment token (cnon:…) from the Web Payments SDK or In-App Payments SDK; it can be used once.',
    }),
    verificationToken: t.string({
      required: false,
      description: 'The buyer verification token (Strong Customer Authentication) from the same SDK, when it asked for one.',
    }),
    cardholderName: t.string({ required: false, description: 'The name on the card, up to 96 characters.' }),
    billingAddress: t.field({
      type: AddressInput,
      required: false,
      description: 'The billing address; when its postal code is given, the card issuer checks it against the card.',
    }),
    referenceId: t.string({ required: false, description: 'Your own reference for the card, up to 128 characters.' }),
    idempotencyKey: t.string({
      required: true,
      description: 'Your unique key for this save, 1 to 45 characters: send the same key again to retry without saving the card twice.',
    }),
    customerConsent: t.boolean({
      required: true,
      description:
        'True only when the buyer agreed to keep this card on file (e.g. ticked a checkbox). Square requires that permission; without it nothing is saved.',
    }),
  }),
});

const DisableCardInput = builder.inputType('DisableCardInput', {
  description: 'The card on file to disable.',
  fields: (t) => ({
    cardId: t.id({ required: true, description: 'The card’s id or squareId (ccof:…).' }),
  }),
});

builder.mutationFields((t) => ({
  saveCard: t.field({
    type: CardRef,
    description:
      'Saves a card on file for a customer with the buyer’s permission (Square CreateCard in the Cards API). The card can then pay through chargeCustomer or createPayment.',
    authScopes: { $all: { CUSTOMERS_WRITE: true, PAYMENTS_WRITE: true } },
    errors: mutationErrors('saveCard', [ValidationError, NotFoundError, PaymentDeclinedError, ConsentRequiredError, ConflictError], {
      name: 'card',
      description: 'The card now on file.',
    }),
    args: { input: t.arg({ type: SaveCardInput, required: true, description: 'The card and the buyer’s permission.' }) },
    resolve: async (_root, { input }, ctx) => {
      // Checked first: without the buyer's permission nothing about the card goes to Square.
      if (input.customerConsent !== true) throw new ConsentRequiredError();
      const customerId = idInput(input.customerId, 'Customer', 'input.customerId');
      const valid = validateInput(saveCardSchema, present(input));
      const billingAddress = input.billingAddress ? squareAddress(input.billingAddress, 'input.billingAddress') : undefined;
      await requireCustomer(ctx, customerId, 'input.customerId');
      const { card } = await squareWrite(ctx, {
        send: () =>
          ctx.square.cards.create(
            {
              idempotencyKey: valid.idempotencyKey,
              sourceId: valid.sourceId,
              ...(input.verificationToken ? { verificationToken: input.verificationToken } : {}),
              card: {
                customerId,
                ...(valid.cardholderName !== undefined ? { cardholderName: valid.cardholderName } : {}),
                ...(valid.referenceId !== undefined ? { referenceId: valid.referenceId } : {}),
                ...(billingAddress ? { billingAddress } : {}),
              },
            },
          ),
        settle: 'resend',
        stale: (r) => staleAfter.card(r?.card?.id),
        fields: CARD_FIELDS,
        secrets: [input.sourceId, input.verificationToken],
      });
      ctx.loaders.card.clear(card!.id!).prime(card!.id!, card!);
      ctx.loaders.cardsByCustomer.clear(customerId);
      return card!;
    },
  }),
  disableCard: t.field({
    type: CardRef,
    description:
      'Disables a card on file (Square DisableCard) so that it can no longer be charged; this cannot be undone. Disabling a disabled card changes nothing.',
    authScopes: { PAYMENTS_WRITE: true },
    errors: mutationErrors('disableCard', [ValidationError, NotFoundError], { name: 'card', description: 'The card, now disabled.' }),
    args: { input: t.arg({ type: DisableCardInput, required: true, description: 'Which card.' }) },
    resolve: async (_root, { input }, ctx) => {
      const cardId = idInput(input.cardId, 'Card', 'input.cardId');
      const { card } = await squareWrite(ctx, {
        send: () => ctx.square.cards.disable({ cardId }),
        settle: async () => {
          const current = await ctx.loaders.currentCard(cardId);
          return current?.enabled === false ? { card: current } : undefined;
        },
        fields: { '': 'input.cardId', card_id: 'input.cardId' },
        stale: () => staleAfter.card(cardId),
      });
      ctx.loaders.card.clear(cardId).prime(cardId, card!);
      if (card!.customerId) ctx.loaders.cardsByCustomer.clear(card!.customerId);
      return card!;
    },
  }),
}));
