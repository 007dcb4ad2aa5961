import { randomUUID } from 'node:crypto';
import type { SquareClient } from 'square';
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../support/emulator.js';
import { addCustomer, eventsFor, failure, newToken, usd } from '../support/fixtures.js';

const square = useEmulator();

/** A star per dollar before tax, or 5 stars for any visit of $20 or more; rewards at 10 and 40. */
const PROGRAM = {
  accrual_rules: [
    { accrual_type: 'SPEND', points: 1, spend_data: { amount_money: { amount: 100, currency: 'USD' }, tax_mode: 'BEFORE_TAX' } },
    { accrual_type: 'VISIT', points: 5, visit_data: { minimum_amount_money: { amount: 2000, currency: 'USD' }, tax_mode: 'AFTER_TAX' } },
  ],
  reward_tiers: [
    { name: 'Free coffee', points: 10, pricing_rule_reference: { object_id: 'PR-COFFEE' } },
    { name: '$5 off', points: 40, pricing_rule_reference: { object_id: 'PR-FIVE' } },
  ],
  terminology: { one: 'Star', other: 'Stars' },
};

async function loyaltyMerchant() {
  const token = newToken();
  const client = square.client(token);
  const setUp = await square.raw('PUT', '/_emulator/loyalty/program', { token, body: PROGRAM });
  expect(setUp.status).toBe(200);
  const { program } = await client.loyalty.programs.get({ programId: 'main' });
  const locationId = (await client.locations.list()).locations![0]!.id!;
  const enroll = async (phoneNumber: string, customerId?: string) =>
    (
      await client.loyalty.accounts.create({
        idempotencyKey: randomUUID(),
        loyaltyAccount: { programId: program!.id!, mapping: { phoneNumber }, ...(customerId ? { customerId } : {}) },
      })
    ).loyaltyAccount!;
  return { token, client, program: program!, locationId, enroll };
}

/** An order of `cents` before an 8.625% tax, paid by card: COMPLETED. */
async function paidOrder(client: SquareClient, locationId: string, cents: number) {
  const { order } = await client.orders.create({
    idempotencyKey: randomUUID(),
    order: {
      locationId,
      lineItems: [{ name: 'Beans', quantity: '1', basePriceMoney: usd(cents) }],
      taxes: [{ uid: 'tax', name: 'Tax', percentage: '8.625', scope: 'ORDER' }],
    },
  });
  await client.payments.create({
    idempotencyKey: randomUUID(),
    sourceId: 'cnon:card-nonce-ok',
    amountMoney: order!.totalMoney!,
    orderId: order!.id!,
    locationId,
  });
  return order!;
}

const accumulate = (client: SquareClient, accountId: string, locationId: string, points: { orderId?: string; points?: number }) =>
  client.loyalty.accounts.accumulatePoints({ accountId, idempotencyKey: randomUUID(), locationId, accumulatePoints: points });

describe('Loyalty programs', () => {
  it('lists the one program, retrieves it by id or `main`, and has none before the seller sets one up', async () => {
    const fresh = square.client(newToken());
    expect((await fresh.loyalty.programs.list()).programs).toBeUndefined();
    expect(await failure(fresh.loyalty.programs.get({ programId: 'main' }))).toMatchObject({
      status: 404,
      errors: [{ code: 'NOT_FOUND', field: 'program_id' }],
    });
    const { client, program } = await loyaltyMerchant();
    expect(program).toMatchObject({
      status: 'ACTIVE',
      terminology: { one: 'Star', other: 'Stars' },
      accrualRules: [{ accrualType: 'SPEND', points: 1 }, { accrualType: 'VISIT', points: 5 }],
      rewardTiers: [{ name: 'Free coffee', points: 10 }, { name: '$5 off', points: 40 }],
    });
    expect(program.rewardTiers![0]!.id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await client.loyalty.programs.list()).programs).toEqual([program]);
    expect((await client.loyalty.programs.get({ programId: program.id! })).program).toEqual(program);
  });

  it('calculates the points of an amount or an order by the rule that grants the most', async () => {
    const { client, program, locationId } = await loyaltyMerchant();
    const calc = (request: object) => client.loyalty.programs.calculate({ programId: program.id!, ...request });
    expect((await calc({ transactionAmountMoney: usd(1299) })).points).toBe(12);
    // $25.00 spends 25 stars; the visit rule's 5 lose.
    expect((await calc({ transactionAmountMoney: usd(2500) })).points).toBe(25);
    const order = await paidOrder(client, locationId, 1550);
    expect((await calc({ orderId: order.id })).points).toBe(15); // before tax
    expect(await failure(calc({ orderId: 'nope' }))).toMatchObject({ status: 404, errors: [{ code: 'NOT_FOUND', field: 'order_id' }] });
    expect(await failure(calc({ orderId: order.id, transactionAmountMoney: usd(100) }))).toMatchObject({
      status: 400,
      errors: [{ code: 'CONFLICTING_PARAMETERS' }],
    });
  });
});

describe('Loyalty accounts', () => {
  it('enrolls by phone, linking the customer with that number, and finds the account by phone or customer', async () => {
    const { client, token, program, enroll } = await loyaltyMerchant();
    const customerId = addCustomer(square, token, { given_name: 'Ada', phone_number: '+1 (415) 555-0101' });
    const account = await enroll('+14155550101');
    expect(account).toMatchObject({ programId: program.id, balance: 0, lifetimePoints: 0, customerId, mapping: { phoneNumber: '+14155550101' } });
    expect(account.enrolledAt).toBe(account.createdAt);
    expect((await client.loyalty.accounts.get({ accountId: account.id! })).loyaltyAccount).toEqual(account);
    const byPhone = await client.loyalty.accounts.search({ query: { mappings: [{ phoneNumber: '+14155550101' }] } });
    expect(byPhone.loyaltyAccounts).toEqual([account]);
    const byCustomer = await client.loyalty.accounts.search({ query: { customerIds: [customerId] } });
    expect(byCustomer.loyaltyAccounts).toEqual([account]);
    expect(eventsFor(square, account.id!).map((e) => e.type)).toEqual(['loyalty.account.created']);
  });

  it('creates a customer profile for a phone number the seller does not know yet', async () => {
    const { client, enroll } = await loyaltyMerchant();
    const account = await enroll('+14155550199');
    const { customer } = await client.customers.get({ customerId: account.customerId! });
    expect(customer).toMatchObject({ phoneNumber: '+14155550199', creationSource: 'LOYALTY' });
  });

  it('refuses a bad phone number, a second account for a number or customer, an unknown program, and replays its idempotency key', async () => {
    const { client, token, program, enroll } = await loyaltyMerchant();
    const create = (phoneNumber: string, extra: object = {}, idempotencyKey = randomUUID()) =>
      client.loyalty.accounts.create({ idempotencyKey, loyaltyAccount: { programId: program.id!, mapping: { phoneNumber }, ...extra } });
    expect(await failure(create('415-555-0100'))).toMatchObject({ status: 400, errors: [{ code: 'INVALID_PHONE_NUMBER', field: 'loyalty_account.mapping.phone_number' }] });
    const first = await enroll('+14155550102');
    expect(await failure(create('+14155550102'))).toMatchObject({ status: 409, errors: [{ code: 'CONFLICT' }] });
    expect(await failure(create('+14155550103', { customerId: first.customerId }))).toMatchObject({ status: 409, errors: [{ code: 'CONFLICT', field: 'loyalty_account.customer_id' }] });
    expect(await failure(create('+14155550104', { customerId: 'missing' }))).toMatchObject({ status: 404, errors: [{ code: 'NOT_FOUND' }] });
    expect(
      await failure(client.loyalty.accounts.create({ idempotencyKey: randomUUID(), loyaltyAccount: { programId: 'nope', mapping: { phoneNumber: '+14155550105' } } })),
    ).toMatchObject({ status: 404, errors: [{ code: 'NOT_FOUND' }] });
    const key = randomUUID();
    const once = (await create('+14155550106', {}, key)).loyaltyAccount;
    expect((await create('+14155550106', {}, key)).loyaltyAccount).toEqual(once);
    expect(await failure(create('+14155550107', {}, key))).toMatchObject({ errors: [{ code: 'IDEMPOTENCY_KEY_REUSED' }] });
    const missing = await square.raw('POST', '/v2/loyalty/accounts', { token, body: { idempotency_key: randomUUID(), loyalty_account: { program_id: program.id } } });
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0]).toMatchObject({ code: 'MISSING_REQUIRED_PARAMETER', field: 'loyalty_account.mapping' });
    expect(await failure(client.loyalty.accounts.get({ accountId: 'nope' }))).toMatchObject({ status: 404, errors: [{ code: 'NOT_FOUND', field: 'account_id' }] });
  });

  it('pages accounts oldest first and refuses a limit above 200', async () => {
    const { client, token, enroll } = await loyaltyMerchant();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await enroll(`+1415555020${i}`)).id!);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.loyalty.accounts.search({ limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...page.loyaltyAccounts!.map((a) => a.id!));
      cursor = page.cursor;
    } while (cursor);
    expect(seen).toEqual(ids);
    const res = await square.raw('POST', '/v2/loyalty/accounts/search', { token, body: { limit: 201 } });
    expect(res.body.errors[0]).toMatchObject({ code: 'VALUE_TOO_HIGH', field: 'limit' });
  });
});

describe('Points', () => {
  it('accumulates for a paid order once, by points given, and adjusts, each recorded in the ledger with webhooks', async () => {
    const { client, locationId, enroll } = await loyaltyMerchant();
    const account = await enroll('+14155550301');
    const order = await paidOrder(client, locationId, 1550);
    const earned = await accumulate(client, account.id!, locationId, { orderId: order.id! });
    expect(earned.events).toMatchObject([
      { type: 'ACCUMULATE_POINTS', accumulatePoints: { points: 15, orderId: order.id }, loyaltyAccountId: account.id, locationId, source: 'LOYALTY_API' },
    ]);
    expect(await failure(accumulate(client, account.id!, locationId, { orderId: order.id! }))).toMatchObject({ status: 409, errors: [{ code: 'CONFLICT' }] });
    await accumulate(client, account.id!, locationId, { points: 7 });
    const { event: adjusted } = await client.loyalty.accounts.adjust({
      accountId: account.id!,
      idempotencyKey: randomUUID(),
      adjustPoints: { points: -2, reason: 'Goodwill correction' },
    });
    expect(adjusted).toMatchObject({ type: 'ADJUST_POINTS', adjustPoints: { points: -2, reason: 'Goodwill correction' } });
    const { loyaltyAccount } = await client.loyalty.accounts.get({ accountId: account.id! });
    expect(loyaltyAccount).toMatchObject({ balance: 20, lifetimePoints: 22 });
    const { events } = await client.loyalty.searchEvents({ query: { filter: { loyaltyAccountFilter: { loyaltyAccountId: account.id! } } } });
    expect(events!.map((e) => e.type)).toEqual(['ADJUST_POINTS', 'ACCUMULATE_POINTS', 'ACCUMULATE_POINTS']);
    const byOrder = await client.loyalty.searchEvents({ query: { filter: { orderFilter: { orderId: order.id! } } } });
    expect(byOrder.events).toHaveLength(1);
    expect(eventsFor(square, account.id!).map((e) => e.type)).toEqual([
      'loyalty.account.created',
      'loyalty.account.updated',
      'loyalty.account.updated',
      'loyalty.account.updated',
    ]);
  });

  it('refuses an unpaid order, both points and an order, no points at all, and a negative balance unless allowed', async () => {
    const { client, locationId, enroll } = await loyaltyMerchant();
    const account = await enroll('+14155550302');
    const { order } = await client.orders.create({
      idempotencyKey: randomUUID(),
      order: { locationId, lineItems: [{ name: 'Beans', quantity: '1', basePriceMoney: usd(900) }] },
    });
    expect(await failure(accumulate(client, account.id!, locationId, { orderId: order!.id! }))).toMatchObject({ status: 400, errors: [{ code: 'BAD_REQUEST' }] });
    expect(await failure(accumulate(client, account.id!, locationId, { orderId: order!.id!, points: 3 }))).toMatchObject({ errors: [{ code: 'CONFLICTING_PARAMETERS' }] });
    expect(await failure(accumulate(client, account.id!, locationId, {}))).toMatchObject({ errors: [{ code: 'MISSING_REQUIRED_PARAMETER' }] });
    expect(await failure(accumulate(client, account.id!, 'LNOPE', { points: 3 }))).toMatchObject({ status: 404, errors: [{ field: 'location_id' }] });
    expect(await failure(accumulate(client, 'nope', locationId, { points: 3 }))).toMatchObject({ status: 404 });
    const adjust = (points: number, allowNegativeBalance?: boolean) =>
      client.loyalty.accounts.adjust({ accountId: account.id!, idempotencyKey: randomUUID(), adjustPoints: { points }, ...(allowNegativeBalance ? { allowNegativeBalance } : {}) });
    expect(await failure(adjust(-1))).toMatchObject({ status: 400, errors: [{ code: 'BAD_REQUEST' }] });
    expect(await failure(adjust(0))).toMatchObject({ status: 400, errors: [{ code: 'INVALID_VALUE' }] });
    await adjust(-1, true);
    expect((await client.loyalty.accounts.get({ accountId: account.id! })).loyaltyAccount!.balance).toBe(-1);
  });
});

describe('Rewards', () => {
  it('locks a tier’s points, gives them back when deleted, and keeps them when redeemed', async () => {
    const { client, locationId, program, enroll } = await loyaltyMerchant();
    const account = await enroll('+14155550401');
    await accumulate(client, account.id!, locationId, { points: 25 });
    const tier = program.rewardTiers![0]!;
    const create = () => client.loyalty.rewards.create({ idempotencyKey: randomUUID(), reward: { loyaltyAccountId: account.id!, rewardTierId: tier.id! } });
    const { reward: kept } = await create();
    expect(kept).toMatchObject({ status: 'ISSUED', points: 10, loyaltyAccountId: account.id, rewardTierId: tier.id });
    const { reward: dropped } = await create();
    const balance = async () => (await client.loyalty.accounts.get({ accountId: account.id! })).loyaltyAccount!;
    expect(await balance()).toMatchObject({ balance: 5, lifetimePoints: 25 });
    await client.loyalty.rewards.delete({ rewardId: dropped!.id! });
    expect((await client.loyalty.rewards.get({ rewardId: dropped!.id! })).reward!.status).toBe('DELETED');
    expect(await balance()).toMatchObject({ balance: 15 });
    const { event } = await client.loyalty.rewards.redeem({ rewardId: kept!.id!, idempotencyKey: randomUUID(), locationId });
    expect(event).toMatchObject({ type: 'REDEEM_REWARD', redeemReward: { rewardId: kept!.id } });
    expect((await client.loyalty.rewards.get({ rewardId: kept!.id! })).reward).toMatchObject({ status: 'REDEEMED' });
    expect(await balance()).toMatchObject({ balance: 15 });
    expect(await failure(client.loyalty.rewards.delete({ rewardId: kept!.id! }))).toMatchObject({ status: 400, errors: [{ code: 'BAD_REQUEST' }] });
    expect(await failure(client.loyalty.rewards.redeem({ rewardId: kept!.id!, idempotencyKey: randomUUID(), locationId }))).toMatchObject({ status: 400 });
    const issued = await client.loyalty.rewards.search({ query: { loyaltyAccountId: account.id!, status: 'REDEEMED' } });
    expect(issued.rewards!.map((r) => r.id)).toEqual([kept!.id]);
    const all = await client.loyalty.rewards.search({ query: { loyaltyAccountId: account.id! } });
    expect(all.rewards).toHaveLength(2);
    const { events } = await client.loyalty.searchEvents({
      query: { filter: { loyaltyAccountFilter: { loyaltyAccountId: account.id! }, typeFilter: { types: ['CREATE_REWARD', 'DELETE_REWARD'] } } },
    });
    expect(events!.map((e) => [e.type, e.createReward?.points ?? e.deleteReward?.points])).toEqual([
      ['DELETE_REWARD', 10],
      ['CREATE_REWARD', -10],
      ['CREATE_REWARD', -10],
    ]);
  });

  it('refuses a reward the balance cannot pay for, an unknown tier or account, and an unknown reward', async () => {
    const { client, program, enroll } = await loyaltyMerchant();
    const account = await enroll('+14155550402');
    const create = (reward: object) => client.loyalty.rewards.create({ idempotencyKey: randomUUID(), reward: reward as never });
    expect(await failure(create({ loyaltyAccountId: account.id!, rewardTierId: program.rewardTiers![0]!.id! }))).toMatchObject({ status: 400, errors: [{ code: 'BAD_REQUEST' }] });
    expect(await failure(create({ loyaltyAccountId: account.id!, rewardTierId: 'nope' }))).toMatchObject({ status: 404, errors: [{ field: 'reward.reward_tier_id' }] });
    expect(await failure(create({ loyaltyAccountId: 'nope', rewardTierId: 'nope' }))).toMatchObject({ status: 404, errors: [{ field: 'reward.loyalty_account_id' }] });
    expect(await failure(client.loyalty.rewards.get({ rewardId: 'nope' }))).toMatchObject({ status: 404, errors: [{ field: 'reward_id' }] });
  });
});

describe('Request checks', () => {
  it('answers Square’s codes for unknown fields, wrong types, bad enums, long strings and numbers out of range', async () => {
    const { token, program, locationId, enroll } = await loyaltyMerchant();
    const account = await enroll('+14155550190');
    const post = async (path: string, body: unknown) => (await square.raw('POST', `/v2/loyalty/${path}`, { token, body })).body.errors[0];
    const key = () => randomUUID();
    const newAccount = { program_id: program.id, mapping: { phone_number: '+14155550191' } };
    expect(await post('accounts', { idempotency_key: key(), loyalty_account: { ...newAccount, nickname: 'Al' } })).toMatchObject({
      code: 'UNKNOWN_BODY_PARAMETER',
      field: 'loyalty_account.nickname',
    });
    expect(await post('accounts', { idempotency_key: key(), loyalty_account: { ...newAccount, program_id: 'p'.repeat(37) } })).toMatchObject({
      code: 'VALUE_TOO_LONG',
      field: 'loyalty_account.program_id',
    });
    const adjustPoints = (adjust_points: unknown) => post(`accounts/${account.id}/adjust`, { idempotency_key: key(), adjust_points });
    expect(await adjustPoints({ points: '5' })).toMatchObject({ code: 'EXPECTED_INTEGER', field: 'adjust_points.points' });
    expect(await adjustPoints({ points: 1.5 })).toMatchObject({ code: 'EXPECTED_INTEGER', field: 'adjust_points.points' });
    expect(await adjustPoints({ points: 5, reason: 'r'.repeat(3501) })).toMatchObject({ code: 'VALUE_TOO_LONG', field: 'adjust_points.reason' });
    const accumulatePoints = (accumulate_points: unknown) =>
      post(`accounts/${account.id}/accumulate`, { idempotency_key: key(), location_id: locationId, accumulate_points });
    expect(await accumulatePoints({ points: 0 })).toMatchObject({ code: 'VALUE_TOO_LOW', field: 'accumulate_points.points' });
    expect(await post('events/search', { query: { filter: { type_filter: { types: ['EARN'] } } } })).toMatchObject({
      code: 'INVALID_ENUM_VALUE',
      field: 'query.filter.type_filter.types[0]',
    });
    expect(await post('events/search', { limit: 31 })).toMatchObject({ code: 'VALUE_TOO_HIGH', field: 'limit' });
    expect(await post('rewards/search', { query: { loyalty_account_id: account.id, status: 'USED' } })).toMatchObject({
      code: 'INVALID_ENUM_VALUE',
      field: 'query.status',
    });
    expect(await post(`programs/${program.id}/calculate`, { transaction_amount_money: { amount: 100, currency: 'DOLLARS' } })).toMatchObject({
      code: 'INVALID_ENUM_VALUE',
      field: 'transaction_amount_money.currency',
    });
    expect(await post('rewards', { idempotency_key: key(), reward: { loyalty_account_id: account.id, reward_tier_id: 7 } })).toMatchObject({
      code: 'EXPECTED_STRING',
      field: 'reward.reward_tier_id',
    });
  });
});

describe('Loyalty promotions', () => {
  const today = () => new Date().toISOString().slice(0, 10).replaceAll('-', '');
  const double = (start: string, rrule?: string) => ({
    name: 'Double stars',
    incentive: { type: 'POINTS_MULTIPLIER' as const, pointsMultiplierData: { multiplier: '2.0' } },
    availableTime: { timePeriods: [`DTSTART:${start}T090000\nDURATION:PT8H${rrule ? `\nRRULE:${rrule}` : ''}`] },
  });

  it('creates promotions ACTIVE or SCHEDULED by their time periods, retrieves and lists them by status', async () => {
    const { client, program } = await loyaltyMerchant();
    const create = (loyaltyPromotion: ReturnType<typeof double>) =>
      client.loyalty.programs.promotions.create({ programId: 'main', idempotencyKey: randomUUID(), loyaltyPromotion });
    const { loyaltyPromotion: active } = await create(double(today()));
    expect(active).toMatchObject({
      status: 'ACTIVE',
      loyaltyProgramId: program.id,
      availableTime: { startDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), timePeriods: [`BEGIN:VEVENT\nDTSTART:${today()}T090000\nDURATION:PT8H\nEND:VEVENT`] },
    });
    expect(active!.availableTime.endDate).toBeUndefined();
    const { loyaltyPromotion: scheduled } = await create(double('20990101', 'FREQ=WEEKLY;BYDAY=MO;UNTIL=20991231T000000'));
    expect(scheduled).toMatchObject({ status: 'SCHEDULED', availableTime: { startDate: '2099-01-01', endDate: '2099-12-31' } });
    expect(eventsFor(square, scheduled!.id!).map((e) => e.type)).toEqual(['loyalty.promotion.created']);

    expect((await client.loyalty.programs.promotions.get({ programId: program.id!, promotionId: active!.id! })).loyaltyPromotion).toEqual(active);
    const list = async (request: { status?: 'SCHEDULED'; limit?: number } = {}) => {
      const ids: Array<string | undefined> = [];
      for await (const promotion of await client.loyalty.programs.promotions.list({ programId: 'main', ...request })) ids.push(promotion.id);
      return ids;
    };
    expect(await list()).toEqual([active!.id, scheduled!.id]);
    expect(await list({ status: 'SCHEDULED' })).toEqual([scheduled!.id]);
    expect(await list({ limit: 1 })).toEqual([active!.id, scheduled!.id]);
  });

  it('cancels a live promotion once', async () => {
    const { client } = await loyaltyMerchant();
    const { loyaltyPromotion } = await client.loyalty.programs.promotions.create({ programId: 'main', idempotencyKey: randomUUID(), loyaltyPromotion: double(today()) });
    const cancel = () => client.loyalty.programs.promotions.cancel({ programId: 'main', promotionId: loyaltyPromotion!.id! });
    expect((await cancel()).loyaltyPromotion).toMatchObject({ id: loyaltyPromotion!.id, status: 'CANCELED', canceledAt: expect.any(String) });
    expect(await failure(cancel())).toMatchObject({ status: 400, errors: [{ code: 'BAD_REQUEST', field: 'promotion_id' }] });
    expect((await client.loyalty.programs.promotions.list({ programId: 'main', status: 'CANCELED' })).data).toHaveLength(1);
  });

  it('refuses an incentive without its data, bad time periods, unknown qualifying items, an unknown promotion and an 11th live one', async () => {
    const { client } = await loyaltyMerchant();
    const create = (loyaltyPromotion: Parameters<typeof client.loyalty.programs.promotions.create>[0]['loyaltyPromotion']) =>
      failure(client.loyalty.programs.promotions.create({ programId: 'main', idempotencyKey: randomUUID(), loyaltyPromotion }));
    expect(await create({ ...double(today()), incentive: { type: 'POINTS_ADDITION' } })).toMatchObject({
      status: 400,
      errors: [{ code: 'MISSING_REQUIRED_PARAMETER', field: 'loyalty_promotion.incentive.points_addition_data' }],
    });
    expect(await create({ ...double(today()), availableTime: { timePeriods: ['DURATION:PT1H'] } })).toMatchObject({
      status: 400,
      errors: [{ code: 'INVALID_VALUE', field: 'loyalty_promotion.available_time.time_periods[0]' }],
    });
    expect(await create({ ...double(today()), qualifyingItemVariationIds: ['MISSING'] })).toMatchObject({
      status: 400,
      errors: [{ code: 'INVALID_VALUE', field: 'loyalty_promotion.qualifying_item_variation_ids[0]' }],
    });
    expect(await create({ ...double(today()), name: 'x'.repeat(71) })).toMatchObject({ status: 400, errors: [{ code: 'VALUE_TOO_LONG' }] });
    expect(await failure(client.loyalty.programs.promotions.get({ programId: 'main', promotionId: randomUUID() }))).toMatchObject({
      status: 404,
      errors: [{ code: 'NOT_FOUND', field: 'promotion_id' }],
    });
    for (let i = 0; i < 10; i++)
      await client.loyalty.programs.promotions.create({ programId: 'main', idempotencyKey: randomUUID(), loyaltyPromotion: double(today()) });
    expect(await create(double(today()))).toMatchObject({ status: 400, errors: [{ code: 'BAD_REQUEST' }] });
  });
});
