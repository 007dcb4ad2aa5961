import type { Square } from 'square';
import { z } from 'zod';
import type { GatewayContext } from '../../context/gateway-context.js';
import { builder } from '../../schema/builder.js';
import { ConflictError, NotFoundError, ValidationError } from '../../schema/errors.js';
import { formatMoney, MoneyInput } from '../../schema/money.js';
import { RefundRef } from './refs.js';
import { forgetPayment } from '../payments/mutations.js';
import { IDEMPOTENCY_KEY_MAX, idInput, idempotencyKey, mutationErrors, positiveMoney, present, squareWrite, validateInput } from '../../schema/write.js';
import { staleAfter } from './events.js';

const refundSchema = z.object({
  amountMoney: positiveMoney,
  reason: z.string().max(192, 'reason is at most 192 characters').optional(),
  idempotencyKey: idempotencyKey(IDEMPOTENCY_KEY_MAX.refundPayment),
});

const RefundPaymentInput = builder.inputType('RefundPaymentInput', {
  description: 'Money to give back from a completed payment, all of it or part.',
  fields: (t) => ({
    paymentId: t.id({ required: true, description: 'The payment to refund: its id or squareId.' }),
    amountMoney: t.field({
      type: MoneyInput,
      required: true,
      description: 'How much to give back, at least 1, in the payment’s currency; at most what the payment has left to refund.',
    }),
    reason: t.string({ required: false, description: 'Why, for the seller’s records; up to 192 characters.' }),
    idempotencyKey: t.string({
      required: true,
      description:
        'Your unique key for this refund, 1 to 45 characters. Send the same key again to retry safely: Square returns the refund it already made instead of refunding twice.',
    }),
  }),
});

/** Why a payment that is neither completed nor approved cannot be refunded, as the start of a sentence. */
const NOT_REFUNDABLE: Record<string, string> = {
  FAILED: 'This payment failed',
  CANCELED: 'This payment was canceled',
  PENDING: 'This payment is still pending',
};

/**
 * Refuses, without asking Square to refund, what Square would refuse anyway: a payment
 * that is not completed, another currency, more than the payment has left. One case is
 * left to Square: an amount over what is left that equals an earlier refund of the payment
 * may be the retry of that refund with its key, which Square answers with the refund it made.
 */
async function checkRefundable(ctx: GatewayContext, paymentId: string, amount: Square.Money): Promise<void> {
  const payment = await ctx.loaders.payment.load(paymentId);
  if (!payment) throw new NotFoundError('No payment with this id exists for this seller.', 'input.paymentId');
  if (payment.status !== 'COMPLETED')
    throw new ValidationError(
      payment.status === 'APPROVED'
        ? 'This payment is only approved: complete it with completePayment before refunding, or void it with cancelPayment.'
        : `${NOT_REFUNDABLE[payment.status ?? ''] ?? 'This payment is not completed'} and cannot be refunded; only completed payments can.`,
      'input.paymentId',
      payment.status === 'APPROVED' ? 'REFUND_ERROR_PAYMENT_NEEDS_COMPLETION' : 'PAYMENT_NOT_REFUNDABLE',
    );
  const currency = payment.totalMoney?.currency ?? 'USD';
  if (amount.currency !== currency)
    throw new ValidationError(`A refund is in the payment’s currency, ${currency}.`, 'input.amountMoney.currency', 'CURRENCY_MISMATCH');
  const total = BigInt(payment.totalMoney?.amount ?? 0n);
  const remaining = total - BigInt(payment.refundedMoney?.amount ?? 0n);
  if (BigInt(amount.amount!) <= remaining) return;
  if (remaining < total && (await earlierRefundOf(ctx, payment, amount))) return;
  throw new ValidationError(
    `The refund is more than this payment has left to refund (${formatMoney(remaining, currency)} of ${formatMoney(total, currency)}).`,
    'input.amountMoney.amount',
    'REFUND_AMOUNT_INVALID',
  );
}

async function earlierRefundOf(ctx: GatewayContext, payment: Square.Payment, amount: Square.Money): Promise<boolean> {
  const refunds = await ctx.loaders.refund.loadMany(payment.refundIds ?? []);
  return refunds.some((r) => r !== null && !(r instanceof Error) && BigInt(r.amountMoney.amount ?? 0n) === BigInt(amount.amount!));
}

builder.mutationFields((t) => ({
  refundPayment: t.field({
    type: RefundRef,
    description:
      'Refunds a completed payment in full or in part (Square RefundPayment). Card refunds start PENDING and complete once the card network settles them.',
    authScopes: { $all: { PAYMENTS_WRITE: true, PAYMENTS_READ: true } },
    errors: mutationErrors('refundPayment', [ValidationError, NotFoundError, ConflictError], {
      name: 'refund',
      description: 'The refund Square made.',
    }),
    args: { input: t.arg({ type: RefundPaymentInput, required: true, description: 'The payment and how much to give back.' }) },
    resolve: async (_root, { input }, ctx) => {
      const paymentId = idInput(input.paymentId, 'Payment', 'input.paymentId');
      const valid = validateInput(refundSchema, present(input));
      await checkRefundable(ctx, paymentId, input.amountMoney);
      const { refund } = await squareWrite(ctx, {
        send: () =>
          ctx.square.refunds.refundPayment(
            {
              idempotencyKey: valid.idempotencyKey,
              paymentId,
              amountMoney: input.amountMoney,
              ...(valid.reason !== undefined ? { reason: valid.reason } : {}),
            },
          ),
        settle: 'resend',
        stale: (r) => staleAfter.refund(r?.refund?.id, paymentId, r?.refund?.orderId),
      });
      ctx.loaders.refund.clear(refund!.id).prime(refund!.id, refund!);
      // The payment's refundedMoney and refunds changed: read anew rather than guess its new state.
      forgetPayment(ctx, paymentId, refund!.orderId);
      return refund!;
    },
  }),
}));
