import type { FastifyInstance } from 'fastify';
import { serialization, type Square } from 'square';
import { z } from 'zod';
import type { EmulatorContext } from '../context.js';
import { cancelPromotion, createPromotion, findPromotion, programPromotions } from '../domain/loyalty-promotions.js';
import {
  accumulate,
  adjust,
  createAccount,
  createReward,
  deleteReward,
  findProgram,
  pointsFor,
  pointsForOrder,
  programOf,
  redeemReward,
} from '../domain/loyalty.js';
import { errors } from '../plumbing/errors.js';
import { paginate } from '../plumbing/pagination.js';
import { parse, parseRequest, querySchema, shapes, type FieldRules } from '../plumbing/validation.js';

/** Square's limits: SearchLoyaltyAccounts 1–200 (default 30), events and rewards 1–30 (default 30). */
const MAX_ACCOUNTS_PAGE = 200;
const MAX_EVENTS_PAGE = 30;
const DEFAULT_PAGE = 30;
/** Square caps each of SearchLoyaltyAccounts' filters at 30 values. */
const MAX_FILTER_VALUES = 30;

/** What the spec states of the Loyalty API's strings beyond the SDK's schemas. */
const KEY = { idempotency_key: { min: 1, max: 128 } };
const ID = { min: 1, max: 36 };
const CREATE_ACCOUNT_RULES: FieldRules = { ...KEY, 'loyalty_account.program_id': ID };
const ACCUMULATE_RULES: FieldRules = {
  ...KEY,
  location_id: { min: 1 },
  'accumulate_points.loyalty_program_id': { max: 36 },
  'accumulate_points.points': { min: 1, integer: true },
};
const ADJUST_RULES: FieldRules = {
  ...KEY,
  'adjust_points.loyalty_program_id': { max: 36 },
  'adjust_points.reason': { max: 3500 },
  'adjust_points.points': { integer: true },
};
const CALCULATE_RULES: FieldRules = { order_id: { min: 1 }, loyalty_account_id: ID };
const CREATE_REWARD_RULES: FieldRules = { ...KEY, 'reward.loyalty_account_id': ID, 'reward.reward_tier_id': ID };
const REDEEM_RULES: FieldRules = { ...KEY, location_id: { min: 1 } };

/** Numbers and counts Square checks that the SDK's schemas type only as numbers and lists. */
const page = (max: number): FieldRules => ({ limit: { min: 1, max } });
const SEARCH_ACCOUNTS_RULES: FieldRules = {
  ...page(MAX_ACCOUNTS_PAGE),
  'query.mappings': { max: MAX_FILTER_VALUES },
  'query.customer_ids': { max: MAX_FILTER_VALUES },
};
const SEARCH_EVENTS_RULES: FieldRules = {
  ...page(MAX_EVENTS_PAGE),
  'query.filter.loyalty_account_filter.loyalty_account_id': { min: 1 },
  'query.filter.order_filter.order_id': { min: 1 },
  'query.filter.date_time_filter.created_at.start_at': { timestamp: true },
  'query.filter.date_time_filter.created_at.end_at': { timestamp: true },
};
const SEARCH_REWARDS_RULES: FieldRules = { ...page(MAX_EVENTS_PAGE), 'query.loyalty_account_id': { min: 1 } };
const CREATE_PROMOTION_RULES: FieldRules = {
  ...KEY,
  'loyalty_promotion.name': { min: 1, max: 70 },
  'loyalty_promotion.incentive.points_multiplier_data.points_multiplier': { min: 2, max: 10 },
  'loyalty_promotion.incentive.points_multiplier_data.multiplier': { max: 5 },
  'loyalty_promotion.incentive.points_addition_data.points_addition': { min: 1 },
  'loyalty_promotion.available_time.time_periods': { min: 1 },
  'loyalty_promotion.trigger_limit.times': { min: 1, max: 30 },
};
/** ListLoyaltyPromotions: 1–30 a page, 30 unless told. */
const MAX_PROMOTIONS_PAGE = 30;
const promotionsQuery = querySchema<Omit<Square.loyalty.programs.ListPromotionsRequest, 'programId'>>()({
  status: z.enum(['ACTIVE', 'ENDED', 'CANCELED', 'SCHEDULED']),
  cursor: z.string(),
  limit: shapes.queryInt.min(1).max(MAX_PROMOTIONS_PAGE),
});

type AccountParams = { Params: { account_id: string } };
type ProgramParams = { Params: { program_id: string } };
type RewardParams = { Params: { reward_id: string } };
type PromotionParams = { Params: { program_id: string; promotion_id: string } };

/**
 * Loyalty API: programs, accounts, points, rewards, the event ledger and promotions (kept, listed and
 * canceled; their extra points are not added to accruals).
 */
export function registerLoyalty(app: FastifyInstance, ctx: EmulatorContext): void {
  const { loyaltyAccounts, loyaltyEvents, loyaltyRewards } = ctx.stores;

  app.get('/loyalty/programs', async (request) => {
    const program = programOf(ctx, request.merchant.id);
    return program ? { programs: [program] } : {};
  });

  app.get<ProgramParams>('/loyalty/programs/:program_id', async (request) => ({
    program: findProgram(ctx, request.merchant.id, request.params.program_id),
  }));

  app.post<ProgramParams>('/loyalty/programs/:program_id/promotions', async (request, reply) => {
    const merchantId = request.merchant.id;
    const body = parseRequest(serialization.loyalty.programs.promotions.CreateLoyaltyPromotionRequest, request.body, CREATE_PROMOTION_RULES);
    return ctx.idempotency.send(reply, { merchantId, endpoint: 'CreateLoyaltyPromotion', key: body.idempotency_key, request: { ...body, program: request.params.program_id } }, () => ({
      loyalty_promotion: createPromotion(ctx, merchantId, request.params.program_id, body.loyalty_promotion),
    }));
  });

  app.get<ProgramParams>('/loyalty/programs/:program_id/promotions', async (request) => {
    const query = parse(promotionsQuery, request.query);
    const promotions = programPromotions(ctx, request.merchant.id, request.params.program_id).filter((s) => !query.status || s.doc.status === query.status);
    const found = paginate({ items: promotions, key: (s) => [s.seq], limit: query.limit ?? MAX_PROMOTIONS_PAGE, cursor: query.cursor, query: query.status });
    return {
      ...(found.items.length ? { loyalty_promotions: found.items.map((s) => s.doc) } : {}),
      ...(found.cursor ? { cursor: found.cursor } : {}),
    };
  });

  app.get<PromotionParams>('/loyalty/programs/:program_id/promotions/:promotion_id', async (request) => ({
    loyalty_promotion: findPromotion(ctx, request.merchant.id, request.params.program_id, request.params.promotion_id),
  }));

  // Square's CancelLoyaltyPromotion takes no idempotency key; canceling twice is refused, as the promotion is no longer live.
  app.post<PromotionParams>('/loyalty/programs/:program_id/promotions/:promotion_id/cancel', async (request) =>
    ctx.tx(() => ({ loyalty_promotion: cancelPromotion(ctx, request.merchant.id, request.params.program_id, request.params.promotion_id) })),
  );

  app.post<ProgramParams>('/loyalty/programs/:program_id/calculate', async (request) => {
    const merchantId = request.merchant.id;
    const body = parseRequest(serialization.loyalty.programs.CalculateLoyaltyPointsRequest, request.body, CALCULATE_RULES);
    const program = findProgram(ctx, merchantId, request.params.program_id);
    if (body.order_id && body.transaction_amount_money)
      throw errors.invalid('CONFLICTING_PARAMETERS', 'Provide either order_id or transaction_amount_money, not both.');
    if (body.loyalty_account_id) ctx.stores.loyaltyAccounts.require(merchantId, body.loyalty_account_id, 'loyalty_account_id');
    if (body.order_id) return { points: pointsForOrder(program, ctx.stores.orders.require(merchantId, body.order_id, 'order_id')), promotion_points: 0 };
    if (!body.transaction_amount_money) throw errors.missing('order_id');
    if (body.transaction_amount_money.amount == null) throw errors.missing('transaction_amount_money.amount');
    const total = BigInt(body.transaction_amount_money.amount);
    // An amount alone carries no tax or items: SPEND and VISIT rules apply to it as given.
    return { points: pointsFor(program, { total, tax: 0n }), promotion_points: 0 };
  });

  app.post('/loyalty/accounts', async (request, reply) => {
    const merchantId = request.merchant.id;
    const body = parseRequest(serialization.loyalty.accounts.CreateLoyaltyAccountRequest, request.body, CREATE_ACCOUNT_RULES);
    // Optional in the schema, which also describes accounts Square returns; an account is created for a phone number.
    const { mapping } = body.loyalty_account;
    if (mapping == null) throw errors.missing('loyalty_account.mapping');
    const phoneNumber = mapping.phone_number;
    if (phoneNumber == null) throw errors.missing('loyalty_account.mapping.phone_number');
    return ctx.idempotency.send(reply, { merchantId, endpoint: 'CreateLoyaltyAccount', key: body.idempotency_key, request: request.body }, () => ({
      loyalty_account: createAccount(ctx, merchantId, {
        program_id: body.loyalty_account.program_id,
        phone_number: phoneNumber,
        customer_id: body.loyalty_account.customer_id,
      }),
    }));
  });

  app.post('/loyalty/accounts/search', async (request) => {
    const merchantId = request.merchant.id;
    const body = parseRequest(serialization.loyalty.accounts.SearchLoyaltyAccountsRequest, request.body, SEARCH_ACCOUNTS_RULES);
    const phones = body.query?.mappings?.map((m) => m.phone_number);
    const customerIds = body.query?.customer_ids;
    if (phones?.length && customerIds?.length)
      throw errors.invalid('CONFLICTING_PARAMETERS', 'Search by mappings or by customer_ids, not both.', 'query');
    const matches = loyaltyAccounts.all(merchantId).filter(({ doc }) => {
      if (phones?.length) return phones.includes(doc.mapping?.phone_number ?? '');
      if (customerIds?.length) return customerIds.includes(doc.customer_id ?? '');
      return true;
    });
    const page = paginate({
      items: matches,
      key: ({ seq, doc }) => [doc.created_at ?? '', seq],
      limit: body.limit ?? DEFAULT_PAGE,
      cursor: body.cursor,
      query: ['SearchLoyaltyAccounts', phones, customerIds],
    });
    return { loyalty_accounts: page.items.map((s) => s.doc), ...(page.cursor ? { cursor: page.cursor } : {}) };
  });

  app.get<AccountParams>('/loyalty/accounts/:account_id', async (request) => ({
    loyalty_account: ctx.stores.loyaltyAccounts.require(request.merchant.id, request.params.account_id, 'account_id'),
  }));

  app.post<AccountParams>('/loyalty/accounts/:account_id/accumulate', async (request, reply) => {
    const merchantId = request.merchant.id;
    const body = parseRequest(serialization.loyalty.accounts.AccumulateLoyaltyPointsRequest, request.body, ACCUMULATE_RULES);
    return ctx.idempotency.send(reply, { merchantId, endpoint: 'AccumulateLoyaltyPoints', key: body.idempotency_key, request: request.body }, () => {
      const events = accumulate(ctx, merchantId, request.params.account_id, { ...body.accumulate_points, location_id: body.location_id });
      // `event` is the deprecated single-event field Square still fills.
      return { events, ...(events[0] ? { event: events[0] } : {}) };
    });
  });

  app.post<AccountParams>('/loyalty/accounts/:account_id/adjust', async (request, reply) => {
    const merchantId = request.merchant.id;
    const body = parseRequest(serialization.loyalty.accounts.AdjustLoyaltyPointsRequest, request.body, ADJUST_RULES);
    return ctx.idempotency.send(reply, { merchantId, endpoint: 'AdjustLoyaltyPoints', key: body.idempotency_key, request: request.body }, () => ({
      event: adjust(ctx, merchantId, request.params.account_id, {
        points: body.adjust_points.points,
        reason: body.adjust_points.reason,
        allowNegativeBalance: body.allow_negative_balance === true,
      }),
    }));
  });

  app.post('/loyalty/events/search', async (request) => {
    const merchantId = request.merchant.id;
    const body = parseRequest(serialization.SearchLoyaltyEventsRequest, request.body, SEARCH_EVENTS_RULES);
    const filter = body.query?.filter;
    const createdAt = filter?.date_time_filter?.created_at;
    const matches = loyaltyEvents.all(merchantId).filter(({ doc }) => {
      if (filter?.loyalty_account_filter && doc.loyalty_account_id !== filter.loyalty_account_filter.loyalty_account_id) return false;
      if (filter?.type_filter && !filter.type_filter.types.includes(doc.type)) return false;
      if (filter?.location_filter && !filter.location_filter.location_ids.includes(doc.location_id ?? '')) return false;
      if (filter?.order_filter) {
        const orderId = doc.accumulate_points?.order_id ?? doc.redeem_reward?.order_id;
        if (orderId !== filter.order_filter.order_id) return false;
      }
      const at = Date.parse(doc.created_at);
      if (createdAt?.start_at && at < Date.parse(createdAt.start_at)) return false;
      if (createdAt?.end_at && at >= Date.parse(createdAt.end_at)) return false;
      return true;
    });
    const page = paginate({
      items: matches,
      key: ({ seq, doc }) => [doc.created_at, seq],
      order: 'DESC',
      limit: body.limit ?? DEFAULT_PAGE,
      cursor: body.cursor,
      query: ['SearchLoyaltyEvents', filter],
    });
    return { events: page.items.map((s) => s.doc), ...(page.cursor ? { cursor: page.cursor } : {}) };
  });

  app.post('/loyalty/rewards', async (request, reply) => {
    const merchantId = request.merchant.id;
    const body = parseRequest(serialization.loyalty.rewards.CreateLoyaltyRewardRequest, request.body, CREATE_REWARD_RULES);
    return ctx.idempotency.send(reply, { merchantId, endpoint: 'CreateLoyaltyReward', key: body.idempotency_key, request: request.body }, () => ({
      reward: createReward(ctx, merchantId, body.reward),
    }));
  });

  app.post('/loyalty/rewards/search', async (request) => {
    const merchantId = request.merchant.id;
    const body = parseRequest(serialization.loyalty.rewards.SearchLoyaltyRewardsRequest, request.body, SEARCH_REWARDS_RULES);
    const query = body.query;
    const matches = loyaltyRewards
      .all(merchantId)
      .filter(({ doc }) => !query || (doc.loyalty_account_id === query.loyalty_account_id && (!query.status || doc.status === query.status)));
    const page = paginate({
      items: matches,
      key: ({ seq, doc }) => [doc.updated_at ?? '', seq],
      order: 'DESC',
      limit: body.limit ?? DEFAULT_PAGE,
      cursor: body.cursor,
      query: ['SearchLoyaltyRewards', query],
    });
    return { rewards: page.items.map((s) => s.doc), ...(page.cursor ? { cursor: page.cursor } : {}) };
  });

  app.get<RewardParams>('/loyalty/rewards/:reward_id', async (request) => ({
    reward: ctx.stores.loyaltyRewards.require(request.merchant.id, request.params.reward_id, 'reward_id'),
  }));

  app.delete<RewardParams>('/loyalty/rewards/:reward_id', async (request) => {
    ctx.tx(() => deleteReward(ctx, request.merchant.id, request.params.reward_id));
    return {};
  });

  app.post<RewardParams>('/loyalty/rewards/:reward_id/redeem', async (request, reply) => {
    const merchantId = request.merchant.id;
    const body = parseRequest(serialization.loyalty.rewards.RedeemLoyaltyRewardRequest, request.body, REDEEM_RULES);
    return ctx.idempotency.send(reply, { merchantId, endpoint: 'RedeemLoyaltyReward', key: body.idempotency_key, request: request.body }, () => ({
      event: redeemReward(ctx, merchantId, request.params.reward_id, body.location_id),
    }));
  });
}
