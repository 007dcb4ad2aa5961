import type { serialization } from 'square';
import { now, type EmulatorContext } from '../context.js';
import { SquareApiError, errors } from '../plumbing/errors.js';
import { newId } from '../plumbing/ids.js';
import { refundToGiftCard } from './gift-card-activities.js';
import { amountOf, assertCurrency, money } from './money.js';
import { addRefundToOrder, checkVersion, paymentGiftCardId, requirePayment, savePayment } from './order-payments.js';
import { listPage, timeWindow, type ListQuery } from './payment-lists.js';

/**
 * The Refunds API's operations. Card and bank refunds are answered PENDING, as Square's sandbox does, and read back
 * COMPLETED from then on (refund.updated); cash, external and gift card refunds complete at once.
 */

type Refund = serialization.PaymentRefund.Raw;
type Currency = serialization.Currency.Raw;
type RefundBody = serialization.RefundPaymentRequest.Raw;

export function refundPayment(ctx: EmulatorContext, merchantId: string, body: RefundBody): Refund {
  if (!body.payment_id) throw errors.missing('payment_id');
  for (const field of ['location_id', 'customer_id', 'destination_id', 'cash_details', 'external_details'] as const) {
    if (body[field] !== undefined)
      throw errors.invalidValue(field, `${field} is only allowed for unlinked refunds (unlinked=true).`);
  }
  const payment = requirePayment(ctx, merchantId, body.payment_id, 'payment_id');
  checkVersion(payment, body.payment_version_token ?? undefined, 'payment_version_token');
  const currency = payment.total_money!.currency!;
  assertCurrency(body.amount_money, currency, 'amount_money.currency');
  const refundError = (code: 'REFUND_ERROR_PAYMENT_NEEDS_COMPLETION' | 'PAYMENT_NOT_REFUNDABLE' | 'REFUND_AMOUNT_INVALID', detail: string) =>
    SquareApiError.of(400, 'REFUND_ERROR', code, detail);
  if (payment.status === 'APPROVED')
    throw refundError('REFUND_ERROR_PAYMENT_NEEDS_COMPLETION', `Payment ${payment.id} must be completed before it can be refunded.`);
  if (payment.status !== 'COMPLETED')
    throw refundError('PAYMENT_NOT_REFUNDABLE', `Payment ${payment.id} is ${payment.status} and cannot be refunded.`);
  const remaining = amountOf(payment.total_money) - amountOf(payment.refunded_money);
  if (amountOf(body.amount_money) > remaining)
    throw refundError(
      'REFUND_AMOUNT_INVALID',
      `The requested refund amount exceeds the amount available to refund (${remaining}).`,
    );
  if (body.app_fee_money) {
    assertCurrency(body.app_fee_money, currency, 'app_fee_money.currency');
    if (!payment.app_fee_money || amountOf(body.app_fee_money) > amountOf(body.amount_money))
      throw SquareApiError.of(
        400,
        'INVALID_REQUEST_ERROR',
        'INVALID_FEES',
        'app_fee_money needs an app fee on the payment and cannot exceed amount_money.',
        'app_fee_money',
      );
  }

  const id = newId.refund(payment.id!);
  const createdAt = now();
  const giftCardId = paymentGiftCardId(ctx, merchantId, payment);
  const settlesLater = (payment.source_type === 'CARD' && !giftCardId) || payment.source_type === 'BANK_ACCOUNT';
  const refund: Refund = {
    id,
    status: settlesLater ? 'PENDING' : 'COMPLETED',
    location_id: payment.location_id,
    destination_type: payment.source_type,
    amount_money: money(amountOf(body.amount_money), currency),
    app_fee_money: body.app_fee_money,
    payment_id: payment.id,
    order_id: payment.order_id,
    reason: body.reason,
    created_at: createdAt,
    updated_at: createdAt,
    team_member_id: body.team_member_id,
  };
  if (giftCardId)
    refundToGiftCard(ctx, merchantId, {
      giftCardId,
      amountMoney: money(amountOf(body.amount_money), currency),
      paymentId: payment.id!,
      refundId: id,
      locationId: payment.location_id!,
    });
  ctx.stores.refunds.insert(merchantId, id, refund);
  payment.refund_ids = [...(payment.refund_ids ?? []), id];
  payment.refunded_money = money(amountOf(payment.refunded_money) + amountOf(body.amount_money), currency);
  savePayment(ctx, merchantId, payment);
  if (payment.order_id) addRefundToOrder(ctx, merchantId, payment.order_id, refund);
  emitRefund(ctx, merchantId, 'refund.created', refund);
  return refund;
}

/** A refund of money Square never took: recorded as cash handed back or paid out elsewhere. */
export function unlinkedRefund(ctx: EmulatorContext, merchantId: string, body: RefundBody): Refund {
  if (body.payment_id !== undefined)
    throw errors.invalidValue('payment_id', 'payment_id must not be set for unlinked refunds.');
  if (!body.destination_id) throw errors.missing('destination_id');
  if (!body.location_id) throw errors.missing('location_id');
  const location = ctx.stores.locations.get(merchantId, body.location_id);
  if (!location) throw errors.notFound(`Location with id ${body.location_id} not found.`, 'location_id');
  const currency = (location.currency ?? 'USD') as Currency;
  assertCurrency(body.amount_money, currency, 'amount_money.currency');
  const amount = amountOf(body.amount_money);
  let destination: serialization.DestinationDetails.Raw;
  if (body.destination_id === 'CASH') {
    if (!body.cash_details) throw errors.missing('cash_details');
    const supplied = body.cash_details.seller_supplied_money;
    assertCurrency(supplied, currency, 'cash_details.seller_supplied_money.currency');
    if (amountOf(supplied) < amount)
      throw errors.tooLow('cash_details.seller_supplied_money.amount', 'The seller supplied less money than the refund amount.');
    destination = {
      cash_details: { seller_supplied_money: money(amountOf(supplied), currency), change_back_money: money(amountOf(supplied) - amount, currency) },
    };
  } else if (body.destination_id === 'EXTERNAL') {
    if (!body.external_details) throw errors.missing('external_details');
    destination = { external_details: body.external_details };
  } else {
    throw SquareApiError.of(
      400,
      'INVALID_REQUEST_ERROR',
      'UNSUPPORTED_SOURCE_TYPE',
      'The emulator records unlinked refunds to CASH or EXTERNAL destinations only.',
      'destination_id',
    );
  }
  const createdAt = now();
  const refund: Refund = {
    id: newId.refund(newId.payment()),
    status: 'COMPLETED',
    location_id: body.location_id,
    unlinked: true,
    destination_type: body.destination_id,
    destination_details: destination,
    amount_money: money(amount, currency),
    reason: body.reason,
    created_at: createdAt,
    updated_at: createdAt,
    team_member_id: body.team_member_id,
  };
  ctx.stores.refunds.insert(merchantId, refund.id, refund);
  emitRefund(ctx, merchantId, 'refund.created', refund);
  return refund;
}

/** A card or bank refund is PENDING only until it is next looked at. */
function settleRefund(ctx: EmulatorContext, merchantId: string, refund: Refund): Refund {
  if (refund.status !== 'PENDING') return refund;
  refund.status = 'COMPLETED';
  refund.updated_at = now();
  ctx.stores.refunds.put(merchantId, refund.id, refund);
  if (refund.order_id) addRefundToOrder(ctx, merchantId, refund.order_id, refund);
  emitRefund(ctx, merchantId, 'refund.updated', refund);
  return refund;
}

function emitRefund(ctx: EmulatorContext, merchantId: string, type: string, refund: Refund): void {
  ctx.webhooks.emit({
    merchantId,
    type,
    id: refund.id,
    object: { refund: structuredClone(refund) },
    locationId: refund.location_id ?? undefined,
  });
}

export function retrieveRefund(ctx: EmulatorContext, merchantId: string, id: string): Refund {
  const refund = ctx.stores.refunds.get(merchantId, id);
  if (!refund) throw errors.notFound(`Refund with id ${id} not found.`);
  return settleRefund(ctx, merchantId, refund);
}

/** ListPaymentRefunds; a refund's source type is its payment's (an unlinked refund's, its destination's). */
export function listRefunds(
  ctx: EmulatorContext,
  merchantId: string,
  query: ListQuery & { location_id?: string | undefined; status?: string | undefined; source_type?: string | undefined },
) {
  const inWindow = timeWindow(query);
  const sourceTypes = new Map(ctx.stores.payments.all(merchantId).map((s) => [s.doc.id, s.doc.source_type]));
  const items = ctx
    .tx(() => ctx.stores.refunds.all(merchantId).map((s) => ({ seq: s.seq, doc: settleRefund(ctx, merchantId, s.doc) })))
    .filter(({ doc }) => {
      const sourceType = doc.payment_id ? sourceTypes.get(doc.payment_id) : doc.destination_type;
      return (
        inWindow(doc) &&
        (query.location_id === undefined || doc.location_id === query.location_id) &&
        (query.status === undefined || doc.status === query.status) &&
        (query.source_type === undefined || sourceType === query.source_type)
      );
    });
  const page = listPage(items, query);
  return { refunds: page.items, ...(page.cursor && { cursor: page.cursor }) };
}
