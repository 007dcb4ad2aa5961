import type { FastifyInstance } from 'fastify';
import { serialization, type Square } from 'square';
import { z } from 'zod';
import type { EmulatorContext } from '../context.js';
import { PROMOTIONS_PAGE, cancelPromotion, createPromotion, findPromotion, listPromotions } from '../domain/loyalty-promotions.js';
import { searchAccounts, searchEvents, searchRewards } from '../domain/loyalty-search.js';
import {
  accumulate,
  adjust,
  calculatePoints,
  createAccount,
  createReward,
  deleteReward,
  findProgram,
  programOf,
  redeemReward,
} from '../domain/loyalty.js';
import { errors } from '../plumbing/errors.js';
import { parse, parseRequest, querySchema, shapes, type FieldRules } from '../plumbing/validation.js';
import type { Endpoints } from './endpoints.js';

/** Square's limits: SearchLoyaltyAccounts 1–200 a page, events and rewards 1–30. */
const MAX_ACCOUNTS_PAGE = 200;
const MAX_EVENTS_PAGE = 30;
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
const promotionsQuery = querySchema<Omit<Square.loyalty.programs.ListPromotionsRequest, 'programId'>>()({
  status: z.enum(['ACTIVE', 'ENDED', 'CANCELED', 'SCHEDULED']),
  cursor: z.string(),
  limit: shapes.queryInt.min(1).max(PROMOTIONS_PAGE.max),
});

type AccountParams = { Params: { account_id: string } };
type ProgramParams = { Params: { program_id: string } };
type RewardParams = { Params: { reward_id: string } };
type PromotionParams = { Params: { program_id: string; promotion_id: string } };

export const LOYALTY_ENDPOINTS: Endpoints = {
  'GET /loyalty/programs': { response: 'ListLoyaltyProgramsResponse', scopes: ['LOYALTY_READ'] }, // ListLoyaltyPrograms (deprecated)
  'GET /loyalty/programs/:program_id': { response: 'GetLoyaltyProgramResponse', scopes: ['LOYALTY_READ'] }, // RetrieveLoyaltyProgram
  'POST /loyalty/programs/:program_id/promotions': { response: 'CreateLoyaltyPromotionResponse', scopes: ['LOYALTY_WRITE'] }, // CreateLoyaltyPromotion
  'GET /loyalty/programs/:program_id/promotions': { response: 'ListLoyaltyPromotionsResponse', scopes: ['LOYALTY_READ'] }, // ListLoyaltyPromotions
  'GET /loyalty/programs/:program_id/promotions/:promotion_id': { response: 'GetLoyaltyPromotionResponse', scopes: ['LOYALTY_READ'] }, // RetrieveLoyaltyPromotion
  'POST /loyalty/programs/:program_id/promotions/:promotion_id/cancel': { response: 'CancelLoyaltyPromotionResponse', scopes: ['LOYALTY_WRITE'] }, // CancelLoyaltyPromotion
  'POST /loyalty/programs/:program_id/calculate': { response: 'CalculateLoyaltyPointsResponse', scopes: ['LOYALTY_READ'] }, // CalculateLoyaltyPoints
  'POST /loyalty/accounts': { response: 'CreateLoyaltyAccountResponse', scopes: ['LOYALTY_WRITE'] }, // CreateLoyaltyAccount
  'POST /loyalty/accounts/search': { response: 'SearchLoyaltyAccountsResponse', scopes: ['LOYALTY_READ'] }, // SearchLoyaltyAccounts
  'GET /loyalty/accounts/:account_id': { response: 'GetLoyaltyAccountResponse', scopes: ['LOYALTY_READ'] }, // RetrieveLoyaltyAccount
  'POST /loyalty/accounts/:account_id/accumulate': { response: 'AccumulateLoyaltyPointsResponse', scopes: ['LOYALTY_WRITE'] }, // AccumulateLoyaltyPoints
  'POST /loyalty/accounts/:account_id/adjust': { response: 'AdjustLoyaltyPointsResponse', scopes: ['LOYALTY_WRITE'] }, // AdjustLoyaltyPoints
  'POST /loyalty/events/search': { response: 'SearchLoyaltyEventsResponse', scopes: ['LOYALTY_READ'] }, // SearchLoyaltyEvents
  'POST /loyalty/rewards': { response: 'CreateLoyaltyRewardResponse', scopes: ['LOYALTY_WRITE'] }, // CreateLoyaltyReward
  'POST /loyalty/rewards/search': { response: 'SearchLoyaltyRewardsResponse', scopes: ['LOYALTY_READ'] }, // SearchLoyaltyRewards
  'GET /loyalty/rewards/:reward_id': { response: 'GetLoyaltyRewardResponse', scopes: ['LOYALTY_READ'] }, // RetrieveLoyaltyReward
  'DELETE /loyalty/rewards/:reward_id': { response: 'DeleteLoyaltyRewardResponse', scopes: ['LOYALTY_WRITE'] }, // DeleteLoyaltyReward
  'POST /loyalty/rewards/:reward_id/redeem': { response: 'RedeemLoyaltyRewardResponse', scopes: ['LOYALTY_WRITE'] }, // RedeemLoyaltyReward
};

/**
 * Loyalty API: programs, accounts, points, rewards, the event ledger and promotions (kept, listed and
 * canceled; their extra points are not added to accruals).
 */
export function registerLoyalty(app: FastifyInstance, ctx: EmulatorContext): void {
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

  app.get<ProgramParams>('/loyalty/programs/:program_id/promotions', async (request) =>
    listPromotions(ctx, request.merchant.id, request.params.program_id, parse(promotionsQuery, request.query)),
  );

  app.get<PromotionParams>('/loyalty/programs/:program_id/promotions/:promotion_id', async (request) => ({
    loyalty_promotion: findPromotion(ctx, request.merchant.id, request.params.program_id, request.params.promotion_id),
  }));

  // Square's CancelLoyaltyPromotion takes no idempotency key; canceling twice is refused, as the promotion is no longer live.
  app.post<PromotionParams>('/loyalty/programs/:program_id/promotions/:promotion_id/cancel', async (request) =>
    ctx.tx(() => ({ loyalty_promotion: cancelPromotion(ctx, request.merchant.id, request.params.program_id, request.params.promotion_id) })),
  );

  app.post<ProgramParams>('/loyalty/programs/:program_id/calculate', async (request) => {
    const body = parseRequest(serialization.loyalty.programs.CalculateLoyaltyPointsRequest, request.body, CALCULATE_RULES);
    return calculatePoints(ctx, request.merchant.id, request.params.program_id, body);
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

  app.post('/loyalty/accounts/search', async (request) =>
    searchAccounts(ctx, request.merchant.id, parseRequest(serialization.loyalty.accounts.SearchLoyaltyAccountsRequest, request.body, SEARCH_ACCOUNTS_RULES)),
  );

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

  app.post('/loyalty/events/search', async (request) =>
    searchEvents(ctx, request.merchant.id, parseRequest(serialization.SearchLoyaltyEventsRequest, request.body, SEARCH_EVENTS_RULES)),
  );

  app.post('/loyalty/rewards', async (request, reply) => {
    const merchantId = request.merchant.id;
    const body = parseRequest(serialization.loyalty.rewards.CreateLoyaltyRewardRequest, request.body, CREATE_REWARD_RULES);
    return ctx.idempotency.send(reply, { merchantId, endpoint: 'CreateLoyaltyReward', key: body.idempotency_key, request: request.body }, () => ({
      reward: createReward(ctx, merchantId, body.reward),
    }));
  });

  app.post('/loyalty/rewards/search', async (request) =>
    searchRewards(ctx, request.merchant.id, parseRequest(serialization.loyalty.rewards.SearchLoyaltyRewardsRequest, request.body, SEARCH_REWARDS_RULES)),
  );

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
