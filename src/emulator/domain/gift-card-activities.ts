import type { serialization } from 'square';
import { now, type EmulatorContext } from '../context.js';
import { clock } from '../plumbing/clock.js';
import { SquareApiError, errors } from '../plumbing/errors.js';
import { newId } from '../plumbing/ids.js';
import { paginate } from '../plumbing/pagination.js';
import { computedAmount } from '../plumbing/validation.js';
import { mainLocationId } from './locations.js';

/**
 * The Gift Card Activities API's operations, and the activities other APIs record (a payment's
 * REDEEM, a refund's REFUND, a chargeback's BLOCK). Longer than most modules: the table of what
 * each activity type does to a card (`changeFor`) is one switch that reads best whole.
 */

type GiftCard = serialization.GiftCard.Raw;

type Activity = serialization.GiftCardActivity.Raw;

type ActivityType = serialization.GiftCardActivityType.Raw;

type GiftCardState = serialization.GiftCardStatus.Raw;

type Money = serialization.Money.Raw;

/** Types only Square itself creates (imports, chargeback blocks, transfers). */
const SQUARE_MANAGED: ReadonlySet<ActivityType> = new Set([
  'IMPORT',
  'BLOCK',
  'UNBLOCK',
  'IMPORT_REVERSAL',
  'TRANSFER_BALANCE_FROM',
  'TRANSFER_BALANCE_TO',
]);

/** The activity of a CreateGiftCardActivity request, as its route has checked it. */
export type GiftCardActivityInput = Activity;
type PurchaseDetails = serialization.GiftCardActivityActivate.Raw & serialization.GiftCardActivityLoad.Raw;

const ONE_YEAR_MS = 365 * 24 * 60 * 60 * 1000;

/** How one activity changes a gift card; `balance` returns the new balance from the old. */
interface Change {
  type: ActivityType;
  details: Partial<Activity>;
  /** States the card may be in for this activity. */
  from: readonly GiftCardState[];
  to?: GiftCardState;
  money?: Money;
  balance: (current: bigint) => bigint;
}

function stateError(card: GiftCard, type: ActivityType): SquareApiError {
  return errors.badRequest(`A ${type} activity cannot be created for gift card ${card.id} in state ${card.state}.`);
}

/**
 * Records an activity and applies it to its gift card in one transaction (a savepoint
 * inside the caller's), then announces both. Nothing is written when a check fails.
 */
function applyChange(ctx: EmulatorContext, merchantId: string, card: GiftCard, locationId: string, change: Change) {
  return ctx.tx(() => {
    if (!change.from.includes(card.state!)) throw stateError(card, change.type);
    const currency = card.balance_money!.currency!;
    if (change.money && change.money.currency !== currency) {
      throw SquareApiError.of(
        400,
        'INVALID_REQUEST_ERROR',
        'CURRENCY_MISMATCH',
        `The gift card holds ${currency}, not ${change.money.currency}.`,
      );
    }
    const balance = change.balance(BigInt(card.balance_money!.amount ?? 0));
    if (balance < 0) {
      throw errors.paymentMethod('INSUFFICIENT_FUNDS', `Gift card ${card.id} has insufficient funds.`);
    }
    const balanceMoney: Money = { amount: computedAmount(balance), currency };
    const updated: GiftCard = { ...card, state: change.to ?? card.state!, balance_money: balanceMoney };
    const activity: Activity = {
      id: newId.giftCardActivity(),
      type: change.type,
      location_id: locationId,
      created_at: now(),
      gift_card_id: card.id!,
      gift_card_gan: card.gan!,
      gift_card_balance_money: balanceMoney,
      ...change.details,
    };
    ctx.stores.giftCardActivities.insert(merchantId, activity.id!, activity);
    ctx.webhooks.emit({
      merchantId,
      type: 'gift_card.activity.created',
      dataType: 'gift_card_activity',
      id: activity.id!,
      object: { gift_card_activity: activity },
    });
    const changed = updated.state !== card.state || balance !== BigInt(card.balance_money!.amount ?? 0);
    if (changed) {
      ctx.stores.giftCards.put(merchantId, updated.id!, updated);
      ctx.webhooks.emit({ merchantId, type: 'gift_card.updated', id: updated.id!, object: { gift_card: updated } });
    }
    return { activity, giftCard: updated };
  });
}

function giftCardFor(ctx: EmulatorContext, merchantId: string, input: GiftCardActivityInput): GiftCard {
  const { gift_card_id: id, gift_card_gan: gan } = input;
  if (id == null && gan == null) throw errors.missing('gift_card_activity.gift_card_id');
  const card =
    id != null
      ? ctx.stores.giftCards.get(merchantId, id)
      : ctx.stores.giftCards.all(merchantId).find((s) => s.doc.gan === gan)?.doc;
  if (!card) {
    throw id != null
      ? errors.notFound(`Gift card with id ${id} not found.`, 'gift_card_activity.gift_card_id')
      : errors.notFound(`Gift card with GAN ${gan} not found.`, 'gift_card_activity.gift_card_gan');
  }
  if (gan != null && card.gan !== gan) {
    throw errors.invalidValue('gift_card_activity.gift_card_gan', 'gift_card_gan does not belong to the gift card gift_card_id names.');
  }
  return card;
}

/** ACTIVATE and LOAD: the amount comes from a paid order's GIFT_CARD line item, or is given with the buyer's instruments. */
function purchase(
  ctx: EmulatorContext,
  merchantId: string,
  type: 'ACTIVATE' | 'LOAD',
  details: PurchaseDetails,
): { amount: Money; details: PurchaseDetails } {
  const field = `gift_card_activity.${type.toLowerCase()}_activity_details`;
  if (details.order_id == null) {
    if (!details.amount_money) throw errors.missing(`${field}.amount_money`);
    if (!details.buyer_payment_instrument_ids?.length) throw errors.missing(`${field}.buyer_payment_instrument_ids`);
    return { amount: details.amount_money, details };
  }
  if (details.line_item_uid == null) throw errors.missing(`${field}.line_item_uid`);
  const order = ctx.stores.orders.get(merchantId, details.order_id);
  if (!order) throw errors.notFound(`Order with id ${details.order_id} not found.`, `${field}.order_id`);
  const item = order.line_items?.find((li) => li.uid === details.line_item_uid);
  if (item?.item_type !== 'GIFT_CARD') {
    throw errors.invalidValue(`${field}.line_item_uid`, `Order ${order.id} has no GIFT_CARD line item ${details.line_item_uid}.`);
  }
  const used = ctx.stores.giftCardActivities.all(merchantId).some(({ doc }) => {
    const prior = doc.activate_activity_details ?? doc.load_activity_details;
    return prior?.order_id === details.order_id && prior?.line_item_uid === details.line_item_uid;
  });
  if (used) {
    throw errors.invalidValue(`${field}.line_item_uid`, `Line item ${details.line_item_uid} was already applied to a gift card.`);
  }
  const price = item.base_price_money;
  const amount: Money = item.total_money ?? {
    amount: computedAmount(BigInt(price?.amount ?? 0) * BigInt(item.quantity)),
    currency: price?.currency ?? 'USD',
  };
  if (details.amount_money && BigInt(details.amount_money.amount ?? 0) !== BigInt(amount.amount ?? 0)) {
    throw errors.invalidValue(`${field}.amount_money`, 'amount_money does not match the order line item.');
  }
  return { amount, details: { ...details, amount_money: { amount: amount.amount ?? 0, currency: amount.currency! } } };
}

/** The REFUND activities already made against a REDEEM activity, in minor units. */
function refundedFor(ctx: EmulatorContext, merchantId: string, redeemActivityId: string): bigint {
  return ctx.stores.giftCardActivities
    .all(merchantId)
    .filter(({ doc }) => doc.refund_activity_details?.redeem_activity_id === redeemActivityId)
    .reduce((sum, { doc }) => sum + BigInt(doc.refund_activity_details?.amount_money?.amount ?? 0), 0n);
}

function refundAmountInvalid(): SquareApiError {
  return SquareApiError.of(
    400,
    'REFUND_ERROR',
    'REFUND_AMOUNT_INVALID',
    'The requested refund amount exceeds the amount available to refund.',
  );
}

/** Turns a validated API activity into the change it makes, checking what Square checks per type. */
function changeFor(ctx: EmulatorContext, merchantId: string, card: GiftCard, input: GiftCardActivityInput): Change {
  const { type } = input;
  if (SQUARE_MANAGED.has(type)) {
    throw errors.invalidValue('gift_card_activity.type', `${type} activities are managed by Square and cannot be created.`);
  }
  const key = `${type.toLowerCase()}_activity_details`;
  for (const [other, value] of Object.entries(input)) {
    if (other.endsWith('_activity_details') && other !== key && value != null) {
      throw errors.invalidValue(`gift_card_activity.${other}`, `Only ${key} may be given for a ${type} activity.`);
    }
  }
  const field = `gift_card_activity.${key}`;
  const add = (money: Money) => (balance: bigint) => balance + BigInt(money.amount ?? 0);
  const subtract = (money: Money) => (balance: bigint) => balance - BigInt(money.amount ?? 0);
  switch (type) {
    case 'ACTIVATE':
    case 'LOAD': {
      const given = type === 'ACTIVATE' ? input.activate_activity_details : input.load_activity_details;
      if (!given) throw errors.missing(field);
      const { amount, details } = purchase(ctx, merchantId, type, given);
      return {
        type,
        details: { [key]: details },
        from: type === 'ACTIVATE' ? ['PENDING'] : ['ACTIVE'],
        to: 'ACTIVE',
        money: amount,
        balance: add(amount),
      };
    }
    case 'REDEEM': {
      const details = input.redeem_activity_details;
      if (!details) throw errors.missing(field);
      return {
        type,
        details: { redeem_activity_details: { ...details, status: 'COMPLETED' } },
        from: ['ACTIVE'],
        money: details.amount_money,
        balance: subtract(details.amount_money),
      };
    }
    case 'CLEAR_BALANCE': {
      const details = input.clear_balance_activity_details;
      if (!details) throw errors.missing(field);
      return { type, details: { clear_balance_activity_details: details }, from: ['ACTIVE'], balance: () => 0n };
    }
    case 'DEACTIVATE': {
      const details = input.deactivate_activity_details;
      if (!details) throw errors.missing(field);
      return {
        type,
        details: { deactivate_activity_details: details },
        from: ['PENDING', 'ACTIVE', 'BLOCKED'],
        to: 'DEACTIVATED',
        balance: (balance) => balance,
      };
    }
    case 'ADJUST_INCREMENT': {
      const details = input.adjust_increment_activity_details;
      if (!details) throw errors.missing(field);
      const money = details.amount_money;
      return { type, details: { adjust_increment_activity_details: details }, from: ['ACTIVE'], money, balance: add(money) };
    }
    case 'ADJUST_DECREMENT': {
      const details = input.adjust_decrement_activity_details;
      if (!details) throw errors.missing(field);
      const money = details.amount_money;
      return { type, details: { adjust_decrement_activity_details: details }, from: ['ACTIVE'], money, balance: subtract(money) };
    }
    case 'REFUND': {
      const details = input.refund_activity_details;
      if (!details) throw errors.missing(field);
      // Optional in the schema, as Square fills them on the REFUND it records for a payment; a request must give both.
      if (details.redeem_activity_id == null) throw errors.missing(`${field}.redeem_activity_id`);
      if (details.amount_money == null) throw errors.missing(`${field}.amount_money`);
      const redeem = ctx.stores.giftCardActivities.get(merchantId, details.redeem_activity_id);
      if (redeem?.type !== 'REDEEM' || redeem.gift_card_id !== card.id) {
        throw errors.invalidValue(
          `${field}.redeem_activity_id`,
          `${details.redeem_activity_id} is not a REDEEM activity of gift card ${card.id}.`,
        );
      }
      const redeemed = BigInt(redeem.redeem_activity_details!.amount_money.amount ?? 0);
      const refunding = details.amount_money;
      if (refundedFor(ctx, merchantId, redeem.id!) + BigInt(refunding.amount ?? 0) > redeemed) throw refundAmountInvalid();
      const paymentId = redeem.redeem_activity_details!.payment_id;
      return {
        type,
        details: { refund_activity_details: { ...details, ...(paymentId ? { payment_id: paymentId } : {}) } },
        from: ['PENDING', 'ACTIVE'],
        to: 'ACTIVE',
        money: refunding,
        balance: add(refunding),
      };
    }
    case 'UNLINKED_ACTIVITY_REFUND': {
      const details = input.unlinked_activity_refund_activity_details;
      if (!details) throw errors.missing(field);
      return {
        type,
        details: { unlinked_activity_refund_activity_details: details },
        from: ['PENDING', 'ACTIVE'],
        to: 'ACTIVE',
        money: details.amount_money,
        balance: add(details.amount_money),
      };
    }
    default:
      throw errors.invalidValue('gift_card_activity.type', `${type} activities cannot be created.`);
  }
}

/** Square writes every amount on an activity as a positive integer; the type says which way it goes. */
function requirePositiveAmounts(input: GiftCardActivityInput): void {
  for (const [key, details] of Object.entries(input)) {
    if (!key.endsWith('_activity_details') || details === null || typeof details !== 'object') continue;
    const money = (details as { amount_money?: Money | null }).amount_money;
    if (money?.amount != null && BigInt(money.amount) < 1n)
      throw errors.tooLow(`gift_card_activity.${key}.amount_money.amount`, 'Gift card activity amounts must be positive.');
  }
}

/** CreateGiftCardActivity's work without the HTTP layer: the sandbox gift card is activated through it. */
export function createGiftCardActivity(
  ctx: EmulatorContext,
  merchantId: string,
  input: GiftCardActivityInput,
): { activity: Activity; giftCard: GiftCard } {
  requirePositiveAmounts(input);
  if (!ctx.stores.locations.get(merchantId, input.location_id)) {
    throw errors.notFound(`Location with id ${input.location_id} not found.`, 'gift_card_activity.location_id');
  }
  const card = giftCardFor(ctx, merchantId, input);
  return applyChange(ctx, merchantId, card, input.location_id, changeFor(ctx, merchantId, card, input));
}

/**
 * The REDEEM activity Square records when a payment takes money from a gift card.
 * Runs inside the caller's transaction; throws (recording nothing) when the card is
 * not ACTIVE or its balance is short.
 */
export function redeemGiftCard(
  ctx: EmulatorContext,
  merchantId: string,
  input: { giftCardId: string; amountMoney: { amount: bigint | number; currency: string }; paymentId: string; locationId: string; referenceId?: string },
): GiftCard {
  const card = ctx.stores.giftCards.require(merchantId, input.giftCardId, 'source_id');
  const money = input.amountMoney as Money;
  return applyChange(ctx, merchantId, card, input.locationId, {
    type: 'REDEEM',
    details: {
      redeem_activity_details: {
        amount_money: money,
        payment_id: input.paymentId,
        ...(input.referenceId != null ? { reference_id: input.referenceId } : {}),
        status: 'COMPLETED',
      },
    },
    from: ['ACTIVE'],
    money,
    balance: (balance) => balance - BigInt(input.amountMoney.amount),
  }).giftCard;
}

/**
 * The REFUND activity Square records when a payment taken from a gift card is refunded:
 * it names the payment and the REDEEM activity it gives back (the refund's own id is
 * not part of Square's activity). Runs inside the caller's transaction.
 */
export function refundToGiftCard(
  ctx: EmulatorContext,
  merchantId: string,
  input: { giftCardId: string; amountMoney: { amount: bigint | number; currency: string }; paymentId: string; refundId?: string; locationId: string },
): GiftCard {
  const card = ctx.stores.giftCards.require(merchantId, input.giftCardId, 'source_id');
  const money = input.amountMoney as Money;
  const redeem = ctx.stores.giftCardActivities
    .all(merchantId)
    .find(({ doc }) => doc.gift_card_id === card.id && doc.redeem_activity_details?.payment_id === input.paymentId)?.doc;
  if (redeem) {
    const redeemed = BigInt(redeem.redeem_activity_details!.amount_money.amount ?? 0);
    if (refundedFor(ctx, merchantId, redeem.id!) + BigInt(input.amountMoney.amount) > redeemed) throw refundAmountInvalid();
  }
  return applyChange(ctx, merchantId, card, input.locationId, {
    type: 'REFUND',
    details: {
      refund_activity_details: {
        ...(redeem ? { redeem_activity_id: redeem.id! } : {}),
        amount_money: money,
        payment_id: input.paymentId,
      },
    },
    from: ['PENDING', 'ACTIVE'],
    to: 'ACTIVE',
    money,
    balance: (balance) => balance + BigInt(input.amountMoney.amount),
  }).giftCard;
}

/**
 * The BLOCK or UNBLOCK activity Square records itself when a chargeback on the card's
 * purchase opens, or is settled in the seller's favour; its API can create neither.
 * A blocked card keeps its balance but no balance-changing activity is allowed.
 */
export function chargebackBlock(ctx: EmulatorContext, merchantId: string, giftCardId: string, blocked: boolean): GiftCard {
  const card = ctx.stores.giftCards.get(merchantId, giftCardId);
  if (!card) throw errors.notFound(`Gift card with id ${giftCardId} not found.`, 'gift_card_id');
  const change: Change = blocked
    ? { type: 'BLOCK', details: { block_activity_details: { reason: 'CHARGEBACK_BLOCK' } }, from: ['ACTIVE'], to: 'BLOCKED', balance: (b) => b }
    : { type: 'UNBLOCK', details: { unblock_activity_details: { reason: 'CHARGEBACK_UNBLOCK' } }, from: ['BLOCKED'], to: 'ACTIVE', balance: (b) => b };
  return applyChange(ctx, merchantId, card, mainLocationId(ctx, merchantId), change).giftCard;
}

/** ListGiftCardActivities: the last year's by default, newest first. */
export function listGiftCardActivities(
  ctx: EmulatorContext,
  merchantId: string,
  query: {
    gift_card_id?: string | undefined;
    type?: string | undefined;
    location_id?: string | undefined;
    begin_time?: string | undefined;
    end_time?: string | undefined;
    limit?: number | undefined;
    cursor?: string | undefined;
    sort_order?: 'ASC' | 'DESC' | undefined;
  },
) {
  const end = query.end_time != null ? Date.parse(query.end_time) : clock.nowMs();
  const begin = query.begin_time != null ? Date.parse(query.begin_time) : end - ONE_YEAR_MS;
  const matching = ctx.stores.giftCardActivities.all(merchantId).filter(({ doc }) => {
    const at = Date.parse(doc.created_at!);
    return (
      at >= begin &&
      at <= end &&
      (query.gift_card_id == null || doc.gift_card_id === query.gift_card_id) &&
      (query.type == null || doc.type === query.type) &&
      (query.location_id == null || doc.location_id === query.location_id)
    );
  });
  const { cursor, limit, ...filters } = query;
  const page = paginate({
    items: matching,
    key: ({ seq, doc }) => [doc.created_at!, seq],
    order: query.sort_order ?? 'DESC',
    limit: limit ?? 50,
    cursor,
    query: filters,
  });
  return { gift_card_activities: page.items.map((s) => s.doc), ...(page.cursor ? { cursor: page.cursor } : {}) };
}
