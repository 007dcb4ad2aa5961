import { randomInt } from 'node:crypto';
import { print } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyRing, generateKey } from '../../../src/gateway/api-keys.js';
import {
  AccumulateLoyaltyPointsDocument,
  CustomersWithLoyaltyDocument,
  LoyaltyAccountHistoryDocument,
  LoyaltyLiveDocument,
  LoyaltyProgramDocument,
  RedeemLoyaltyRewardDocument,
} from '../../gql/graphql.js';
import { key } from '../../support/fixtures.js';
import { useGateway } from '../../support/gateway.js';
import { setUpProgram } from '../../support/loyalty.js';
import { subscribeSse } from '../../support/sse.js';

const reader = generateKey('loyalty', ['CUSTOMERS_READ', 'LOYALTY_READ', 'LOYALTY_WRITE', 'ORDERS_READ']);
const noLoyalty = generateKey('no-loyalty', ['CUSTOMERS_READ']);
const readerKey = reader.key;
const noLoyaltyKey = noLoyalty.key;
const stack = useGateway({
  webhooks: true,
  cacheTtlMs: 60_000,
  apiKeys: ApiKeyRing.parse(JSON.stringify({ keys: [reader.entry, noLoyalty.entry] }), 'test keys'),
});
const as = (apiKey: string) => ({ headers: { 'x-api-key': apiKey } });

let locationId: string;
let tiers: Array<{ squareId: string; points: number }>;

beforeAll(async () => {
  await setUpProgram(stack);
  locationId = (await stack.square().locations.list()).locations![0]!.id!;
  const program = await stack.gql(LoyaltyProgramDocument, {}, as(readerKey));
  tiers = program.data!.loyaltyProgram!.rewardTiers;
});

/** A customer enrolled in the program, with `stars` on the account. */
async function member(stars = 0): Promise<{ customerId: string; accountId: string }> {
  const square = stack.square();
  const phone = `+1415${randomInt(1_000_000, 9_999_999)}`;
  const { customer } = await square.customers.create({ idempotencyKey: key(), givenName: 'Member', phoneNumber: phone });
  const program = (await square.loyalty.programs.get({ programId: 'main' })).program!;
  const { loyaltyAccount } = await square.loyalty.accounts.create({
    idempotencyKey: key(),
    loyaltyAccount: { programId: program.id!, mapping: { phoneNumber: phone } },
  });
  if (stars > 0) {
    await square.loyalty.accounts.accumulatePoints({ accountId: loyaltyAccount!.id!, idempotencyKey: key(), locationId, accumulatePoints: { points: stars } });
  }
  return { customerId: customer!.id!, accountId: loyaltyAccount!.id! };
}

/** A paid order of `cents` before tax. */
async function paidOrder(cents: number): Promise<string> {
  const square = stack.square();
  const { order } = await square.orders.create({
    idempotencyKey: key(),
    order: { locationId, lineItems: [{ name: 'Beans', quantity: '1', basePriceMoney: { amount: BigInt(cents), currency: 'USD' } }] },
  });
  await square.payments.create({ idempotencyKey: key(), sourceId: 'cnon:card-nonce-ok', amountMoney: order!.totalMoney!, orderId: order!.id!, locationId });
  return order!.id!;
}

const accountOf = async (accountId: string) => (await stack.gql(LoyaltyAccountHistoryDocument, { id: accountId }, as(readerKey))).data!.loyaltyAccount!;

describe('loyalty in the graph', () => {
  it('shows the program with its rules and tiers, fewest points first', async () => {
    const { data } = await stack.gql(LoyaltyProgramDocument, {}, as(readerKey));
    expect(data!.loyaltyProgram).toMatchObject({
      status: 'ACTIVE',
      terminology: { one: 'Star', other: 'Stars' },
      accrualRules: [{ accrualType: 'SPEND', points: 1, spendAmount: { amount: '100' }, taxMode: 'BEFORE_TAX' }],
      rewardTiers: [{ name: 'Free coffee', points: 10 }, { name: '$5 off', points: 40 }],
    });
  });

  it('reads the balances of a page of customers with one SearchLoyaltyAccounts, then none while cached', async () => {
    const enrolled = await Promise.all([member(12), member(3)]);
    await stack.clearCalls();
    const first = await stack.gql(CustomersWithLoyaltyDocument, { first: 50 }, as(readerKey));
    expect(first.errors).toBeUndefined();
    const byCustomer = new Map(first.data!.customers!.edges.map((e) => [e.node.squareId, e.node.loyaltyAccount]));
    expect(byCustomer.get(enrolled[0].customerId)).toMatchObject({ squareId: enrolled[0].accountId, balance: 12, lifetimePoints: 12 });
    expect(byCustomer.get(enrolled[1].customerId)).toMatchObject({ balance: 3 });
    expect((await stack.calls()).filter((c) => c === 'POST /v2/loyalty/accounts/search')).toHaveLength(1);
    await stack.clearCalls();
    await stack.gql(CustomersWithLoyaltyDocument, { first: 50 }, as(readerKey));
    expect(await stack.calls()).toEqual([]);
  });

  it('serves the new balance once Square’s loyalty.account.updated webhook is applied', async () => {
    const { customerId, accountId } = await member(5);
    const balanceOf = async () => {
      const { data } = await stack.gql(CustomersWithLoyaltyDocument, { first: 100 }, as(readerKey));
      return data!.customers!.edges.find((e) => e.node.squareId === customerId)!.node.loyaltyAccount!.balance;
    };
    await expect.poll(balanceOf).toBe(5);
    await stack.square().loyalty.accounts.adjust({ accountId, idempotencyKey: key(), adjustPoints: { points: 4 } });
    await expect.poll(balanceOf).toBe(9);
  });

  it('accumulates for a paid order once and for given points, answering with the new balance', async () => {
    const { accountId } = await member();
    const orderId = await paidOrder(2350);
    const earn = (input: object) => stack.gql(AccumulateLoyaltyPointsDocument, { input: { accountId, locationId, idempotencyKey: key(), ...input } }, as(readerKey));
    expect((await earn({ orderId })).data!.accumulateLoyaltyPoints).toMatchObject({
      __typename: 'AccumulateLoyaltyPointsSuccess',
      loyaltyAccount: { balance: 23, lifetimePoints: 23 },
    });
    expect((await earn({ orderId })).data!.accumulateLoyaltyPoints).toMatchObject({ __typename: 'ConflictError' });
    expect((await earn({ points: 2 })).data!.accumulateLoyaltyPoints).toMatchObject({ loyaltyAccount: { balance: 25 } });
    const history = await accountOf(accountId);
    expect(history.events!.map((e) => [e.type, e.points, e.order?.squareId ?? null])).toEqual([
      ['ACCUMULATE_POINTS', 2, null],
      ['ACCUMULATE_POINTS', 23, orderId],
    ]);
  });

  it('retries an accrual under the same key without adding twice', async () => {
    const { accountId } = await member();
    const input = { accountId, locationId, points: 7, idempotencyKey: key() };
    await stack.gql(AccumulateLoyaltyPointsDocument, { input }, as(readerKey));
    const again = await stack.gql(AccumulateLoyaltyPointsDocument, { input }, as(readerKey));
    expect(again.data!.accumulateLoyaltyPoints).toMatchObject({ loyaltyAccount: { balance: 7 } });
  });

  it('refuses both or neither of orderId and points, an unknown account, and an unpaid order, as typed errors', async () => {
    const { accountId } = await member();
    const earn = (input: object) => stack.gql(AccumulateLoyaltyPointsDocument, { input: { accountId, locationId, idempotencyKey: key(), ...input } }, as(readerKey));
    expect((await earn({})).data!.accumulateLoyaltyPoints).toMatchObject({ __typename: 'ValidationError', field: 'input.points' });
    const orderId = await paidOrder(500);
    expect((await earn({ orderId, points: 3 })).data!.accumulateLoyaltyPoints).toMatchObject({ __typename: 'ValidationError' });
    expect((await earn({ accountId: 'no-such-account', points: 3 })).data!.accumulateLoyaltyPoints).toMatchObject({
      __typename: 'NotFoundError',
      field: 'input.accountId',
    });
    const { order } = await stack.square().orders.create({
      idempotencyKey: key(),
      order: { locationId, lineItems: [{ name: 'Beans', quantity: '1', basePriceMoney: { amount: 900n, currency: 'USD' } }] },
    });
    expect((await earn({ orderId: order!.id })).data!.accumulateLoyaltyPoints).toMatchObject({ __typename: 'ValidationError' });
  });

  it('redeems a reward once per key, taking its points, and says when the balance is short', async () => {
    const { accountId } = await member(15);
    const input = { accountId, locationId, rewardTierId: tiers[0]!.squareId, idempotencyKey: key() };
    const redeemed = await stack.gql(RedeemLoyaltyRewardDocument, { input }, as(readerKey));
    expect(redeemed.data!.redeemLoyaltyReward).toMatchObject({
      __typename: 'RedeemLoyaltyRewardSuccess',
      reward: { status: 'REDEEMED', points: 10, rewardTier: { name: 'Free coffee' }, account: { balance: 5 } },
    });
    const again = await stack.gql(RedeemLoyaltyRewardDocument, { input }, as(readerKey));
    expect(again.data!.redeemLoyaltyReward).toMatchObject({ reward: { squareId: (redeemed.data!.redeemLoyaltyReward as { reward: { squareId: string } }).reward.squareId } });
    expect((await accountOf(accountId)).balance).toBe(5);
    const short = await stack.gql(RedeemLoyaltyRewardDocument, { input: { ...input, idempotencyKey: key() } }, as(readerKey));
    expect(short.data!.redeemLoyaltyReward).toMatchObject({ __typename: 'InsufficientPointsError', code: 'INSUFFICIENT_POINTS', balance: 5, required: 10 });
    const unknownTier = await stack.gql(RedeemLoyaltyRewardDocument, { input: { ...input, rewardTierId: 'nope', idempotencyKey: key() } }, as(readerKey));
    expect(unknownTier.data!.redeemLoyaltyReward).toMatchObject({ __typename: 'NotFoundError', field: 'input.rewardTierId' });
  });

  it('needs LOYALTY_READ to read balances and LOYALTY_WRITE to change them', async () => {
    const { accountId } = await member(1);
    const read = await stack.gql(CustomersWithLoyaltyDocument, { first: 5 }, as(noLoyaltyKey));
    expect(read.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', scopes: ['LOYALTY_READ'] });
    const write = await stack.gql(AccumulateLoyaltyPointsDocument, { input: { accountId, locationId, points: 1, idempotencyKey: key() } }, as(noLoyaltyKey));
    expect(write.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('streams a customer’s balance as it changes', async () => {
    const { customerId, accountId } = await member();
    const live = await subscribeSse(stack.url, print(LoyaltyLiveDocument), { customerId }, { headers: { 'x-api-key': readerKey } });
    try {
      await stack.square().loyalty.accounts.accumulatePoints({ accountId, idempotencyKey: key(), locationId, accumulatePoints: { points: 6 } });
      let next = await live.next();
      // The enrolment's loyalty.account.created webhook may still be on its way when the subscription starts.
      if (next.data?.loyaltyAccountUpdated?.balance === 0) next = await live.next();
      expect(next.data?.loyaltyAccountUpdated).toEqual({ squareId: accountId, balance: 6 });
    } finally {
      live.close();
    }
  });
});
