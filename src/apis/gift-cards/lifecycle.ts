import type { Square } from 'square';
import { z } from 'zod';
import type { GatewayContext } from '../../context/gateway-context.js';
import { builder } from '../../schema/builder.js';
import { GiftCardDecrementReason, GiftCardIncrementReason } from './enums.js';
import { ConflictError, GatewayError, NotFoundError, ValidationError } from '../../schema/errors.js';
import { GIFT_CARD_STEPS, GiftCardStateError, InsufficientBalanceError, type GiftCardStep } from './errors.js';
import { MoneyInput } from '../../schema/money.js';
import { ganHint } from '../../schema/ids.js';
import { GiftCardActivityRef, GiftCardRef } from './refs.js';
import { IDEMPOTENCY_KEY_MAX, idInput, idempotencyKey, mutationErrors, positiveMoney, present, squareWrite, validateInput } from '../../schema/write.js';
import { staleAfter } from './events.js';

// ---------------------------------------------------------------------------------------------
// Checks before any Square call.

const activityKey = idempotencyKey(IDEMPOTENCY_KEY_MAX.giftCardActivity);
const referenceId = z.string().max(255, 'referenceId is at most 255 characters');

const createSchema = z.object({ idempotencyKey: idempotencyKey(IDEMPOTENCY_KEY_MAX.createGiftCard) });

/** ACTIVATE and LOAD: bought through a Square order, or paid for elsewhere and given with the buyer's instruments. */
const purchaseSchema = z
  .object({
    amountMoney: positiveMoney.optional(),
    lineItemUid: z.string().min(1, 'lineItemUid must not be empty').max(60, 'lineItemUid is at most 60 characters').optional(),
    buyerPaymentInstrumentIds: z
      .array(z.string().min(1, 'a payment instrument id must not be empty').max(255, 'a payment instrument id is at most 255 characters'))
      .optional(),
    referenceId: referenceId.optional(),
    idempotencyKey: activityKey,
    orderId: z.string().optional(),
  })
  .superRefine((p, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (p.orderId !== undefined) {
      if (p.lineItemUid === undefined) issue('lineItemUid', 'With orderId, pass lineItemUid: the uid of the order’s GIFT_CARD line item.');
      return;
    }
    if (p.lineItemUid !== undefined) issue('lineItemUid', 'lineItemUid names a line item of orderId: pass both, or neither.');
    else if (p.amountMoney === undefined) issue('amountMoney', 'Without orderId, pass amountMoney: what the buyer paid onto the card.');
    else if (!p.buyerPaymentInstrumentIds?.length)
      issue(
        'buyerPaymentInstrumentIds',
        'Without orderId, pass the ids of the payment instruments the buyer paid with (e.g. a card id): Square runs compliance checks on them.',
      );
  });

const amountSchema = z.object({ amountMoney: positiveMoney, referenceId: referenceId.optional(), idempotencyKey: activityKey });

const keySchema = z.object({ idempotencyKey: activityKey });

/** A gift card id input; a GAN in its place is refused with the way to look the card up. */
function giftCardIdInput(value: string | number): string {
  const hint = ganHint(String(value));
  if (hint) throw new ValidationError(hint, 'input.giftCardId', 'INVALID_VALUE');
  return idInput(value, 'GiftCard', 'input.giftCardId');
}

// ---------------------------------------------------------------------------------------------
// Square's answers.

/** The fields of an activity's details, Square's name and the input's. */
const DETAIL_FIELDS = [
  ['amount_money', 'amountMoney'],
  ['amount_money.amount', 'amountMoney.amount'],
  ['amount_money.currency', 'amountMoney.currency'],
  ['order_id', 'orderId'],
  ['line_item_uid', 'lineItemUid'],
  ['buyer_payment_instrument_ids', 'buyerPaymentInstrumentIds'],
  ['reference_id', 'referenceId'],
  ['reason', 'reason'],
] as const;

/** Square's field names in a CreateGiftCardActivity request, as the inputs' flat fields. */
const ACTIVITY_FIELDS: Record<string, string> = Object.fromEntries([
  ['idempotency_key', 'input.idempotencyKey'],
  ['gift_card_activity.gift_card_id', 'input.giftCardId'],
  ['gift_card_activity.location_id', 'input.locationId'],
  ...Object.keys(GIFT_CARD_STEPS).flatMap((step) =>
    DETAIL_FIELDS.map(([square, input]) => [`gift_card_activity.${step.toLowerCase()}_activity_details.${square}`, `input.${input}`]),
  ),
]);

/** After an activity, the card's balance or state changed: later reads of this request see it anew. */
function forgetGiftCard(ctx: GatewayContext, giftCardId: string): void {
  ctx.loaders.giftCard.clear(giftCardId);
  ctx.loaders.giftCardsByCustomer.clearAll();
}

/** The card as it is now, or undefined when it cannot be read. */
async function currentCard(ctx: GatewayContext, giftCardId: string): Promise<Square.GiftCard | undefined> {
  try {
    return (await ctx.loaders.giftCard.clear(giftCardId).load(giftCardId)) ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * Square's refusal of an activity in the graph's terms: a short balance, or a card whose
 * state does not allow the step. Square's wording for the latter is not documented, so
 * the card is read after a refusal and judged by its state.
 */
async function activityFailure(ctx: GatewayContext, error: unknown, step: GiftCardStep, giftCardId: string, amount?: Square.Money) {
  if (!(error instanceof GatewayError)) return error;
  if (error.code === 'INSUFFICIENT_FUNDS' && amount) {
    ctx.loaders.giftCard.clear(giftCardId);
    return new InsufficientBalanceError(amount, giftCardId);
  }
  // A load over what Square lets a card hold; nothing else about a gift card is a payment method error.
  if (error.code === 'PAYMENT_LIMIT_EXCEEDED') return new ValidationError(error.message, 'input.amountMoney.amount', error.code);
  if (!(error instanceof ValidationError)) return error;
  const state = (await currentCard(ctx, giftCardId))?.state;
  const allowed: readonly string[] = GIFT_CARD_STEPS[step].from;
  return state && !allowed.includes(state) ? new GiftCardStateError(state, step) : error;
}

/** Records one activity on a gift card (Square CreateGiftCardActivity) under the client's key. */
async function recordActivity(
  ctx: GatewayContext,
  step: GiftCardStep,
  input: { giftCardId: string | number; locationId: string | number },
  idempotencyKey: string,
  details: Partial<Square.GiftCardActivity>,
  amount?: Square.Money,
): Promise<Square.GiftCardActivity> {
  const giftCardId = giftCardIdInput(input.giftCardId);
  const locationId = idInput(input.locationId, 'Location', 'input.locationId');
  try {
    const { giftCardActivity } = await squareWrite(ctx, {
      send: () =>
        ctx.square.giftCards.activities.create({ idempotencyKey, giftCardActivity: { type: step, giftCardId, locationId, ...details } }),
      settle: 'resend',
      fields: ACTIVITY_FIELDS,
      stale: () => staleAfter.giftCard(giftCardId),
    });
    forgetGiftCard(ctx, giftCardId);
    return giftCardActivity!;
  } catch (error) {
    throw await activityFailure(ctx, error, step, giftCardId, amount);
  }
}

/** The details of an ACTIVATE or LOAD, checked. */
function purchase(input: PurchaseFields): Square.GiftCardActivityLoad {
  const orderId = input.orderId != null ? idInput(input.orderId, 'Order', 'input.orderId') : undefined;
  const valid = validateInput(purchaseSchema, present({ ...input, orderId }));
  return {
    ...(input.amountMoney ? { amountMoney: input.amountMoney } : {}),
    ...(orderId ? { orderId, lineItemUid: valid.lineItemUid } : {}),
    ...(valid.buyerPaymentInstrumentIds ? { buyerPaymentInstrumentIds: valid.buyerPaymentInstrumentIds } : {}),
    ...(valid.referenceId !== undefined ? { referenceId: valid.referenceId } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// The graph's inputs.

interface PurchaseFields {
  giftCardId: string | number;
  locationId: string | number;
  amountMoney?: Square.Money | null | undefined;
  orderId?: string | number | null | undefined;
  lineItemUid?: string | null | undefined;
  buyerPaymentInstrumentIds?: string[] | null | undefined;
  referenceId?: string | null | undefined;
  idempotencyKey: string;
}

const fieldDescriptions = {
  giftCardId: 'The gift card (its id or squareId, gftc:…). For the account number on a card, find its id with giftCardByGan.',
  locationId: 'The seller’s location where this happens (id or squareId), for Square’s reports.',
  idempotencyKey:
    'Your unique key for this step, 1 to 128 characters. Send the same input again with the same key to retry safely: Square returns the activity it already recorded instead of moving money twice.',
  purchaseAmount:
    'What the buyer paid onto the card, at least 1 in the smallest unit of the card’s currency. Required without orderId; with one, Square takes it from the line item (and refuses a different amount).',
  orderId: 'A paid Square order with a GIFT_CARD line item that bought this (id or squareId); pass lineItemUid with it.',
  lineItemUid: 'The uid of the order’s GIFT_CARD line item; only with orderId.',
  buyerPaymentInstrumentIds:
    'Without orderId: the ids of the payment instruments the buyer paid with outside Square (e.g. a card id), for Square’s compliance checks.',
  referenceId: 'Your own reference for this step, e.g. the id of the sale in your system; up to 255 characters.',
  amount: 'How much, at least 1 in the smallest unit of the card’s currency.',
};

const CreateGiftCardInput = builder.inputType('CreateGiftCardInput', {
  description: 'A new digital gift card: Square gives it a 16-digit account number (GAN); it is pending until activated.',
  fields: (t) => ({
    locationId: t.id({ required: true, description: 'The location the card is registered at, for reports (id or squareId); it can be used at any.' }),
    idempotencyKey: t.string({
      required: true,
      description:
        'Your unique key for this card, 1 to 128 characters. Send the same input again with the same key to retry safely: Square returns the card it already made.',
    }),
  }),
});

/** Money bought onto a gift card (ACTIVATE, LOAD): the same inputs, whichever step. */
const purchaseInput = (name: string, description: string) =>
  builder.inputType(name, {
    description,
    fields: (t) => ({
      giftCardId: t.id({ required: true, description: fieldDescriptions.giftCardId }),
      locationId: t.id({ required: true, description: fieldDescriptions.locationId }),
      amountMoney: t.field({ type: MoneyInput, required: false, description: fieldDescriptions.purchaseAmount }),
      orderId: t.id({ required: false, description: fieldDescriptions.orderId }),
      lineItemUid: t.string({ required: false, description: fieldDescriptions.lineItemUid }),
      buyerPaymentInstrumentIds: t.stringList({ required: false, description: fieldDescriptions.buyerPaymentInstrumentIds }),
      referenceId: t.string({ required: false, description: fieldDescriptions.referenceId }),
      idempotencyKey: t.string({ required: true, description: fieldDescriptions.idempotencyKey }),
    }),
  });

const ActivateGiftCardInput = purchaseInput(
  'ActivateGiftCardInput',
  'The first money on a pending gift card: either a paid Square order’s GIFT_CARD line item, or an amount paid elsewhere with the buyer’s payment instruments.',
);

const LoadGiftCardInput = purchaseInput(
  'LoadGiftCardInput',
  'More money on an active gift card: either a paid Square order’s GIFT_CARD line item, or an amount paid elsewhere with the buyer’s payment instruments.',
);

const IncrementGiftCardBalanceInput = builder.inputType('IncrementGiftCardBalanceInput', {
  description: 'Money added to an active gift card by the seller, outside a sale (Square ADJUST_INCREMENT).',
  fields: (t) => ({
    giftCardId: t.id({ required: true, description: fieldDescriptions.giftCardId }),
    locationId: t.id({ required: true, description: fieldDescriptions.locationId }),
    amountMoney: t.field({ type: MoneyInput, required: true, description: fieldDescriptions.amount }),
    reason: t.field({ type: GiftCardIncrementReason, required: true, description: 'Why the seller adds the money.' }),
    idempotencyKey: t.string({ required: true, description: fieldDescriptions.idempotencyKey }),
  }),
});

const DecrementGiftCardBalanceInput = builder.inputType('DecrementGiftCardBalanceInput', {
  description: 'Money taken off an active gift card by the seller, outside a redemption (Square ADJUST_DECREMENT).',
  fields: (t) => ({
    giftCardId: t.id({ required: true, description: fieldDescriptions.giftCardId }),
    locationId: t.id({ required: true, description: fieldDescriptions.locationId }),
    amountMoney: t.field({ type: MoneyInput, required: true, description: `${fieldDescriptions.amount} At most the card’s balance.` }),
    reason: t.field({ type: GiftCardDecrementReason, required: true, description: 'Why the seller takes the money off.' }),
    idempotencyKey: t.string({ required: true, description: fieldDescriptions.idempotencyKey }),
  }),
});

const RedeemGiftCardInput = builder.inputType('RedeemGiftCardInput', {
  description: 'A purchase paid with an active gift card outside Square’s Payments API (Square REDEEM).',
  fields: (t) => ({
    giftCardId: t.id({ required: true, description: fieldDescriptions.giftCardId }),
    locationId: t.id({ required: true, description: fieldDescriptions.locationId }),
    amountMoney: t.field({ type: MoneyInput, required: true, description: `${fieldDescriptions.amount} At most the card’s balance.` }),
    referenceId: t.string({ required: false, description: fieldDescriptions.referenceId }),
    idempotencyKey: t.string({ required: true, description: fieldDescriptions.idempotencyKey }),
  }),
});

const DeactivateGiftCardInput = builder.inputType('DeactivateGiftCardInput', {
  description: 'A gift card to shut for good, for suspicious activity (Square DEACTIVATE).',
  fields: (t) => ({
    giftCardId: t.id({ required: true, description: fieldDescriptions.giftCardId }),
    locationId: t.id({ required: true, description: fieldDescriptions.locationId }),
    idempotencyKey: t.string({ required: true, description: fieldDescriptions.idempotencyKey }),
  }),
});

const ACTIVITY_ERRORS = [ValidationError, NotFoundError, ConflictError, GiftCardStateError];
const SPENDING_ERRORS = [...ACTIVITY_ERRORS, InsufficientBalanceError];
const activityResult = (what: string) => ({
  name: 'activity',
  description: `The ${what} activity Square recorded; its giftCard shows the card’s new balance and state.`,
});

builder.mutationFields((t) => ({
  createGiftCard: t.field({
    type: GiftCardRef,
    description:
      'Creates a digital gift card (Square CreateGiftCard) with a Square-generated account number (GAN). It starts PENDING with no balance: activate it with activateGiftCard.',
    authScopes: { GIFTCARDS_WRITE: true },
    errors: mutationErrors('createGiftCard', [ValidationError, NotFoundError, ConflictError], {
      name: 'giftCard',
      description: 'The new gift card, PENDING.',
    }),
    args: { input: t.arg({ type: CreateGiftCardInput, required: true, description: 'Where, and your key.' }) },
    resolve: async (_root, { input }, ctx) => {
      const locationId = idInput(input.locationId, 'Location', 'input.locationId');
      const { idempotencyKey: key } = validateInput(createSchema, input);
      const { giftCard } = await squareWrite(ctx, {
        send: () => ctx.square.giftCards.create({ idempotencyKey: key, locationId, giftCard: { type: 'DIGITAL' } }),
        settle: 'resend',
        fields: { location_id: 'input.locationId', idempotency_key: 'input.idempotencyKey' },
        stale: (r) => staleAfter.giftCard(r?.giftCard?.id),
      });
      ctx.loaders.giftCard.clear(giftCard!.id!).prime(giftCard!.id!, giftCard!);
      return giftCard!;
    },
  }),
  activateGiftCard: t.field({
    type: GiftCardActivityRef,
    description:
      'Activates a pending gift card with its first balance (Square ACTIVATE): from a paid order’s GIFT_CARD line item, or with amountMoney and the buyer’s payment instruments when sold outside Square orders. The card becomes ACTIVE.',
    authScopes: { GIFTCARDS_WRITE: true },
    errors: mutationErrors('activateGiftCard', ACTIVITY_ERRORS, activityResult('ACTIVATE')),
    args: { input: t.arg({ type: ActivateGiftCardInput, required: true, description: 'The card and what was paid onto it.' }) },
    resolve: (_root, { input }, ctx) =>
      recordActivity(ctx, 'ACTIVATE', input, input.idempotencyKey, { activateActivityDetails: purchase(input) }),
  }),
  loadGiftCard: t.field({
    type: GiftCardActivityRef,
    description:
      'Adds money a buyer paid onto an active gift card (Square LOAD): from a paid order’s GIFT_CARD line item, or with amountMoney and the buyer’s payment instruments.',
    authScopes: { GIFTCARDS_WRITE: true },
    errors: mutationErrors('loadGiftCard', ACTIVITY_ERRORS, activityResult('LOAD')),
    args: { input: t.arg({ type: LoadGiftCardInput, required: true, description: 'The card and what was paid onto it.' }) },
    resolve: (_root, { input }, ctx) => recordActivity(ctx, 'LOAD', input, input.idempotencyKey, { loadActivityDetails: purchase(input) }),
  }),
  incrementGiftCardBalance: t.field({
    type: GiftCardActivityRef,
    description: 'Adds money to an active gift card as the seller’s adjustment, e.g. a goodwill credit (Square ADJUST_INCREMENT).',
    authScopes: { GIFTCARDS_WRITE: true },
    errors: mutationErrors('incrementGiftCardBalance', ACTIVITY_ERRORS, activityResult('ADJUST_INCREMENT')),
    args: { input: t.arg({ type: IncrementGiftCardBalanceInput, required: true, description: 'The card, the amount and why.' }) },
    resolve: (_root, { input }, ctx) => {
      const valid = validateInput(amountSchema, input);
      return recordActivity(ctx, 'ADJUST_INCREMENT', input, valid.idempotencyKey, {
        adjustIncrementActivityDetails: { amountMoney: input.amountMoney, reason: input.reason },
      });
    },
  }),
  decrementGiftCardBalance: t.field({
    type: GiftCardActivityRef,
    description:
      'Takes money off an active gift card as the seller’s adjustment, e.g. to reverse a mistaken credit (Square ADJUST_DECREMENT). More than the balance is an InsufficientBalanceError.',
    authScopes: { GIFTCARDS_WRITE: true },
    errors: mutationErrors('decrementGiftCardBalance', SPENDING_ERRORS, activityResult('ADJUST_DECREMENT')),
    args: { input: t.arg({ type: DecrementGiftCardBalanceInput, required: true, description: 'The card, the amount and why.' }) },
    resolve: (_root, { input }, ctx) => {
      const valid = validateInput(amountSchema, input);
      return recordActivity(
        ctx,
        'ADJUST_DECREMENT',
        input,
        valid.idempotencyKey,
        { adjustDecrementActivityDetails: { amountMoney: input.amountMoney, reason: input.reason } },
        input.amountMoney,
      );
    },
  }),
  redeemGiftCard: t.field({
    type: GiftCardActivityRef,
    description:
      'Spends money from an active gift card for a purchase paid outside Square’s Payments API (Square REDEEM). A createPayment with the gift card as source redeems by itself; do not redeem it again. More than the balance is an InsufficientBalanceError.',
    authScopes: { GIFTCARDS_WRITE: true },
    errors: mutationErrors('redeemGiftCard', SPENDING_ERRORS, activityResult('REDEEM')),
    args: { input: t.arg({ type: RedeemGiftCardInput, required: true, description: 'The card and the amount to spend.' }) },
    resolve: (_root, { input }, ctx) => {
      const valid = validateInput(amountSchema, present(input));
      return recordActivity(
        ctx,
        'REDEEM',
        input,
        valid.idempotencyKey,
        { redeemActivityDetails: { amountMoney: input.amountMoney, ...(valid.referenceId !== undefined ? { referenceId: valid.referenceId } : {}) } },
        input.amountMoney,
      );
    },
  }),
  deactivateGiftCard: t.field({
    type: GiftCardActivityRef,
    description:
      'Deactivates a gift card for good, for suspicious activity (Square DEACTIVATE): its balance can no longer change. Square blocks and unblocks cards itself, during chargebacks; its API offers no way to do so.',
    authScopes: { GIFTCARDS_WRITE: true },
    errors: mutationErrors('deactivateGiftCard', ACTIVITY_ERRORS, activityResult('DEACTIVATE')),
    args: { input: t.arg({ type: DeactivateGiftCardInput, required: true, description: 'The card to deactivate.' }) },
    resolve: (_root, { input }, ctx) => {
      const valid = validateInput(keySchema, input);
      // SUSPICIOUS_ACTIVITY is the one reason Square lets an application give.
      return recordActivity(ctx, 'DEACTIVATE', input, valid.idempotencyKey, { deactivateActivityDetails: { reason: 'SUSPICIOUS_ACTIVITY' } });
    },
  }),
}));
