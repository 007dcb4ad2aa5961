import type { serialization } from 'square';
import { now, type EmulatorContext } from '../context.js';
import { SquareApiError, errors, type SquareErrorBody } from '../plumbing/errors.js';
import { newId, sha256 } from '../plumbing/ids.js';
import { instant } from '../plumbing/timestamps.js';
import { INT64_MAX } from '../plumbing/validation.js';
import { cardFingerprint } from './cards.js';
import { redeemGiftCard, refundToGiftCard } from './gift-card-activities.js';
import { sandboxNonceGiftCard } from './gift-cards.js';
import { mainLocationId } from './locations.js';
import { amountOf, assertCurrency, money, requireMoney } from './money.js';
import {
  addPaymentTender,
  assertApproved,
  assertOrderPayable,
  cancelPayment,
  completePaymentRecord,
  checkVersion,
  createOrderForPayment,
  emitPayment,
  isGiftCard,
  markCompleted,
  paymentGiftCardId,
  requirePayment,
  savePayment,
  settle,
} from './order-payments.js';
import { listPage, timeWindow, type ListQuery } from './payment-lists.js';
import { testSource, type Decline, type TestCard } from './test-values.js';

/** The kinds of EXTERNAL payment (and refund) Square records: `external_details.type`. */
export const EXTERNAL_TYPES = [
  'CHECK',
  'BANK_TRANSFER',
  'OTHER_GIFT_CARD',
  'CRYPTO',
  'SQUARE_CASH',
  'SOCIAL',
  'EXTERNAL',
  'EMONEY',
  'CARD',
  'STORED_BALANCE',
  'FOOD_VOUCHER',
  'OTHER',
] as const;

/**
 * The Payments API's operations: create (every sandbox source), list, update, cancel by idempotency key.
 * Longer than most modules: CreatePayment is one flow — resolve the source, check Square's rules for
 * it, build the payment per funding type, charge a gift card — and reads best in one place.
 */

type Payment = serialization.Payment.Raw;
type Card = serialization.Card.Raw;
type GiftCard = serialization.GiftCard.Raw;
type Currency = serialization.Currency.Raw;
type CreateBody = serialization.CreatePaymentRequest.Raw;
interface ListPaymentsFilters {
  location_id?: string | undefined;
  total?: bigint | undefined;
  last_4?: string | undefined;
  card_brand?: string | undefined;
  is_offline_payment?: boolean | undefined;
  offline_begin_time?: string | undefined;
  offline_end_time?: string | undefined;
}

/** The application every payment taken through the emulated API is attributed to. */
const APPLICATION_ID = 'sandbox-sq0idb-emulator';

/** Card-not-present payments: Square's default delay is 7 days, written as it shows it. */
const DEFAULT_DELAY_DURATION = 'PT168H';

/** Square accepts a delayed-capture window of 1 minute to 7 days for card-not-present payments. */
const DELAY_RANGE_MS = { min: 60_000, max: 7 * 24 * 3_600_000 };

/** What a `source_id` pays with, once resolved. */
type Funding =
  | {
      type: 'CARD';
      card: Card;
      entryMethod: 'KEYED' | 'ON_FILE';
      decline?: Decline | undefined;
      giftCard?: GiftCard;
    }
  | { type: 'BANK_ACCOUNT'; decline?: Decline | undefined }
  | { type: 'CASH' }
  | { type: 'EXTERNAL' };

const verificationRequired: Decline = {
  code: 'CARD_DECLINED_VERIFICATION_REQUIRED',
  detail: 'Authorization error: CARD_DECLINED_VERIFICATION_REQUIRED',
};

const partialWithExtras: Decline = {
  code: 'GIFT_CARD_AVAILABLE_AMOUNT',
  detail: 'A partial gift card authorization cannot include tip_money or app_fee_money.',
};

/** CreatePayment: a payment from any sandbox source, APPROVED or COMPLETED; a decline is recorded FAILED and thrown. */
export function createPayment(ctx: EmulatorContext, merchantId: string, body: CreateBody): Payment {
  // CancelPaymentByIdempotencyKey finds the payment by the key that made it.
  const remember = (id: string) => ctx.stores.paymentKeys.insert(merchantId, body.idempotency_key, { payment_id: id });
  // The spec (and so the SDK) marks amount_money optional; Square refuses a payment without it.
  if (!body.amount_money) throw errors.missing('amount_money');
  const locationId = body.location_id ?? mainLocationId(ctx, merchantId);
  const location = ctx.stores.locations.get(merchantId, locationId);
  if (!location) throw errors.notFound(`Location with id ${locationId} not found.`, 'location_id');
  const currency = (location.currency ?? 'USD') as Currency;
  for (const [field, m] of [
    ['amount_money', body.amount_money],
    ['tip_money', body.tip_money],
    ['app_fee_money', body.app_fee_money],
    ['cash_details.buyer_supplied_money', body.cash_details?.buyer_supplied_money],
    ['external_details.source_fee_money', body.external_details?.source_fee_money],
  ] as const) {
    requireMoney(m, field);
    if (m) assertCurrency(m, currency, `${field}.currency`);
  }
  if (amountOf(body.amount_money) < 0n) throw errors.tooLow('amount_money.amount', 'The amount must not be negative.');
  if (amountOf(body.tip_money) < 0n) throw errors.tooLow('tip_money.amount', 'The tip must not be negative.');
  if (amountOf(body.app_fee_money) < 0n)
    throw errors.tooLow('app_fee_money.amount', 'The app fee must not be negative.');
  if (body.buyer_email_address != null && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(body.buyer_email_address))
    throw SquareApiError.of(400, 'INVALID_REQUEST_ERROR', 'INVALID_EMAIL_ADDRESS', 'The buyer email address is invalid.', 'buyer_email_address');
  if (body.buyer_phone_number != null && !validPhone(body.buyer_phone_number))
    throw SquareApiError.of(400, 'INVALID_REQUEST_ERROR', 'INVALID_PHONE_NUMBER', 'The buyer phone number is invalid.', 'buyer_phone_number');

  const funding = resolveSource(ctx, merchantId, body);
  const autocomplete = body.autocomplete ?? true;
  let amount = amountOf(body.amount_money);
  const tip = amountOf(body.tip_money);
  if (funding.type !== 'CASH' && funding.type !== 'EXTERNAL' && amount + tip <= 0)
    throw errors.tooLow('amount_money.amount', 'The payment amount must be greater than 0.');
  if (amount + tip > INT64_MAX) throw errors.tooHigh('amount_money.amount', 'The payment total (amount and tip) must fit in 64 bits.');
  if (body.accept_partial_authorization && autocomplete)
    throw errors.invalidValue('accept_partial_authorization', 'accept_partial_authorization cannot be true when autocomplete is true.');
  if (!autocomplete && funding.type === 'BANK_ACCOUNT')
    throw errors.invalidValue('autocomplete', 'Bank transfer payments cannot be held for delayed capture.');
  if (body.delay_duration != null) {
    if (funding.type !== 'CARD')
      throw errors.invalidValue('delay_duration', 'delay_duration is only supported for card payments.');
    if (autocomplete)
      throw errors.invalidValue('delay_duration', 'delay_duration can only be set when autocomplete is false.');
    const ms = durationMs(body.delay_duration);
    if (ms === undefined)
      throw errors.invalidValue('delay_duration', 'delay_duration must be an RFC 3339 duration such as PT1H.');
    if (ms < DELAY_RANGE_MS.min) throw errors.tooLow('delay_duration', 'delay_duration must be at least 1 minute.');
    if (ms > DELAY_RANGE_MS.max) throw errors.tooHigh('delay_duration', 'delay_duration must be at most 7 days.');
  }
  const feeCap = ((amount + tip) * 9n) / 10n;
  if (amountOf(body.app_fee_money) > feeCap)
    throw SquareApiError.of(400, 'INVALID_REQUEST_ERROR', 'INVALID_FEES', 'The app fee cannot be more than 90% of the total amount.', 'app_fee_money.amount');
  if (funding.type === 'CASH') {
    if (!body.cash_details) throw errors.missing('cash_details');
    if (amountOf(body.cash_details.buyer_supplied_money) < amount + tip)
      throw errors.tooLow('cash_details.buyer_supplied_money.amount', 'The buyer supplied less money than the payment total.');
  }
  if (funding.type === 'EXTERNAL' && !body.external_details) throw errors.missing('external_details');

  let decline = 'decline' in funding ? funding.decline : undefined;
  if (funding.type === 'CARD' && funding.giftCard && !decline && body.accept_partial_authorization) {
    const balance = amountOf(funding.giftCard.balance_money);
    if (balance > 0 && balance < amount + tip) {
      if (tip > 0 || body.app_fee_money) decline = partialWithExtras;
      else amount = balance;
    }
  }

  const id = newId.payment();
  const createdAt = now();
  const total = amount + tip;
  const payment: Payment = {
    id,
    created_at: createdAt,
    updated_at: createdAt,
    amount_money: money(amount, currency),
    tip_money: body.tip_money,
    total_money: money(total, currency),
    app_fee_money: body.app_fee_money,
    approved_money: decline ? undefined : money(total, currency),
    status: decline ? 'FAILED' : 'APPROVED',
    source_type: funding.type,
    location_id: locationId,
    order_id: body.order_id,
    reference_id: body.reference_id,
    customer_id: body.customer_id,
    team_member_id: body.team_member_id,
    buyer_email_address: body.buyer_email_address,
    billing_address: body.billing_address,
    shipping_address: body.shipping_address,
    note: body.note,
    statement_description_identifier: body.statement_description_identifier,
    receipt_number: id.slice(0, 4),
    application_details: { square_product: 'ECOMMERCE_API', application_id: APPLICATION_ID },
    version_token: newId.versionToken(),
  };
  const businessName = (location.business_name ?? location.name ?? '').toUpperCase();
  const declineError: SquareErrorBody | undefined = decline && {
    category: 'PAYMENT_METHOD_ERROR',
    code: decline.code,
    detail: decline.detail,
  };
  switch (funding.type) {
    case 'CARD': {
      const delay = body.delay_duration ?? DEFAULT_DELAY_DURATION;
      payment.delay_duration = delay;
      payment.delay_action = body.delay_action ?? 'CANCEL';
      payment.delayed_until = new Date(Date.parse(createdAt) + durationMs(delay)!).toISOString();
      const gift = !!funding.giftCard;
      payment.card_details = {
        status: decline ? 'FAILED' : 'AUTHORIZED',
        card: funding.card,
        entry_method: funding.entryMethod,
        cvv_status: gift ? 'CVV_NOT_CHECKED' : decline?.code === 'CVV_FAILURE' ? 'CVV_REJECTED' : 'CVV_ACCEPTED',
        avs_status: gift ? 'AVS_NOT_CHECKED' : decline?.code === 'ADDRESS_VERIFICATION_FAILURE' ? 'AVS_REJECTED' : 'AVS_ACCEPTED',
        auth_result_code: decline ? undefined : newId.uid().slice(0, 6),
        statement_description: `SQ *${businessName}`.slice(0, 50),
        card_payment_timeline: decline ? undefined : { authorized_at: createdAt },
        errors: declineError && [declineError],
      };
      break;
    }
    case 'BANK_ACCOUNT':
      payment.bank_account_details = {
        bank_name: 'Citizens Bank',
        transfer_type: 'ACH',
        account_ownership_type: 'INDIVIDUAL',
        fingerprint: fingerprint(merchantId, body.source_id),
        country: 'US',
        statement_description: businessName,
        ach_details: { routing_number: '011401533', account_number_suffix: '000', account_type: 'CHECKING' },
        errors: declineError && [declineError],
      };
      break;
    case 'CASH': {
      const supplied = body.cash_details!.buyer_supplied_money;
      payment.cash_details = { buyer_supplied_money: supplied, change_back_money: money(amountOf(supplied) - total, currency) };
      break;
    }
    case 'EXTERNAL':
      payment.external_details = body.external_details!;
      break;
  }

  if (body.order_id) assertOrderPayable(ctx, merchantId, body.order_id, payment);
  if (!decline && funding.type === 'CARD' && funding.giftCard) {
    decline = chargeGiftCard(ctx, merchantId, funding.giftCard.id!, payment, total, body.reference_id ?? undefined);
    if (decline) {
      const error: SquareErrorBody = { category: 'PAYMENT_METHOD_ERROR', code: decline.code, detail: decline.detail };
      payment.status = 'FAILED';
      delete payment.approved_money;
      payment.card_details = { ...payment.card_details, status: 'FAILED', errors: [error] };
      delete payment.card_details.auth_result_code;
      delete payment.card_details.card_payment_timeline;
    }
  }

  if (decline) {
    ctx.stores.payments.insert(merchantId, id, payment);
    remember(id);
    emitPayment(ctx, merchantId, 'payment.created', payment);
    throw new SquareApiError(400, payment.card_details?.errors ?? payment.bank_account_details?.errors ?? [], {
      recorded: true,
      body: { payment },
    });
  }

  if (!payment.order_id) payment.order_id = createOrderForPayment(ctx, merchantId, payment).id!;
  if (!autocomplete) payment.capabilities = capabilitiesOf(payment);
  if (autocomplete) markCompleted(payment, createdAt);
  ctx.stores.payments.insert(merchantId, id, payment);
  remember(id);
  if (payment.status === 'COMPLETED') addPaymentTender(ctx, merchantId, payment.order_id, payment);
  emitPayment(ctx, merchantId, 'payment.created', payment);
  return payment;
}

/** Debits a gift card for a payment; a shortfall or blocked card becomes the payment's decline. */
function chargeGiftCard(
  ctx: EmulatorContext,
  merchantId: string,
  giftCardId: string,
  payment: Payment,
  amount: bigint,
  referenceId?: string,
): Decline | undefined {
  try {
    redeemGiftCard(ctx, merchantId, {
      giftCardId,
      amountMoney: money(amount, payment.total_money!.currency!),
      paymentId: payment.id!,
      locationId: payment.location_id!,
      ...(referenceId !== undefined && { referenceId }),
    });
    return undefined;
  } catch (error) {
    const first = error instanceof SquareApiError ? error.errors[0] : undefined;
    if (!first || first.category !== 'PAYMENT_METHOD_ERROR') throw error;
    return { code: first.code, detail: first.detail ?? first.code };
  }
}

function resolveSource(ctx: EmulatorContext, merchantId: string, body: CreateBody): Funding {
  const sourceId = body.source_id;
  const test = testSource(sourceId);
  if (test) {
    switch (test.kind) {
      case 'card_nonce':
        return { type: 'CARD', card: testCard(merchantId, test.card), entryMethod: 'KEYED', decline: test.decline };
      case 'card_on_file_test': {
        requireCustomerId(body);
        const decline = test.decline ?? (test.requiresVerification && !body.verification_token ? verificationRequired : undefined);
        return { type: 'CARD', card: testCard(merchantId, test.card), entryMethod: 'ON_FILE', decline };
      }
      case 'gift_card_nonce': {
        const giftCard = sandboxNonceGiftCard(ctx, merchantId);
        return { type: 'CARD', card: giftCardCard(merchantId, giftCard), entryMethod: 'KEYED', decline: test.decline, giftCard };
      }
      case 'bank_nonce':
        return { type: 'BANK_ACCOUNT', decline: test.decline };
      case 'cash':
        return { type: 'CASH' };
      case 'external':
        return { type: 'EXTERNAL' };
    }
  }
  if (sourceId.startsWith('ccof:')) {
    requireCustomerId(body);
    const card = ctx.stores.cards.get(merchantId, sourceId);
    if (!card || card.customer_id !== body.customer_id)
      throw errors.notFound(`Card on file ${sourceId} not found for customer ${body.customer_id}.`, 'source_id');
    if (card.enabled === false)
      throw SquareApiError.of(400, 'INVALID_REQUEST_ERROR', 'INVALID_CARD', `Card on file ${sourceId} is disabled.`, 'source_id');
    const { card_brand, last_4, exp_month, exp_year, fingerprint: print, card_type, prepaid_type, bin } = card;
    return {
      type: 'CARD',
      card: { card_brand, last_4, exp_month, exp_year, fingerprint: print, card_type, prepaid_type, bin },
      entryMethod: 'ON_FILE',
    };
  }
  if (sourceId.startsWith('gftc:')) {
    const giftCard = ctx.stores.giftCards.get(merchantId, sourceId);
    if (!giftCard) throw errors.notFound(`Gift card ${sourceId} not found.`, 'source_id');
    return { type: 'CARD', card: giftCardCard(merchantId, giftCard), entryMethod: 'ON_FILE', giftCard };
  }
  if (/^(cnon|bnon):/.test(sourceId))
    throw errors.notFound('Card nonce not found in this `sandbox` application environment.', 'source_id');
  throw errors.invalidValue('source_id', `Invalid source_id ${sourceId}.`);
}

function requireCustomerId(body: CreateBody): void {
  if (!body.customer_id) throw errors.missing('customer_id');
}

function testCard(merchantId: string, card: TestCard): Card {
  return {
    card_brand: card.brand,
    last_4: card.last4,
    exp_month: card.expMonth,
    exp_year: card.expYear,
    fingerprint: cardFingerprint(merchantId, card),
    card_type: card.cardType,
    prepaid_type: card.prepaidType,
    bin: card.bin,
  };
}

function giftCardCard(merchantId: string, giftCard: GiftCard): Card {
  const gan = giftCard.gan ?? '';
  return {
    card_brand: 'SQUARE_GIFT_CARD',
    last_4: gan.slice(-4),
    fingerprint: fingerprint(merchantId, gan),
    prepaid_type: 'PREPAID',
    bin: gan.slice(0, 6),
  };
}

/** Like a card's fingerprint: the same gift card or bank account gives the same value for one seller. */
function fingerprint(merchantId: string, source: string): string {
  return 'sq-1-' + Buffer.from(sha256(`${merchantId}:${source}`), 'hex').toString('base64url');
}

function validPhone(value: string): boolean {
  const digits = value.replace(/\D/g, '').length;
  return /^\+[\d\s().-]+$/.test(value) && digits >= 9 && digits <= 16;
}

/** RFC 3339 (ISO 8601) durations such as PT168H, P7D or PT1M30S, in milliseconds. */
function durationMs(value: string): number | undefined {
  const m = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(value);
  if (!m || value === 'P' || value.endsWith('T')) return undefined;
  const [, w = '0', d = '0', h = '0', min = '0', s = '0'] = m;
  return ((((Number(w) * 7 + Number(d)) * 24 + Number(h)) * 60 + Number(min)) * 60 + Number(s)) * 1000;
}

/** A gift card hold cannot grow, only shrink; other authorizations can be edited both ways. */
function capabilitiesOf(payment: Payment): string[] {
  const edits = isGiftCard(payment)
    ? ['EDIT_AMOUNT_DOWN', 'EDIT_TIP_AMOUNT_DOWN']
    : ['EDIT_AMOUNT_UP', 'EDIT_AMOUNT_DOWN', 'EDIT_TIP_AMOUNT_UP', 'EDIT_TIP_AMOUNT_DOWN'];
  return payment.delay_action ? [...edits, 'EDIT_DELAY_ACTION'] : edits;
}

/** UpdatePayment: amounts, tip, app fee and delay action of an APPROVED payment. */
export function updatePayment(
  ctx: EmulatorContext,
  merchantId: string,
  paymentId: string,
  changes: serialization.Payment.Raw,
): Payment {
  const payment = requirePayment(ctx, merchantId, paymentId);
  assertApproved(payment);
  checkVersion(payment, changes.version_token ?? undefined, 'payment.version_token');
  const currency = payment.total_money!.currency!;
  for (const field of ['amount_money', 'tip_money', 'app_fee_money'] as const) {
    const given = changes[field];
    if (!given) continue;
    requireMoney(given, `payment.${field}`);
    assertCurrency(given, currency, `payment.${field}.currency`);
    if (amountOf(given) < 0n) throw errors.tooLow(`payment.${field}.amount`, 'The amount must not be negative.');
  }
  if (changes.delay_action && !payment.delay_action)
    throw errors.invalidValue('payment.delay_action', 'Only card payments have a delay_action.');
  const amount = amountOf(changes.amount_money ?? payment.amount_money);
  const tip = amountOf(changes.tip_money ?? payment.tip_money);
  const total = amount + tip;
  const previous = amountOf(payment.total_money);
  if (payment.source_type !== 'CASH' && payment.source_type !== 'EXTERNAL' && total <= 0)
    throw errors.tooLow('payment.amount_money.amount', 'The payment amount must be greater than 0.');
  const fee = amountOf(changes.app_fee_money ?? payment.app_fee_money);
  if (fee > (total * 9n) / 10n)
    throw SquareApiError.of(400, 'INVALID_REQUEST_ERROR', 'INVALID_FEES', 'The app fee cannot be more than 90% of the total amount.', 'payment.app_fee_money.amount');
  if (payment.cash_details && amountOf(payment.cash_details.buyer_supplied_money) < total)
    throw errors.tooHigh('payment.amount_money.amount', 'The total is more than the cash the buyer supplied.');

  const giftCardId = paymentGiftCardId(ctx, merchantId, payment);
  if (giftCardId && total > previous)
    throw errors.paymentMethod('AMOUNT_TOO_HIGH', 'A gift card authorization cannot be increased.');
  if (giftCardId && total < previous) {
    refundToGiftCard(ctx, merchantId, {
      giftCardId,
      amountMoney: money(previous - total, currency),
      paymentId: payment.id!,
      locationId: payment.location_id!,
    });
  }

  payment.amount_money = money(amount, currency);
  if (changes.tip_money || payment.tip_money) payment.tip_money = money(tip, currency);
  if (changes.app_fee_money) payment.app_fee_money = changes.app_fee_money;
  payment.total_money = money(total, currency);
  // A higher total needs a new authorization; a lower one keeps the original hold.
  if (total > amountOf(payment.approved_money)) payment.approved_money = money(total, currency);
  if (changes.delay_action) payment.delay_action = changes.delay_action;
  if (payment.cash_details)
    payment.cash_details.change_back_money = money(amountOf(payment.cash_details.buyer_supplied_money) - total, currency);
  return savePayment(ctx, merchantId, payment);
}

/** CompletePayment, refusing a stale `version_token`. */
export function completePayment(ctx: EmulatorContext, merchantId: string, paymentId: string, versionToken: string | undefined): Payment {
  const payment = requirePayment(ctx, merchantId, paymentId);
  checkVersion(payment, versionToken, 'version_token');
  return completePaymentRecord(ctx, merchantId, payment.id!);
}

/** CancelPaymentByIdempotencyKey: voids what CreatePayment made under that key, if it is still APPROVED. */
export function cancelPaymentByIdempotencyKey(ctx: EmulatorContext, merchantId: string, key: string): void {
  const paymentId = ctx.stores.paymentKeys.get(merchantId, key)?.payment_id;
  const payment = paymentId && requirePayment(ctx, merchantId, paymentId);
  // Nothing to void when the payment never went through or is already voided: the caller's goal is met.
  if (!payment || payment.status === 'FAILED' || payment.status === 'CANCELED') return;
  assertApproved(payment);
  cancelPayment(ctx, merchantId, payment, now());
}

/** ListPayments at one location (the main one by default); the emulator takes no offline payments. */
export function listPayments(ctx: EmulatorContext, merchantId: string, query: ListQuery & ListPaymentsFilters) {
  const locationId = query.location_id ?? mainLocationId(ctx, merchantId);
  const inWindow = timeWindow(query);
  instant(query.offline_begin_time, 'offline_begin_time');
  instant(query.offline_end_time, 'offline_end_time');
  const offlineOnly = query.is_offline_payment === true || !!query.offline_begin_time || !!query.offline_end_time;
  const items = ctx
    .tx(() => ctx.stores.payments.all(merchantId).map((s) => ({ seq: s.seq, doc: settle(ctx, merchantId, s.doc) })))
    .filter(
      ({ doc }) =>
        !offlineOnly &&
        doc.location_id === locationId &&
        inWindow(doc) &&
        (query.total === undefined || amountOf(doc.total_money) === query.total) &&
        (query.last_4 === undefined || doc.card_details?.card?.last_4 === query.last_4) &&
        (query.card_brand === undefined || doc.card_details?.card?.card_brand === query.card_brand),
    );
  const page = listPage(items, query);
  return { payments: page.items, ...(page.cursor && { cursor: page.cursor }) };
}
