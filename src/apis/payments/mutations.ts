import type { Square } from 'square';
import { z } from 'zod';
import type { GatewayContext } from '../../context/gateway-context.js';
import { builder } from '../../schema/builder.js';
import { ConflictError, NotFoundError, PaymentDeclinedError, ValidationError } from '../../schema/errors.js';
import { MoneyInput } from '../../schema/money.js';
import { PaymentRef } from './refs.js';
import {
  IDEMPOTENCY_KEY_MAX,
  idInput,
  idempotencyKey,
  mutationErrors,
  positiveMoney,
  present,
  requireCustomer,
  squareWrite,
  validateInput,
} from '../../schema/write.js';
import { staleAfter as giftCards } from '../gift-cards/events.js';
import { staleAfter } from './events.js';

/** A tip or app fee: zero is allowed (Square treats it as none), negative is not. */
const extraMoney = z.object({ amount: z.bigint().nonnegative('amount must not be negative'), currency: z.string() });

/**
 * Square's limits on what both createPayment and chargeCustomer send. The amount must be
 * at least 1: Square refuses card payments whose total is not positive, and a payment
 * that is all tip is not one a seller means to take.
 */
const paymentSchema = z
  .object({
    amountMoney: positiveMoney,
    tipMoney: extraMoney.optional(),
    appFeeMoney: extraMoney.optional(),
    referenceId: z.string().max(40, 'referenceId is at most 40 characters').optional(),
    note: z.string().max(500, 'note is at most 500 characters').optional(),
    idempotencyKey: idempotencyKey(IDEMPOTENCY_KEY_MAX.createPayment),
  })
  .superRefine((p, issues) => {
    for (const field of ['tipMoney', 'appFeeMoney'] as const) {
      if (p[field] && p[field].currency !== p.amountMoney.currency)
        issues.addIssue({ code: 'custom', path: [field, 'currency'], message: `${field} must be in the currency of amountMoney` });
    }
  });

/** The fields createPayment and chargeCustomer share, as GraphQL hands them to the resolver. */
interface PaymentFields {
  customerId?: string | number | null | undefined;
  amountMoney: Square.Money;
  tipMoney?: Square.Money | null | undefined;
  appFeeMoney?: Square.Money | null | undefined;
  orderId?: string | number | null | undefined;
  locationId?: string | number | null | undefined;
  autocomplete?: boolean | null | undefined;
  referenceId?: string | null | undefined;
  note?: string | null | undefined;
  idempotencyKey: string;
}

/** Checks the shared fields before any Square call; the request without its source. */
function paymentRequest(input: PaymentFields): Omit<Square.CreatePaymentRequest, 'sourceId'> {
  const customerId = input.customerId != null ? idInput(input.customerId, 'Customer', 'input.customerId') : undefined;
  const orderId = input.orderId != null ? idInput(input.orderId, 'Order', 'input.orderId') : undefined;
  const locationId = input.locationId != null ? idInput(input.locationId, 'Location', 'input.locationId') : undefined;
  validateInput(paymentSchema, present({ ...input }));
  return {
    idempotencyKey: input.idempotencyKey,
    amountMoney: input.amountMoney,
    ...(input.tipMoney ? { tipMoney: input.tipMoney } : {}),
    ...(input.appFeeMoney ? { appFeeMoney: input.appFeeMoney } : {}),
    autocomplete: input.autocomplete ?? true,
    ...(customerId ? { customerId } : {}),
    ...(orderId ? { orderId } : {}),
    ...(locationId ? { locationId } : {}),
    ...(input.referenceId != null ? { referenceId: input.referenceId } : {}),
    ...(input.note != null ? { note: input.note } : {}),
  };
}

/**
 * The one way a payment is taken: CreatePayment, Square's refusals as typed errors with
 * the token cut out of any message, and the loaders told about the new payment.
 */
async function takePayment(
  ctx: GatewayContext,
  request: Square.CreatePaymentRequest,
  fields: Record<string, string> = {},
): Promise<Square.Payment> {
  const { payment } = await squareWrite(ctx, {
    send: () => ctx.square.payments.create(request),
    settle: 'resend',
    fields,
    secrets: [request.sourceId, request.verificationToken],
    stale: (r) => [
      ...staleAfter.payment(r?.payment?.id, r?.payment?.orderId ?? request.orderId),
      // A gift card on file paid: its balance changed.
      ...(request.sourceId.startsWith('gftc:') ? giftCards.giftCard(request.sourceId) : []),
    ],
  });
  paymentChanged(ctx, payment!);
  return payment!;
}

/**
 * After a payment changed (taken, completed, canceled, refunded), the rest of the request
 * reads it anew. Its order gained a tender or a refund, and that order may be listed under
 * a customer other than the payer (the order's own), so every customer's order list goes.
 */
export function forgetPayment(ctx: GatewayContext, paymentId: string, orderId: string | null | undefined): void {
  ctx.loaders.payment.clear(paymentId);
  if (orderId) ctx.loaders.order.clear(orderId);
  ctx.loaders.ordersByCustomer.clearAll();
}

/** Forgets what the payment's change made stale, then keeps the payment as Square answered it. */
function paymentChanged(ctx: GatewayContext, payment: Square.Payment): void {
  forgetPayment(ctx, payment.id!, payment.orderId);
  ctx.loaders.payment.prime(payment.id!, payment);
}

/** Square needs the card's customer for a card on file (ccof:); gift cards on file (gftc:) do without. */
function checkSource(sourceId: string, customerId: string | undefined): void {
  if (sourceId === 'CASH' || sourceId === 'EXTERNAL')
    throw new ValidationError(
      'Cash and external payments need details this mutation does not take; pass a payment token, card on file or gift card.',
      'input.sourceId',
      'INVALID_VALUE',
    );
  if (sourceId.startsWith('ccof:') && !customerId)
    throw new ValidationError(
      'A card on file can only be charged together with the customer it is saved for: pass customerId.',
      'input.customerId',
      'MISSING_REQUIRED_PARAMETER',
    );
}

const PAYMENT_ERRORS = [ValidationError, NotFoundError, PaymentDeclinedError, ConflictError];

const paymentFieldInputs = {
  amountMoney: 'The amount to charge before tip, at least 1 in the smallest currency unit, in the seller’s currency.',
  idempotencyKey:
    'Your unique key for this payment, 1 to 45 characters. Send the same key again to retry safely: Square returns the payment it already took instead of charging twice.',
  note: 'A note for the seller, up to 500 characters.',
  referenceId: 'Your own reference, e.g. an invoice number; up to 40 characters.',
  orderId:
    'The order this payment pays for (its id or squareId); without one Square creates an order for the payment. A captured payment of the order’s total completes the order: payOrder is only for payments taken with autocomplete false.',
  locationId: 'Where the payment is taken (id or squareId); the seller’s main location when omitted.',
};

const CreatePaymentInput = builder.inputType('CreatePaymentInput', {
  description: 'A payment to take from a card, a card on file, a gift card or a bank account.',
  fields: (t) => ({
    sourceId: t.string({
      required: true,
      description:
        'What pays: a payment token from the Web or In-App Payments SDK (cnon:…, bnon:…), a card on file’s squareId (ccof:…) or a gift card’s squareId (gftc:…).',
    }),
    customerId: t.id({
      required: false,
      description: 'The paying customer (id or squareId). Required for a card on file (ccof:…); recommended for a gift card on file.',
    }),
    amountMoney: t.field({ type: MoneyInput, required: true, description: paymentFieldInputs.amountMoney }),
    tipMoney: t.field({ type: MoneyInput, required: false, description: 'A tip on top of amountMoney, 0 or more, in the same currency.' }),
    appFeeMoney: t.field({
      type: MoneyInput,
      required: false,
      description: 'The part of the payment your app keeps, 0 or more, in the same currency; Square caps it at 90% of the total.',
    }),
    orderId: t.id({ required: false, description: paymentFieldInputs.orderId }),
    locationId: t.id({ required: false, description: paymentFieldInputs.locationId }),
    autocomplete: t.boolean({
      required: false,
      defaultValue: true,
      description:
        'True (the default) captures the payment at once; false only authorizes it, to be captured with completePayment (or, with orderId, payOrder) or voided with cancelPayment.',
    }),
    referenceId: t.string({ required: false, description: paymentFieldInputs.referenceId }),
    note: t.string({ required: false, description: paymentFieldInputs.note }),
    verificationToken: t.string({
      required: false,
      description: 'The buyer verification token (Strong Customer Authentication) from the payments SDK, when it asked for one.',
    }),
    idempotencyKey: t.string({ required: true, description: paymentFieldInputs.idempotencyKey }),
  }),
});

const ChargeCustomerInput = builder.inputType('ChargeCustomerInput', {
  description: 'A payment from one of a customer’s cards on file.',
  fields: (t) => ({
    customerId: t.id({ required: true, description: 'The customer to charge: their id or squareId.' }),
    cardId: t.id({
      required: false,
      description:
        'The card on file to charge (id or squareId). When omitted, the customer’s most recently saved enabled card; pass it explicitly when a retry must charge the same card whatever is saved meanwhile.',
    }),
    amountMoney: t.field({ type: MoneyInput, required: true, description: paymentFieldInputs.amountMoney }),
    orderId: t.id({ required: false, description: paymentFieldInputs.orderId }),
    locationId: t.id({ required: false, description: paymentFieldInputs.locationId }),
    referenceId: t.string({ required: false, description: paymentFieldInputs.referenceId }),
    note: t.string({ required: false, description: paymentFieldInputs.note }),
    idempotencyKey: t.string({ required: true, description: paymentFieldInputs.idempotencyKey }),
  }),
});

const CompletePaymentInput = builder.inputType('CompletePaymentInput', {
  description: 'An approved payment to capture.',
  fields: (t) => ({
    paymentId: t.id({ required: true, description: 'The payment’s id or squareId.' }),
    versionToken: t.string({
      required: false,
      description: 'The payment’s version token as you read it; when given, Square refuses with ConflictError if the payment changed since.',
    }),
  }),
});

const CancelPaymentInput = builder.inputType('CancelPaymentInput', {
  description: 'An approved payment to void.',
  fields: (t) => ({ paymentId: t.id({ required: true, description: 'The payment’s id or squareId.' }) }),
});

const CancelPaymentByIdempotencyKeyInput = builder.inputType('CancelPaymentByIdempotencyKeyInput', {
  description: 'The idempotency key of a createPayment or chargeCustomer whose outcome you do not know.',
  fields: (t) => ({
    idempotencyKey: t.string({ required: true, description: 'The key the payment was (perhaps) taken with, 1 to 45 characters.' }),
  }),
});

/**
 * Settles a complete or cancel with an unknown outcome: sent again after it took effect,
 * it would be refused, since the payment is no longer APPROVED. The payment as Square has
 * it now, when it is in the state asked for.
 */
async function paymentIn(ctx: GatewayContext, paymentId: string, status: 'COMPLETED' | 'CANCELED') {
  const payment = await ctx.loaders.currentPayment(paymentId);
  return payment?.status === status ? { payment } : undefined;
}

/** Complete and cancel name no field when they refuse a payment's state: the payment is what is wrong. */
const PAYMENT_STATE_FIELDS = { '': 'input.paymentId', payment_id: 'input.paymentId', version_token: 'input.versionToken' };

builder.mutationFields((t) => ({
  createPayment: t.field({
    type: PaymentRef,
    description:
      'Takes a payment (Square CreatePayment). A decline is a PaymentDeclinedError carrying Square’s code and the FAILED payment. If the answer is lost, send the same input again with the same idempotencyKey: you get the original payment, never a second charge.',
    authScopes: { PAYMENTS_WRITE: true },
    errors: mutationErrors('createPayment', PAYMENT_ERRORS, { name: 'payment', description: 'The payment Square took.' }),
    args: { input: t.arg({ type: CreatePaymentInput, required: true, description: 'The payment to take.' }) },
    resolve: async (_root, { input }, ctx) => {
      const request = paymentRequest(input);
      checkSource(input.sourceId, request.customerId ?? undefined);
      if (request.customerId) await requireCustomer(ctx, request.customerId, 'input.customerId');
      return takePayment(ctx, {
        ...request,
        sourceId: input.sourceId,
        ...(input.verificationToken ? { verificationToken: input.verificationToken } : {}),
      });
    },
  }),
  chargeCustomer: t.field({
    type: PaymentRef,
    description:
      'Charges a customer’s card on file (Square CreatePayment with the card and the customer). Without cardId it charges the customer’s most recently saved enabled card.',
    authScopes: { $all: { PAYMENTS_WRITE: true, PAYMENTS_READ: true } },
    errors: mutationErrors('chargeCustomer', PAYMENT_ERRORS, { name: 'payment', description: 'The payment Square took.' }),
    args: { input: t.arg({ type: ChargeCustomerInput, required: true, description: 'Whom to charge, and how much.' }) },
    resolve: async (_root, { input }, ctx) => {
      const request = paymentRequest(input);
      const customerId = request.customerId!;
      await requireCustomer(ctx, customerId, 'input.customerId');
      const cardId = input.cardId != null ? idInput(input.cardId, 'Card', 'input.cardId') : await latestCard(ctx, customerId);
      return takePayment(ctx, { ...request, sourceId: cardId }, { source_id: 'input.cardId' });
    },
  }),
  completePayment: t.field({
    type: PaymentRef,
    description: 'Captures an approved payment (Square CompletePayment), one taken with autocomplete false.',
    authScopes: { PAYMENTS_WRITE: true },
    errors: mutationErrors('completePayment', [ValidationError, NotFoundError, ConflictError], {
      name: 'payment',
      description: 'The payment, now completed.',
    }),
    args: { input: t.arg({ type: CompletePaymentInput, required: true, description: 'Which payment.' }) },
    resolve: async (_root, { input }, ctx) => {
      const paymentId = idInput(input.paymentId, 'Payment', 'input.paymentId');
      const versionToken = input.versionToken ?? undefined;
      const { payment } = await squareWrite(ctx, {
        send: () => ctx.square.payments.complete({ paymentId, ...(versionToken ? { versionToken } : {}) }),
        settle: () => paymentIn(ctx, paymentId, 'COMPLETED'),
        fields: PAYMENT_STATE_FIELDS,
        stale: (r) => staleAfter.payment(paymentId, r?.payment?.orderId),
      });
      paymentChanged(ctx, payment!);
      return payment!;
    },
  }),
  cancelPayment: t.field({
    type: PaymentRef,
    description: 'Voids an approved payment (Square CancelPayment): the buyer is not charged.',
    authScopes: { PAYMENTS_WRITE: true },
    errors: mutationErrors('cancelPayment', [ValidationError, NotFoundError, ConflictError], {
      name: 'payment',
      description: 'The payment, now canceled.',
    }),
    args: { input: t.arg({ type: CancelPaymentInput, required: true, description: 'Which payment.' }) },
    resolve: async (_root, { input }, ctx) => {
      const paymentId = idInput(input.paymentId, 'Payment', 'input.paymentId');
      const { payment } = await squareWrite(ctx, {
        send: () => ctx.square.payments.cancel({ paymentId }),
        settle: () => paymentIn(ctx, paymentId, 'CANCELED'),
        fields: PAYMENT_STATE_FIELDS,
        stale: (r) => staleAfter.payment(paymentId, r?.payment?.orderId),
      });
      paymentChanged(ctx, payment!);
      return payment!;
    },
  }),
  cancelPaymentByIdempotencyKey: t.field({
    type: 'Boolean',
    description:
      'Voids the payment taken with an idempotency key when you never learned its outcome (Square CancelPaymentByIdempotencyKey), e.g. after a timeout. It also succeeds when no payment went through under that key.',
    authScopes: { PAYMENTS_WRITE: true },
    errors: mutationErrors('cancelPaymentByIdempotencyKey', [ValidationError, ConflictError], {
      name: 'canceled',
      description: 'Always true: no payment under this key will be charged (it was voided, failed, or never taken).',
    }),
    args: { input: t.arg({ type: CancelPaymentByIdempotencyKeyInput, required: true, description: 'The key.' }) },
    resolve: async (_root, { input }, ctx) => {
      const { idempotencyKey: key } = validateInput(
        z.object({ idempotencyKey: idempotencyKey(IDEMPOTENCY_KEY_MAX.cancelPaymentByIdempotencyKey) }),
        input,
      );
      await squareWrite(ctx, {
        send: () => ctx.square.payments.cancelByIdempotencyKey({ idempotencyKey: key }),
        settle: 'resend',
        fields: { '': 'input.idempotencyKey' },
        // Square does not say which payment it voided: its payment.updated event names it.
        stale: () => staleAfter.payment(undefined),
      });
      // Square does not say which payment it voided, so nothing read before can be trusted.
      ctx.loaders.payment.clearAll();
      ctx.loaders.order.clearAll();
      ctx.loaders.ordersByCustomer.clearAll();
      return true;
    },
  }),
}));

/** The customer's most recently saved card that can still be charged. */
async function latestCard(ctx: GatewayContext, customerId: string): Promise<string> {
  const cards = await ctx.loaders.cardsByCustomer.load(customerId);
  // ListCards answers oldest first; reversed, cards saved in the same instant keep the later one first.
  const latest = [...cards]
    .reverse()
    .filter((c) => c.enabled !== false)
    .sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? ''))[0];
  if (!latest?.id)
    throw new ValidationError(
      'This customer has no enabled card on file: save one with saveCard, or pass cardId.',
      'input.cardId',
      'MISSING_REQUIRED_PARAMETER',
    );
  return latest.id;
}
