import type { serialization } from 'square';
import { now, type EmulatorContext, type LoyaltyLedgerEvent } from '../context.js';
import { SquareApiError, errors } from '../plumbing/errors.js';
import { newId } from '../plumbing/ids.js';
import { createCustomer } from './customers.js';
import { amountOf } from './money.js';

type Program = serialization.LoyaltyProgram.Raw;
type AccrualRule = serialization.LoyaltyProgramAccrualRule.Raw;
type Account = serialization.LoyaltyAccount.Raw;
type Reward = serialization.LoyaltyReward.Raw;
type LoyaltyEvent = LoyaltyLedgerEvent;
type Order = serialization.Order.Raw;

/**
 * The Loyalty API's operations. A seller has at most one program, made in Square's
 * Dashboard (here: the control plane or the demo seed); accounts hold a balance that every
 * change moves through one ledger event, as Square's does: accumulating and adjusting add
 * points, creating a reward locks its tier's points (a negative event), deleting it gives
 * them back, redeeming it only records that it was used.
 */

/** The program's id is also reachable as `main`, as in Square. */
export function findProgram(ctx: EmulatorContext, merchantId: string, id: string): Program {
  const program = ctx.stores.loyaltyPrograms.all(merchantId)[0]?.doc;
  if (!program || (id !== 'main' && id !== program.id))
    throw errors.notFound(`Loyalty program with ID \`${id}\` not found.`, 'program_id');
  return program;
}

export function programOf(ctx: EmulatorContext, merchantId: string): Program | undefined {
  return ctx.stores.loyaltyPrograms.all(merchantId)[0]?.doc;
}

export interface ProgramSettings {
  accrual_rules: AccrualRule[];
  reward_tiers: Array<{ name: string; points: number; pricing_rule_reference: { object_id: string; catalog_version?: number } }>;
  terminology?: { one: string; other: string };
  location_ids?: string[];
  expiration_policy?: { expiration_duration: string };
}

/** Sets up (or replaces the rules of) the seller's one program: what the Dashboard does in Square. */
export function putProgram(ctx: EmulatorContext, merchantId: string, settings: ProgramSettings): Program {
  return ctx.tx(() => {
    const at = now();
    const existing = programOf(ctx, merchantId);
    const program: Program = {
      id: existing?.id ?? newId.loyalty('program'),
      status: 'ACTIVE',
      reward_tiers: settings.reward_tiers.map((tier) => ({
        id: newId.loyalty('reward_tier'),
        points: tier.points,
        name: tier.name,
        created_at: at,
        pricing_rule_reference: tier.pricing_rule_reference,
      })),
      terminology: settings.terminology ?? { one: 'Point', other: 'Points' },
      location_ids: settings.location_ids ?? ctx.stores.locations.all(merchantId).map(({ doc }) => doc.id!),
      accrual_rules: settings.accrual_rules,
      ...(settings.expiration_policy ? { expiration_policy: settings.expiration_policy } : {}),
      created_at: existing?.created_at ?? at,
      updated_at: at,
    };
    if (existing) ctx.stores.loyaltyPrograms.put(merchantId, program.id!, program);
    else ctx.stores.loyaltyPrograms.insert(merchantId, program.id!, program);
    ctx.webhooks.emit({
      merchantId,
      type: existing ? 'loyalty.program.updated' : 'loyalty.program.created',
      id: program.id!,
      object: { loyalty_program: program },
    });
    return program;
  });
}



/** Square keeps loyalty phone numbers in E.164. */
const E164 = /^\+[1-9]\d{7,14}$/;

const digits = (phone: string) => phone.replace(/\D/g, '');

/**
 * Enrolls a buyer by phone number. Square links the account to the seller's customer
 * profile with that number, creating one when there is none (or to `customer_id` when given).
 */
export function createAccount(
  ctx: EmulatorContext,
  merchantId: string,
  input: { program_id: string; phone_number: string; customer_id?: string | null },
): Account {
  const program = findProgram(ctx, merchantId, input.program_id);
  if (input.program_id === 'main') throw errors.notFound('Loyalty program with ID `main` not found.', 'loyalty_account.program_id');
  if (!E164.test(input.phone_number))
    throw SquareApiError.of(400, 'INVALID_REQUEST_ERROR', 'INVALID_PHONE_NUMBER', 'The phone number must be in E.164 format, e.g. +14155550100.', 'loyalty_account.mapping.phone_number');
  const accounts = ctx.stores.loyaltyAccounts.all(merchantId).map(({ doc }) => doc);
  if (accounts.some((a) => a.mapping?.phone_number === input.phone_number))
    throw SquareApiError.of(409, 'INVALID_REQUEST_ERROR', 'CONFLICT', 'A loyalty account with this phone number already exists.', 'loyalty_account.mapping.phone_number');
  const customerId = input.customer_id ?? customerForPhone(ctx, merchantId, input.phone_number);
  if (!ctx.stores.customers.get(merchantId, customerId))
    throw errors.notFound(`Customer with ID \`${customerId}\` not found.`, 'loyalty_account.customer_id');
  if (accounts.some((a) => a.customer_id === customerId))
    throw SquareApiError.of(409, 'INVALID_REQUEST_ERROR', 'CONFLICT', 'The customer already has a loyalty account.', 'loyalty_account.customer_id');
  const at = now();
  const account: Account = {
    id: newId.loyalty('account'),
    program_id: program.id!,
    balance: 0,
    lifetime_points: 0,
    customer_id: customerId,
    enrolled_at: at,
    created_at: at,
    updated_at: at,
    mapping: { id: newId.loyalty('mapping'), created_at: at, phone_number: input.phone_number },
  };
  ctx.stores.loyaltyAccounts.insert(merchantId, account.id!, account);
  ctx.webhooks.emit({ merchantId, type: 'loyalty.account.created', id: account.id!, object: { loyalty_account: account } });
  return account;
}

function customerForPhone(ctx: EmulatorContext, merchantId: string, phone: string): string {
  const match = ctx.stores.customers.all(merchantId).find(({ doc }) => doc.phone_number && digits(doc.phone_number) === digits(phone));
  if (match) return match.doc.id!;
  return createCustomer(ctx, merchantId, { phone_number: phone }, 'LOYALTY').id!;
}

/**
 * Points a purchase earns under the program: Square applies the rule that grants the most.
 * SPEND: `points` per whole `amount_money` spent; VISIT: `points` once the minimum is met;
 * ITEM_VARIATION: `points` per unit of that variation. CATEGORY rules need the catalog's
 * item categories, which this emulator's orders do not carry, so they earn nothing here.
 */
function pointsFor(program: Program, purchase: { total: bigint; tax: bigint; order?: Order }): number {
  let best = 0;
  for (const rule of program.accrual_rules ?? []) {
    const points = rule.points ?? 0;
    let earned = 0;
    if (rule.accrual_type === 'SPEND' && rule.spend_data) {
      const spent = rule.spend_data.tax_mode === 'BEFORE_TAX' ? purchase.total - purchase.tax : purchase.total;
      const step = amountOf(rule.spend_data.amount_money);
      if (step > 0n && spent > 0n) earned = Number(spent / step) * points;
    } else if (rule.accrual_type === 'VISIT') {
      const mode = rule.visit_data?.tax_mode;
      const spent = mode === 'BEFORE_TAX' ? purchase.total - purchase.tax : purchase.total;
      if (spent >= amountOf(rule.visit_data?.minimum_amount_money) && spent > 0n) earned = points;
    } else if (rule.accrual_type === 'ITEM_VARIATION' && rule.item_variation_data && purchase.order) {
      const variation = rule.item_variation_data.item_variation_id;
      const units = (purchase.order.line_items ?? [])
        .filter((li) => li.catalog_object_id === variation)
        .reduce((sum, li) => sum + Math.floor(Number(li.quantity)), 0);
      earned = units * points;
    }
    best = Math.max(best, earned);
  }
  return best;
}

/** What an order earns (CalculateLoyaltyPoints shows it before the order is paid). */
function pointsForOrder(program: Program, order: Order): number {
  return pointsFor(program, { total: amountOf(order.total_money), tax: amountOf(order.total_tax_money), order });
}

/** CalculateLoyaltyPoints: what an order, or an amount alone, would earn under the program. */
export function calculatePoints(
  ctx: EmulatorContext,
  merchantId: string,
  programId: string,
  body: serialization.loyalty.programs.CalculateLoyaltyPointsRequest.Raw,
): serialization.CalculateLoyaltyPointsResponse.Raw {
  const program = findProgram(ctx, merchantId, programId);
  if (body.order_id && body.transaction_amount_money)
    throw errors.invalid('CONFLICTING_PARAMETERS', 'Provide either order_id or transaction_amount_money, not both.');
  if (body.loyalty_account_id) ctx.stores.loyaltyAccounts.require(merchantId, body.loyalty_account_id, 'loyalty_account_id');
  if (body.order_id) return { points: pointsForOrder(program, ctx.stores.orders.require(merchantId, body.order_id, 'order_id')), promotion_points: 0 };
  if (!body.transaction_amount_money) throw errors.missing('order_id');
  if (body.transaction_amount_money.amount == null) throw errors.missing('transaction_amount_money.amount');
  const total = BigInt(body.transaction_amount_money.amount);
  // An amount alone carries no tax or items: SPEND and VISIT rules apply to it as given.
  return { points: pointsFor(program, { total, tax: 0n }), promotion_points: 0 };
}

interface LedgerEntry {
  type: serialization.LoyaltyEventType.Raw;
  /** The event's own detail, e.g. `{ accumulate_points: {...} }`. */
  detail: Partial<LoyaltyEvent>;
  /** Change of the balance; positive changes also count toward lifetime points. */
  points: number;
  locationId?: string | undefined;
}

/** Records one ledger event and moves the account's balance by it, with Square's webhooks. */
function record(ctx: EmulatorContext, merchantId: string, account: Account, entry: LedgerEntry): LoyaltyEvent {
  const at = now();
  const event: LoyaltyEvent = {
    id: newId.loyalty('event'),
    type: entry.type,
    created_at: at,
    ...entry.detail,
    loyalty_account_id: account.id!,
    ...(entry.locationId ? { location_id: entry.locationId } : {}),
    source: 'LOYALTY_API',
  };
  ctx.stores.loyaltyEvents.insert(merchantId, event.id, event);
  ctx.webhooks.emit({ merchantId, type: 'loyalty.event.created', id: event.id, object: { loyalty_event: event } });
  if (entry.points !== 0) {
    const updated: Account = {
      ...account,
      balance: (account.balance ?? 0) + entry.points,
      lifetime_points: (account.lifetime_points ?? 0) + (entry.type === 'ACCUMULATE_POINTS' || (entry.type === 'ADJUST_POINTS' && entry.points > 0) ? entry.points : 0),
      updated_at: at,
    };
    ctx.stores.loyaltyAccounts.put(merchantId, updated.id!, updated);
    ctx.webhooks.emit({ merchantId, type: 'loyalty.account.updated', id: updated.id!, object: { loyalty_account: updated } });
  }
  return event;
}

export function accumulate(
  ctx: EmulatorContext,
  merchantId: string,
  accountId: string,
  input: { order_id?: string | null; points?: number | null; loyalty_program_id?: string | null; location_id: string },
): LoyaltyEvent[] {
  const account = ctx.stores.loyaltyAccounts.require(merchantId, accountId, 'account_id');
  const program = findProgram(ctx, merchantId, account.program_id);
  if (!ctx.stores.locations.get(merchantId, input.location_id))
    throw errors.notFound(`Location with ID \`${input.location_id}\` not found.`, 'location_id');
  if (input.order_id && input.points != null)
    throw errors.invalid('CONFLICTING_PARAMETERS', 'Provide either accumulate_points.order_id or accumulate_points.points, not both.', 'accumulate_points');
  let points: number;
  if (input.order_id) {
    const orderId = input.order_id;
    const already = ctx.stores.loyaltyEvents
      .all(merchantId)
      .some(({ doc }) => doc.type === 'ACCUMULATE_POINTS' && doc.accumulate_points?.order_id === orderId);
    if (already)
      throw SquareApiError.of(409, 'INVALID_REQUEST_ERROR', 'CONFLICT', 'Points were already accumulated for this order.', 'accumulate_points.order_id');
    const order = ctx.stores.orders.require(merchantId, orderId, 'accumulate_points.order_id');
    // Square only rewards purchases: the order must be paid.
    if (order.state !== 'COMPLETED') throw errors.badRequest('Points can only be accumulated for a paid (COMPLETED) order.');
    points = pointsForOrder(program, order);
  } else if (input.points != null) {
    points = input.points;
  } else {
    throw errors.missing('accumulate_points.order_id');
  }
  if (points === 0) return [];
  const event = record(ctx, merchantId, account, {
    type: 'ACCUMULATE_POINTS',
    detail: { accumulate_points: { loyalty_program_id: program.id!, points, ...(input.order_id ? { order_id: input.order_id } : {}) } },
    points,
    locationId: input.location_id,
  });
  return [event];
}

export function adjust(
  ctx: EmulatorContext,
  merchantId: string,
  accountId: string,
  input: { points: number; reason?: string | null; allowNegativeBalance: boolean },
): LoyaltyEvent {
  const account = ctx.stores.loyaltyAccounts.require(merchantId, accountId, 'account_id');
  if (input.points === 0) throw errors.invalidValue('adjust_points.points', 'The adjustment must not be 0 points.');
  if (!input.allowNegativeBalance && (account.balance ?? 0) + input.points < 0)
    throw errors.badRequest('The adjustment would make the balance negative; set allow_negative_balance to allow it.');
  return record(ctx, merchantId, account, {
    type: 'ADJUST_POINTS',
    detail: { adjust_points: { loyalty_program_id: account.program_id, points: input.points, ...(input.reason ? { reason: input.reason } : {}) } },
    points: input.points,
  });
}

/** Locks a reward tier's points for the buyer; the balance must hold them. */
export function createReward(
  ctx: EmulatorContext,
  merchantId: string,
  input: { loyalty_account_id: string; reward_tier_id: string; order_id?: string | null },
): Reward {
  const account = ctx.stores.loyaltyAccounts.require(merchantId, input.loyalty_account_id, 'reward.loyalty_account_id');
  const program = findProgram(ctx, merchantId, account.program_id);
  const tier = program.reward_tiers?.find((t) => t.id === input.reward_tier_id);
  if (!tier) throw errors.notFound(`Reward tier with ID \`${input.reward_tier_id}\` not found.`, 'reward.reward_tier_id');
  if (input.order_id) {
    const order = ctx.stores.orders.require(merchantId, input.order_id, 'reward.order_id');
    if (order.state !== 'OPEN') throw errors.badRequest('A reward can only be added to an OPEN order.');
  }
  if ((account.balance ?? 0) < tier.points)
    throw errors.badRequest(`The account has ${account.balance ?? 0} points; the reward tier needs ${tier.points}.`);
  const at = now();
  const reward: Reward = {
    id: newId.loyalty('reward'),
    status: 'ISSUED',
    loyalty_account_id: account.id!,
    reward_tier_id: tier.id!,
    points: tier.points,
    ...(input.order_id ? { order_id: input.order_id } : {}),
    created_at: at,
    updated_at: at,
  };
  ctx.stores.loyaltyRewards.insert(merchantId, reward.id!, reward);
  record(ctx, merchantId, account, {
    type: 'CREATE_REWARD',
    detail: { create_reward: { loyalty_program_id: program.id!, reward_id: reward.id!, points: -tier.points } },
    points: -tier.points,
  });
  return reward;
}

export function redeemReward(ctx: EmulatorContext, merchantId: string, rewardId: string, locationId: string): LoyaltyEvent {
  const reward = ctx.stores.loyaltyRewards.require(merchantId, rewardId, 'reward_id');
  if (!ctx.stores.locations.get(merchantId, locationId))
    throw errors.notFound(`Location with ID \`${locationId}\` not found.`, 'location_id');
  if (reward.status !== 'ISSUED') throw errors.badRequest(`The reward is ${reward.status} and cannot be redeemed.`);
  const at = now();
  const redeemed: Reward = { ...reward, status: 'REDEEMED', redeemed_at: at, updated_at: at };
  ctx.stores.loyaltyRewards.put(merchantId, rewardId, redeemed);
  const account = ctx.stores.loyaltyAccounts.require(merchantId, reward.loyalty_account_id, 'account_id');
  return record(ctx, merchantId, account, {
    type: 'REDEEM_REWARD',
    detail: {
      redeem_reward: {
        loyalty_program_id: account.program_id,
        reward_id: rewardId,
        ...(reward.order_id ? { order_id: reward.order_id } : {}),
      },
    },
    points: 0,
    locationId,
  });
}

/** Gives a reward's points back; a redeemed reward is final. */
export function deleteReward(ctx: EmulatorContext, merchantId: string, rewardId: string): void {
  const reward = ctx.stores.loyaltyRewards.require(merchantId, rewardId, 'reward_id');
  if (reward.status === 'REDEEMED') throw errors.badRequest('A redeemed reward cannot be deleted.');
  if (reward.status === 'DELETED') throw errors.notFound(`Loyalty reward with ID \`${rewardId}\` not found.`, 'reward_id');
  ctx.stores.loyaltyRewards.put(merchantId, rewardId, { ...reward, status: 'DELETED', updated_at: now() });
  const account = ctx.stores.loyaltyAccounts.require(merchantId, reward.loyalty_account_id, 'account_id');
  record(ctx, merchantId, account, {
    type: 'DELETE_REWARD',
    detail: { delete_reward: { loyalty_program_id: account.program_id, reward_id: rewardId, points: reward.points ?? 0 } },
    points: reward.points ?? 0,
  });
}
