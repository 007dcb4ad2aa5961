import type { FastifyInstance } from 'fastify';
import { Square, type serialization } from 'square';
import { z } from 'zod';
import { clock } from '../clock.js';
import { now, type EmulatorContext } from '../context.js';
import { delayElapsed } from '../delayed-capture.js';
import { SquareApiError, errors, type SquareErrorBody } from '../errors.js';
import { newId, sha256 } from '../ids.js';
import { paginate } from '../pagination.js';
import { Collection, type Stored } from '../store.js';
import { testSource, type Decline, type TestCard } from '../test-values.js';
import { INT64_MAX, computedAmount, parse, shapes } from '../validation.js';
import { cardFingerprint } from './cards.js';
import { redeemGiftCard, refundToGiftCard } from './gift-card-activities.js';
import { sandboxNonceGiftCard } from './gift-cards.js';
import { mainLocationId } from './locations.js';
import { addPaymentTender, assertOrderPayable, createOrderForPayment } from './orders.js';

type Payment = serialization.Payment.Raw;
type Money = serialization.Money.Raw;
type Card = serialization.Card.Raw;
type GiftCard = serialization.GiftCard.Raw;
type Currency = serialization.Currency.Raw;

/** The application every payment taken through the emulated API is attributed to. */
const APPLICATION_ID = 'sandbox-sq0idb-emulator';
/** Card-not-present payments: Square's default delay is 7 days, written as it shows it. */
const DEFAULT_DELAY_DURATION = 'PT168H';
/** Square accepts a delayed-capture window of 1 minute to 7 days for card-not-present payments. */
const DELAY_RANGE_MS = { min: 60_000, max: 7 * 24 * 3_600_000 };
/** ListPayments and ListPaymentRefunds: default and maximum page size. */
const LIST_PAGE_SIZE = 100;
const YEAR_MS = 365 * 24 * 3_600_000;

const CURRENCIES = Object.values(Square.Currency) as [Currency, ...Currency[]];
const COUNTRIES = Object.values(Square.Country) as [serialization.Country.Raw, ...serialization.Country.Raw[]];
const EXTERNAL_TYPES = [
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

export const moneySchema = z.object({ amount: shapes.amount(), currency: z.enum(CURRENCIES) });
const addressSchema = z.object({
  address_line_1: z.string().optional(),
  address_line_2: z.string().optional(),
  address_line_3: z.string().optional(),
  locality: z.string().optional(),
  sublocality: z.string().optional(),
  sublocality_2: z.string().optional(),
  sublocality_3: z.string().optional(),
  administrative_district_level_1: z.string().optional(),
  administrative_district_level_2: z.string().optional(),
  administrative_district_level_3: z.string().optional(),
  postal_code: z.string().optional(),
  country: z.enum(COUNTRIES).optional(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
});
export const externalDetailsSchema = z.object({
  type: z.enum(EXTERNAL_TYPES),
  source: z.string().max(255),
  source_id: z.string().max(255).optional(),
  source_fee_money: moneySchema.optional(),
});

const createSchema = z.object({
  source_id: z.string().min(1),
  idempotency_key: shapes.idempotencyKey(1, 45),
  amount_money: moneySchema,
  tip_money: moneySchema.optional(),
  app_fee_money: moneySchema.optional(),
  delay_duration: z.string().optional(),
  delay_action: z.enum(['CANCEL', 'COMPLETE']).optional(),
  autocomplete: z.boolean().optional(),
  order_id: z.string().optional(),
  customer_id: z.string().max(191).optional(),
  location_id: z.string().optional(),
  team_member_id: z.string().max(192).optional(),
  reference_id: z.string().max(40).optional(),
  verification_token: z.string().optional(),
  accept_partial_authorization: z.boolean().optional(),
  buyer_email_address: z.string().max(255).optional(),
  buyer_phone_number: z.string().optional(),
  billing_address: addressSchema.optional(),
  shipping_address: addressSchema.optional(),
  note: z.string().max(500).optional(),
  statement_description_identifier: z.string().max(20).optional(),
  cash_details: z.object({ buyer_supplied_money: moneySchema }).optional(),
  external_details: externalDetailsSchema.optional(),
  customer_details: z.object({ customer_initiated: z.boolean().optional(), seller_keyed_in: z.boolean().optional() }).optional(),
});
type CreateBody = z.output<typeof createSchema>;

const updateSchema = z.object({
  idempotency_key: shapes.idempotencyKey(1, 45),
  payment: z
    .object({
      amount_money: moneySchema.optional(),
      tip_money: moneySchema.optional(),
      app_fee_money: moneySchema.optional(),
      delay_action: z.enum(['CANCEL', 'COMPLETE']).optional(),
      version_token: z.string().optional(),
    })
    .optional(),
});

const listSchema = z.object({
  begin_time: z.string().optional(),
  end_time: z.string().optional(),
  sort_order: z.enum(['ASC', 'DESC']).optional(),
  sort_field: z.enum(['CREATED_AT', 'OFFLINE_CREATED_AT', 'UPDATED_AT']).optional(),
  cursor: z.string().optional(),
  location_id: z.string().optional(),
  total: shapes.queryInt.optional(),
  last_4: z.string().optional(),
  card_brand: z.string().optional(),
  limit: shapes.queryInt.optional(),
  is_offline_payment: shapes.queryBool.optional(),
  offline_begin_time: z.string().optional(),
  offline_end_time: z.string().optional(),
  updated_at_begin_time: z.string().optional(),
  updated_at_end_time: z.string().optional(),
});

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

/** Payments API: create (every sandbox source), get, list, update, complete, cancel, cancel by idempotency key. */
export function registerPayments(app: FastifyInstance, ctx: EmulatorContext): void {
  const { payments } = ctx.stores;
  // CancelPaymentByIdempotencyKey needs the payment a CreatePayment key made; kept apart so that it never shows in a Payment.
  const paymentByKey = new Collection<{ payment_id: string }>(ctx.db, 'payment_idempotency_key');

  app.post('/v2/payments', async (request, reply) => {
    const merchantId = request.merchant.id;
    const body = parse(createSchema, request.body);
    const result = ctx.idempotency.run(merchantId, 'CreatePayment', body.idempotency_key, body, () => {
      const payment = createPayment(ctx, merchantId, body, (id) =>
        paymentByKey.insert(merchantId, body.idempotency_key, { payment_id: id }),
      );
      return { status: 200, body: { payment } };
    });
    return reply.code(result.status).send(result.body);
  });

  app.get('/v2/payments', async (request) => {
    const merchantId = request.merchant.id;
    const query = parse(listSchema, request.query);
    const locationId = query.location_id ?? mainLocationId(ctx, merchantId);
    const inWindow = timeWindow(query);
    instant(query.offline_begin_time, 'offline_begin_time');
    instant(query.offline_end_time, 'offline_end_time');
    // The emulator takes no offline payments: asking for them finds none.
    const offlineOnly = query.is_offline_payment === true || !!query.offline_begin_time || !!query.offline_end_time;
    const items = ctx
      .tx(() => payments.all(merchantId).map((s) => ({ seq: s.seq, doc: settle(ctx, merchantId, s.doc) })))
      .filter(
        ({ doc }) =>
          !offlineOnly &&
          doc.location_id === locationId &&
          inWindow(doc) &&
          (query.total === undefined || amountOf(doc.total_money) === BigInt(query.total)) &&
          (query.last_4 === undefined || doc.card_details?.card?.last_4 === query.last_4) &&
          (query.card_brand === undefined || doc.card_details?.card?.card_brand === query.card_brand),
      );
    const page = listPage(items, query);
    return { payments: page.items, ...(page.cursor && { cursor: page.cursor }) };
  });

  app.get<{ Params: { payment_id: string } }>('/v2/payments/:payment_id', async (request) => ({
    payment: ctx.tx(() => requirePayment(ctx, request.merchant.id, request.params.payment_id)),
  }));

  app.put<{ Params: { payment_id: string } }>('/v2/payments/:payment_id', async (request, reply) => {
    const merchantId = request.merchant.id;
    const paymentId = request.params.payment_id;
    const body = parse(updateSchema, request.body);
    const result = ctx.idempotency.run(merchantId, 'UpdatePayment', body.idempotency_key, { paymentId, body }, () => ({
      status: 200,
      body: { payment: updatePayment(ctx, merchantId, paymentId, body.payment ?? {}) },
    }));
    return reply.code(result.status).send(result.body);
  });

  app.post<{ Params: { payment_id: string } }>('/v2/payments/:payment_id/complete', async (request) => {
    const merchantId = request.merchant.id;
    const { version_token } = parse(z.object({ version_token: z.string().optional() }), request.body);
    return {
      payment: ctx.tx(() => {
        const payment = requirePayment(ctx, merchantId, request.params.payment_id);
        checkVersion(payment, version_token, 'version_token');
        return completePaymentRecord(ctx, merchantId, payment.id!);
      }),
    };
  });

  app.post<{ Params: { payment_id: string } }>('/v2/payments/:payment_id/cancel', async (request) => {
    const merchantId = request.merchant.id;
    return { payment: ctx.tx(() => cancelPaymentRecord(ctx, merchantId, request.params.payment_id)) };
  });

  app.post('/v2/payments/cancel', async (request) => {
    const merchantId = request.merchant.id;
    const { idempotency_key } = parse(z.object({ idempotency_key: shapes.idempotencyKey(1, 45) }), request.body);
    ctx.tx(() => {
      const paymentId = paymentByKey.get(merchantId, idempotency_key)?.payment_id;
      const payment = paymentId && requirePayment(ctx, merchantId, paymentId);
      // Nothing to void when the payment never went through or is already voided: the caller's goal is met.
      if (!payment || payment.status === 'FAILED' || payment.status === 'CANCELED') return;
      assertApproved(payment);
      cancelPayment(ctx, merchantId, payment, now());
    });
    return {};
  });
}

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

/**
 * The time filters ListPayments and ListPaymentRefunds share: created_at in [begin_time, end_time)
 * with begin_time a year ago by default, and updated_at in [updated_at_begin_time, updated_at_end_time).
 */
export function timeWindow(query: {
  begin_time?: string | undefined;
  end_time?: string | undefined;
  updated_at_begin_time?: string | undefined;
  updated_at_end_time?: string | undefined;
}): (doc: { created_at?: string | null; updated_at?: string | null }) => boolean {
  const begin = instant(query.begin_time, 'begin_time') ?? clock.nowMs() - YEAR_MS;
  const end = instant(query.end_time, 'end_time') ?? Infinity;
  const updatedBegin = instant(query.updated_at_begin_time, 'updated_at_begin_time') ?? -Infinity;
  const updatedEnd = instant(query.updated_at_end_time, 'updated_at_end_time') ?? Infinity;
  return (doc) => {
    const created = Date.parse(doc.created_at!);
    const updated = Date.parse(doc.updated_at!);
    return created >= begin && created < end && updated >= updatedBegin && updated < updatedEnd;
  };
}

/** An RFC 3339 query timestamp in epoch ms; 400 INVALID_VALUE when it is not one. */
function instant(value: string | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw errors.invalidValue(field, `Invalid ${field}: expected an RFC 3339 timestamp.`);
  return ms;
}

/** Both list endpoints: default 100; a larger value is ignored in favour of the default. */
function listLimit(limit: number | undefined): number {
  if (limit === undefined || limit > LIST_PAGE_SIZE) return LIST_PAGE_SIZE;
  if (limit < 1) throw errors.tooLow('limit', 'The limit must be at least 1.');
  return limit;
}

/** A page of ListPayments or ListPaymentRefunds: by created_at (or updated_at), newest first unless asked otherwise. */
export function listPage<T extends { created_at?: string | null; updated_at?: string | null }>(
  items: Stored<T>[],
  query: { cursor?: string | undefined; limit?: number | undefined; sort_order?: 'ASC' | 'DESC' | undefined; sort_field?: string | undefined },
): { items: T[]; cursor?: string } {
  const { cursor, limit, ...filters } = query;
  const sortField = query.sort_field === 'UPDATED_AT' ? 'updated_at' : 'created_at';
  const page = paginate({
    items,
    key: (s) => [s.doc[sortField]!, s.seq],
    order: query.sort_order ?? 'DESC',
    limit: listLimit(limit),
    cursor,
    query: filters,
  });
  return { items: page.items.map((s) => s.doc), ...(page.cursor && { cursor: page.cursor }) };
}

export const amountOf = (money: Money | null | undefined): bigint => BigInt(money?.amount ?? 0);
export const money = (amount: bigint, currency: Currency): { amount: number | bigint; currency: Currency } => ({
  amount: computedAmount(amount),
  currency,
});

function createPayment(ctx: EmulatorContext, merchantId: string, body: CreateBody, remember: (id: string) => void): Payment {
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
    if (m) assertCurrency(m, currency, `${field}.currency`);
  }
  if (body.amount_money.amount < 0) throw errors.tooLow('amount_money.amount', 'The amount must not be negative.');
  if (body.tip_money && body.tip_money.amount < 0) throw errors.tooLow('tip_money.amount', 'The tip must not be negative.');
  if (body.app_fee_money && body.app_fee_money.amount < 0)
    throw errors.tooLow('app_fee_money.amount', 'The app fee must not be negative.');
  if (body.buyer_email_address !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(body.buyer_email_address))
    throw SquareApiError.of(400, 'INVALID_REQUEST_ERROR', 'INVALID_EMAIL_ADDRESS', 'The buyer email address is invalid.', 'buyer_email_address');
  if (body.buyer_phone_number !== undefined && !validPhone(body.buyer_phone_number))
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
  if (body.delay_duration !== undefined) {
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
  if (body.app_fee_money && body.app_fee_money.amount > feeCap)
    throw SquareApiError.of(400, 'INVALID_REQUEST_ERROR', 'INVALID_FEES', 'The app fee cannot be more than 90% of the total amount.', 'app_fee_money.amount');
  if (funding.type === 'CASH') {
    if (!body.cash_details) throw errors.missing('cash_details');
    if (body.cash_details.buyer_supplied_money.amount < amount + tip)
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
    decline = chargeGiftCard(ctx, merchantId, funding.giftCard.id!, payment, total, body.reference_id);
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

/** Money must be in the seller's currency (for refunds: the payment's). */
export function assertCurrency(m: { currency: string }, currency: Currency, field: string): void {
  if (m.currency !== currency)
    throw SquareApiError.of(
      400,
      'INVALID_REQUEST_ERROR',
      'UNSUPPORTED_CURRENCY',
      `Only ${currency} is accepted here, but the amount was provided in ${m.currency}.`,
      field,
    );
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

const isGiftCard = (payment: Payment) => payment.card_details?.card?.card_brand === 'SQUARE_GIFT_CARD';

/** Only APPROVED payments can still change; the others answer with Square's delayed-capture codes. */
function assertApproved(payment: Payment): void {
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

function markCompleted(payment: Payment, at: string): void {
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
function cancelPayment(ctx: EmulatorContext, merchantId: string, payment: Payment, at: string): Payment {
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
function settle(ctx: EmulatorContext, merchantId: string, payment: Payment): Payment {
  if (!delayElapsed(payment)) return payment;
  return payment.delay_action === 'COMPLETE'
    ? completeApproved(ctx, merchantId, payment, payment.delayed_until!)
    : cancelPayment(ctx, merchantId, payment, payment.delayed_until!);
}

function updatePayment(
  ctx: EmulatorContext,
  merchantId: string,
  paymentId: string,
  changes: NonNullable<z.output<typeof updateSchema>['payment']>,
): Payment {
  const payment = requirePayment(ctx, merchantId, paymentId);
  assertApproved(payment);
  checkVersion(payment, changes.version_token, 'payment.version_token');
  const currency = payment.total_money!.currency!;
  for (const field of ['amount_money', 'tip_money', 'app_fee_money'] as const) {
    const given = changes[field];
    if (!given) continue;
    assertCurrency(given, currency, `payment.${field}.currency`);
    if (given.amount < 0) throw errors.tooLow(`payment.${field}.amount`, 'The amount must not be negative.');
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

/** A payment event carries a copy of the payment as it is at that moment. */
function emitPayment(ctx: EmulatorContext, merchantId: string, type: 'payment.created' | 'payment.updated', payment: Payment): void {
  ctx.webhooks.emit({
    merchantId,
    type,
    id: payment.id!,
    object: { payment: structuredClone(payment) },
    locationId: payment.location_id ?? undefined,
  });
}
