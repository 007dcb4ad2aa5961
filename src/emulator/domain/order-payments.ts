import type { serialization } from 'square';
import { now, type EmulatorContext } from '../context.js';
import { SquareApiError, errors, type SquareErrorBody } from '../plumbing/errors.js';
import { newId } from '../plumbing/ids.js';
import { stringifyJson } from '../plumbing/json.js';
import { computedAmount } from '../plumbing/validation.js';
import { delayElapsed } from './delayed-capture.js';
import { refundToGiftCard } from './gift-card-activities.js';
import { amountOf, money } from './money.js';
import { close, createOrder, saveOrder, reprice, type OrderInput } from './orders.js';

/**
 * Where orders and payments meet, for both APIs: a payment's life after it is taken
 * (settling an elapsed delay, completing, canceling) and what it does to its order
 * (payability, tenders, refunds, PayOrder). The Payments and Orders domains both call
 * this module and it calls neither back, so the two never import each other.
 */

type Order = serialization.Order.Raw;
type Payment = serialization.Payment.Raw;
type Tender = serialization.Tender.Raw;

// ---------------------------------------------------------------------------------------------
// A payment's life

/**
 * Completes (captures) an APPROVED payment: CreatePayment with autocomplete, CompletePayment,
 * PayOrder and an elapsed `delay_action` of COMPLETE all end here. Adds the payment's tender to its order.
 */
export function completePaymentRecord(ctx: EmulatorContext, merchantId: string, paymentId: string): Payment {
  const payment = requirePayment(ctx, merchantId, paymentId);
  assertApproved(payment);
  return completeApproved(ctx, merchantId, payment, now());
}

/** Voids an APPROVED payment (CancelPayment, and PayOrder for the approved payments it was not given). */
export function cancelPaymentRecord(ctx: EmulatorContext, merchantId: string, paymentId: string): Payment {
  const payment = requirePayment(ctx, merchantId, paymentId);
  assertApproved(payment);
  return cancelPayment(ctx, merchantId, payment, now());
}

/** The payment as it stands now: an APPROVED payment whose delay elapsed has had its `delay_action` applied. */
export function requirePayment(ctx: EmulatorContext, merchantId: string, paymentId: string, field?: string): Payment {
  const payment = ctx.stores.payments.get(merchantId, paymentId);
  if (!payment) throw errors.notFound(`Payment with id ${paymentId} not found.`, field);
  return settle(ctx, merchantId, payment);
}

/** Writes a changed payment with a new version and tells webhook subscribers; `linked` runs between the two. */
export function savePayment(ctx: EmulatorContext, merchantId: string, payment: Payment, linked?: () => void): Payment {
  payment.updated_at = now();
  payment.version_token = newId.versionToken();
  ctx.stores.payments.put(merchantId, payment.id!, payment);
  linked?.();
  emitPayment(ctx, merchantId, 'payment.updated', payment);
  return payment;
}

/** Refuses a stale `version_token` the way Square refuses a stale version. */
export function checkVersion(payment: Payment, versionToken: string | undefined, field: string): void {
  if (versionToken !== undefined && versionToken !== payment.version_token)
    throw errors.versionMismatch(`The payment ${payment.id} has a different version_token than the one given.`, field);
}

/** The Square gift card a payment was paid with, found through its REDEEM activity. */
export function paymentGiftCardId(ctx: EmulatorContext, merchantId: string, payment: Payment): string | undefined {
  if (!isGiftCard(payment)) return undefined;
  return ctx.stores.giftCardActivities
    .all(merchantId)
    .find((s) => s.doc.redeem_activity_details?.payment_id === payment.id)?.doc.gift_card_id ?? undefined;
}

export const isGiftCard = (payment: Payment) => payment.card_details?.card?.card_brand === 'SQUARE_GIFT_CARD';

/** Only APPROVED payments can still change; the others answer with Square's delayed-capture codes. */
export function assertApproved(payment: Payment): void {
  const refuse = (code: SquareErrorBody['code'], detail: string) => {
    throw SquareApiError.of(400, 'INVALID_REQUEST_ERROR', code, detail);
  };
  switch (payment.status) {
    case 'APPROVED':
      return;
    case 'COMPLETED':
      return refuse('DELAYED_TRANSACTION_CAPTURED', `Payment ${payment.id} has already been completed.`);
    case 'FAILED':
      return refuse('DELAYED_TRANSACTION_FAILED', `Payment ${payment.id} has failed.`);
    case 'CANCELED':
      // An elapsed delay voids the card at delayed_until: that payment expired rather than being canceled.
      if (payment.card_details?.card_payment_timeline?.voided_at === payment.delayed_until)
        return refuse('DELAYED_TRANSACTION_EXPIRED', `Payment ${payment.id} expired after its delay_duration.`);
      return refuse('DELAYED_TRANSACTION_CANCELED', `Payment ${payment.id} has been canceled.`);
    default:
      return refuse('BAD_REQUEST', `Payment ${payment.id} is ${payment.status}.`);
  }
}

export function markCompleted(payment: Payment, at: string): void {
  payment.status = 'COMPLETED';
  payment.receipt_url = `https://squareupsandbox.com/receipt/preview/${payment.id}`;
  delete payment.capabilities;
  const card = payment.card_details;
  if (!card) return;
  card.status = 'CAPTURED';
  card.card_payment_timeline = { ...card.card_payment_timeline, captured_at: at };
  if (!isGiftCard(payment)) {
    // Square's card-not-present rate: 2.9% + 30¢, assessed at capture.
    const total = amountOf(payment.total_money);
    payment.processing_fee = [
      { effective_at: at, type: 'INITIAL', amount_money: money((total * 29n + 500n) / 1000n + 30n, payment.total_money!.currency!) },
    ];
  }
}

function completeApproved(ctx: EmulatorContext, merchantId: string, payment: Payment, at: string): Payment {
  markCompleted(payment, at);
  return savePayment(ctx, merchantId, payment, () => {
    if (payment.order_id) addPaymentTender(ctx, merchantId, payment.order_id, payment);
  });
}

/** Voids an APPROVED payment; a gift card's held amount goes back on the card. */
export function cancelPayment(ctx: EmulatorContext, merchantId: string, payment: Payment, at: string): Payment {
  const giftCardId = paymentGiftCardId(ctx, merchantId, payment);
  if (giftCardId)
    refundToGiftCard(ctx, merchantId, {
      giftCardId,
      amountMoney: money(amountOf(payment.total_money), payment.total_money!.currency!),
      paymentId: payment.id!,
      locationId: payment.location_id!,
    });
  payment.status = 'CANCELED';
  delete payment.receipt_number;
  delete payment.capabilities;
  if (payment.card_details) {
    payment.card_details.status = 'VOIDED';
    payment.card_details.card_payment_timeline = { ...payment.card_details.card_payment_timeline, voided_at: at };
  }
  return savePayment(ctx, merchantId, payment);
}

/** Applies an elapsed `delay_action`, as Square would have done at `delayed_until`. */
export function settle(ctx: EmulatorContext, merchantId: string, payment: Payment): Payment {
  if (!delayElapsed(payment)) return payment;
  return payment.delay_action === 'COMPLETE'
    ? completeApproved(ctx, merchantId, payment, payment.delayed_until!)
    : cancelPayment(ctx, merchantId, payment, payment.delayed_until!);
}

/** A payment event carries a copy of the payment as it is at that moment. */
export function emitPayment(ctx: EmulatorContext, merchantId: string, type: 'payment.created' | 'payment.updated', payment: Payment): void {
  ctx.webhooks.emit({
    merchantId,
    type,
    id: payment.id!,
    object: { payment: structuredClone(payment) },
    locationId: payment.location_id ?? undefined,
  });
}

// ---------------------------------------------------------------------------------------------
// Payments against orders

/** What the order's items and service charges come to, tips aside. */
function amountBeforeTips(order: Order): bigint {
  return BigInt(order.total_money?.amount ?? 0) - BigInt(order.total_tip_money?.amount ?? 0);
}

/** What tenders have paid towards the order, tips aside. */
function tendered(order: Order, except?: string | null): bigint {
  return (order.tenders ?? [])
    .filter((t) => !except || t.payment_id !== except)
    .reduce((acc, t) => acc + BigInt(t.amount_money?.amount ?? 0) - BigInt(t.tip_money?.amount ?? 0), 0n);
}

export function payOrder(
  ctx: EmulatorContext,
  merchantId: string,
  orderId: string,
  paymentIds: string[],
  orderVersion: number | undefined,
): Order {
  const order = ctx.stores.orders.require(merchantId, orderId);
  if (orderVersion !== undefined && orderVersion !== order.version)
    throw errors.versionMismatch(`The order's version is ${order.version}, not ${orderVersion}.`, 'order_version');
  if (order.state !== 'OPEN') throw errors.badRequest(`Order ${orderId} is ${order.state} and cannot be paid.`);
  if (new Set(paymentIds).size !== paymentIds.length)
    throw errors.invalidValue('payment_ids', 'The same payment is listed more than once.');
  const payments = paymentIds.map((id) => {
    const payment = ctx.stores.payments.get(merchantId, id);
    if (!payment) throw errors.notFound(`Payment ${id} not found.`, 'payment_ids');
    if (payment.order_id !== orderId)
      throw errors.invalidValue('payment_ids', `Payment ${id} does not belong to order ${orderId}.`);
    if (payment.status !== 'APPROVED' && payment.status !== 'COMPLETED')
      throw errors.invalidValue('payment_ids', `Payment ${id} is ${payment.status}; only APPROVED or COMPLETED payments can pay an order.`);
    return payment;
  });
  const paying = payments.reduce((acc, p) => acc + BigInt(p.amount_money?.amount ?? 0), 0n);
  if (paying !== amountBeforeTips(order))
    throw SquareApiError.of(
      400,
      'INVALID_REQUEST_ERROR',
      'PAYMENT_AMOUNT_MISMATCH',
      `The payments total ${paying}, the order ${amountBeforeTips(order)}.`,
      'payment_ids',
    );
  for (const payment of payments) {
    if (payment.status === 'APPROVED') completePaymentRecord(ctx, merchantId, payment.id!);
    else addPaymentTender(ctx, merchantId, orderId, payment);
  }
  // Square cancels the order's other APPROVED payments: only the ones named pay it.
  for (const { doc } of ctx.stores.payments.all(merchantId)) {
    if (doc.order_id === orderId && doc.status === 'APPROVED' && !paymentIds.includes(doc.id!))
      cancelPaymentRecord(ctx, merchantId, doc.id!);
  }
  const paid = ctx.stores.orders.require(merchantId, orderId);
  if (paid.state !== 'OPEN') return paid;
  const at = now();
  close(paid, 'COMPLETED', at);
  return saveOrder(ctx, merchantId, paid, at);
}

/**
 * The order Square makes for a payment taken without one: OPEN at the payment's
 * location, with one CUSTOM_AMOUNT line item for the payment's amount (the tip
 * arrives with the tender), and the payment's customer.
 */
export function createOrderForPayment(ctx: EmulatorContext, merchantId: string, payment: Payment): Order {
  const locationId = payment.location_id ?? ctx.stores.locations.all(merchantId)[0]!.doc.id!;
  const input: OrderInput = {
    location_id: locationId,
    line_items: [
      {
        name: 'Custom Amount',
        quantity: '1',
        item_type: 'CUSTOM_AMOUNT',
        base_price_money: { amount: payment.amount_money?.amount ?? 0, currency: payment.amount_money?.currency ?? 'USD' },
      },
    ],
  };
  if (payment.customer_id) input.customer_id = payment.customer_id;
  return createOrder(ctx, merchantId, input);
}

/** Refuses a payment that cannot be taken against the order, with Square's errors. */
export function assertOrderPayable(ctx: EmulatorContext, merchantId: string, orderId: string, payment: Payment): Order {
  const order = ctx.stores.orders.require(merchantId, orderId, 'order_id');
  if (order.state !== 'OPEN')
    throw SquareApiError.of(400, 'INVALID_REQUEST_ERROR', 'BAD_REQUEST', `Order ${orderId} is ${order.state} and cannot take payments.`, 'order_id');
  if (payment.location_id && payment.location_id !== order.location_id)
    throw SquareApiError.of(
      400,
      'INVALID_REQUEST_ERROR',
      'LOCATION_MISMATCH',
      `Order ${orderId} is at location ${order.location_id}, the payment at ${payment.location_id}.`,
      'location_id',
    );
  const currency = order.total_money?.currency;
  if (payment.amount_money?.currency !== currency)
    throw SquareApiError.of(
      400,
      'INVALID_REQUEST_ERROR',
      'CURRENCY_MISMATCH',
      `Order ${orderId} is in ${currency}, the payment in ${payment.amount_money?.currency}.`,
      'amount_money.currency',
    );
  const pending = ctx.stores.payments
    .where(merchantId, '$.order_id', [orderId])
    .filter((s) => s.doc.status === 'APPROVED' && s.doc.id !== payment.id)
    .reduce((acc, s) => acc + BigInt(s.doc.amount_money?.amount ?? 0), 0n);
  const remaining = amountBeforeTips(order) - tendered(order, payment.id) - pending;
  if (BigInt(payment.amount_money?.amount ?? 0) > remaining)
    throw SquareApiError.of(
      400,
      'INVALID_REQUEST_ERROR',
      'PAYMENT_AMOUNT_MISMATCH',
      `The payment's amount_money exceeds the ${remaining} that remains to be paid on order ${orderId}.`,
      'amount_money',
    );
  return order;
}

const TENDER_TYPES: Record<string, Tender['type']> = {
  CARD: 'CARD',
  CASH: 'CASH',
  BANK_ACCOUNT: 'BANK_ACCOUNT',
  WALLET: 'WALLET',
  BUY_NOW_PAY_LATER: 'BUY_NOW_PAY_LATER',
  SQUARE_ACCOUNT: 'SQUARE_ACCOUNT',
};

/** The tender a COMPLETED payment becomes on its order; its id is the payment's, as in Square. */
function tenderOf(order: Order, payment: Payment): Tender {
  const currency = payment.amount_money?.currency ?? undefined;
  const amount = BigInt(payment.amount_money?.amount ?? 0) + BigInt(payment.tip_money?.amount ?? 0);
  const giftCard = payment.card_details?.card?.card_brand === 'SQUARE_GIFT_CARD';
  const tender: Tender = {
    id: payment.id!,
    location_id: payment.location_id ?? order.location_id,
    transaction_id: order.id!,
    created_at: now(),
    amount_money: payment.total_money ?? { amount: computedAmount(amount), currency },
    type: giftCard ? 'SQUARE_GIFT_CARD' : (TENDER_TYPES[payment.source_type ?? ''] ?? 'OTHER'),
    payment_id: payment.id!,
  };
  if (payment.note) tender.note = payment.note;
  if (payment.tip_money) tender.tip_money = payment.tip_money;
  if (payment.processing_fee?.length)
    tender.processing_fee_money = {
      amount: computedAmount(payment.processing_fee.reduce((acc, fee) => acc + BigInt(fee.amount_money?.amount ?? 0), 0n)),
      currency,
    };
  if (payment.customer_id) tender.customer_id = payment.customer_id;
  if (payment.card_details) {
    tender.card_details = { status: 'CAPTURED' };
    if (payment.card_details.card) tender.card_details.card = payment.card_details.card;
    if (payment.card_details.entry_method)
      tender.card_details.entry_method = payment.card_details.entry_method as NonNullable<
        serialization.TenderCardDetails.Raw['entry_method']
      >;
  }
  if (payment.cash_details) {
    tender.cash_details = { buyer_tendered_money: payment.cash_details.buyer_supplied_money };
    if (payment.cash_details.change_back_money) tender.cash_details.change_back_money = payment.cash_details.change_back_money;
  }
  if (payment.bank_account_details) tender.bank_account_details = { status: 'COMPLETED' };
  return tender;
}

/**
 * Records a COMPLETED payment as a tender on its order (once per payment) and closes
 * the order when its tenders cover the total.
 */
export function addPaymentTender(ctx: EmulatorContext, merchantId: string, orderId: string, payment: Payment): Order {
  const order = ctx.stores.orders.require(merchantId, orderId, 'order_id');
  if ((order.tenders ?? []).some((t) => t.payment_id === payment.id)) return order;
  order.tenders = [...(order.tenders ?? []), tenderOf(order, payment)];
  const at = now();
  const priced = reprice(ctx, merchantId, order);
  if (priced.state === 'OPEN' && BigInt(priced.net_amount_due_money?.amount ?? 0) === 0n) close(priced, 'COMPLETED', at);
  return saveOrder(ctx, merchantId, priced, at);
}

const REFUND_STATUSES: Record<string, serialization.RefundStatus.Raw> = {
  PENDING: 'PENDING',
  COMPLETED: 'APPROVED',
  REJECTED: 'REJECTED',
  FAILED: 'FAILED',
};

/**
 * Records a payment refund on its order (or its new status, when called again for
 * the same refund). Refunded money shows in the order's return_amounts and comes
 * off its net_amounts; the tender it refunds is the payment's.
 */
export function addRefundToOrder(
  ctx: EmulatorContext,
  merchantId: string,
  orderId: string,
  refund: serialization.PaymentRefund.Raw,
): Order {
  const order = ctx.stores.orders.require(merchantId, orderId, 'order_id');
  const entry: serialization.Refund.Raw = {
    id: refund.id,
    location_id: refund.location_id ?? order.location_id,
    transaction_id: order.id!,
    created_at: refund.created_at ?? now(),
    reason: refund.reason ?? '',
    amount_money: refund.amount_money,
    status: REFUND_STATUSES[refund.status ?? ''] ?? 'PENDING',
  };
  if (refund.payment_id) entry.tender_id = refund.payment_id;
  const refunds = order.refunds ?? [];
  const index = refunds.findIndex((r) => r.id === refund.id);
  if (index >= 0 && stringifyJson(refunds[index]) === stringifyJson(entry)) return order;
  order.refunds = index >= 0 ? refunds.map((r, i) => (i === index ? entry : r)) : [...refunds, entry];
  return saveOrder(ctx, merchantId, order);
}
