import { print } from 'graphql';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { SCOPES } from '../../src/apis/registry.js';
import { ApiKeyRing, generateKey } from '../../src/gateway/api-keys.js';
import { graphql } from '../gql/index.js';
import { key } from '../support/fixtures.js';
import { capturedLogs } from '../support/logs.js';
import { useGateway, type TestStack } from '../support/gateway.js';
import { actingFor, connectSeller, memoryVault, partnerGateway, revokeAtSquare, type ConnectedTestSeller } from '../support/sellers.js';
import { DEMO_APP } from '../support/vaults.js';
import { subscribeSse } from '../support/sse.js';
import { WAIT } from '../support/waiting.js';

const CUSTOMERS = graphql(`query RevocationCustomers { customers(first: 1) { edges { node { id } } } }`);
const CREATE = graphql(`mutation RevocationCreateCustomer($key: String!) { createCustomer(input: { givenName: "Late", idempotencyKey: $key }) { __typename } }`);
const PAYMENTS = print(graphql(`subscription RevocationPayments { paymentUpdated { squareId } }`));

const partner = generateKey('partner', [...SCOPES], { sellers: '*' });
const keys = () => ApiKeyRing.parse(JSON.stringify({ keys: [partner.entry] }), 'test keys');

/** Square's own refusal of one access token (RevokeToken with revoke_only_access_token): no webhook tells the gateway. */
async function revokeAccessToken(stack: TestStack, seller: ConnectedTestSeller): Promise<void> {
  const response = await fetch(`${stack.emulatorUrl}/oauth2/revoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Client ${DEMO_APP.secret}` },
    body: JSON.stringify({ client_id: DEMO_APP.id, access_token: seller.accessToken, revoke_only_access_token: true }),
  });
  expect(response.ok).toBe(true);
}

const squareCalls = async (stack: TestStack) => (await stack.calls()).filter((call) => call.includes(' /v2/'));
const codes = (result: { errors?: Array<{ extensions?: Record<string, any> }> }) => result.errors?.map((e) => e.extensions?.code);

describe('Square refusing a connected seller’s token (401)', () => {
  const vault = memoryVault();
  const logs = capturedLogs('warn');
  // Retries allowed, to show that a refused token is never sent again.
  const stack = useGateway({ apiKeys: keys(), maxRetries: 2, logging: logs.logger, gateway: partnerGateway(vault) });
  afterAll(() => vault.close());

  it('disconnects the seller at once: a burst of requests after the revocation makes one Square call, each field failing with SELLER_DISCONNECTED', async () => {
    const seller = await connectSeller(stack, vault);
    expect(codes(await stack.gql(CUSTOMERS, {}, { headers: actingFor(partner.key, seller.merchantId) }))).toBeUndefined();
    await revokeAccessToken(stack, seller);
    await stack.clearCalls();
    // A client retrying as fast as it is answered, then many at once.
    for (let i = 0; i < 20; i++) {
      const result = await stack.gql(CUSTOMERS, {}, { headers: actingFor(partner.key, seller.merchantId) });
      expect(result.status).toBe(200);
      expect(result.data?.customers).toBeNull();
      expect(codes(result)).toEqual(['SELLER_DISCONNECTED']);
    }
    const burst = await Promise.all(Array.from({ length: 20 }, () => stack.gql(CUSTOMERS, {}, { headers: actingFor(partner.key, seller.merchantId) })));
    expect(burst.map(codes)).toEqual(burst.map(() => ['SELLER_DISCONNECTED']));
    expect(await squareCalls(stack)).toEqual(['GET /v2/customers']);
    expect(await vault.seller(seller.merchantId)).toMatchObject({ status: 'DISCONNECTED', disconnectReason: 'TOKEN_REJECTED', accessTokenExpiresAt: null });
    expect(logs.lines().filter((line) => line.msg.includes('refused a connected seller'))).toEqual([expect.objectContaining({ merchantId: seller.merchantId })]);
    expect(logs.text()).not.toContain(seller.accessToken);
  });

  it('refuses a disconnected seller’s writes and subscriptions without calling Square', async () => {
    const seller = await connectSeller(stack, vault);
    await revokeAccessToken(stack, seller);
    expect(codes(await stack.gql(CUSTOMERS, {}, { headers: actingFor(partner.key, seller.merchantId) }))).toEqual(['SELLER_DISCONNECTED']);
    await stack.clearCalls();
    const write = await stack.gql(CREATE, { key: key() }, { headers: actingFor(partner.key, seller.merchantId) });
    expect(write.data?.createCustomer).toBeNull();
    expect(codes(write)).toEqual(['SELLER_DISCONNECTED']);
    expect(await squareCalls(stack)).toEqual([]);
  });

  // Last of this stack's tests: it wipes the emulator's data.
  it('takes an expired access token (ACCESS_TOKEN_EXPIRED) as a rejected one', async () => {
    const seller = await connectSeller(stack, vault);
    try {
      await fetch(`${stack.emulatorUrl}/_emulator/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advance_ms: 31 * 86_400_000 }) });
      const result = await stack.gql(CUSTOMERS, {}, { headers: actingFor(partner.key, seller.merchantId) });
      expect(codes(result)).toEqual(['SELLER_DISCONNECTED']);
    } finally {
      // The clock moves only forward while dated objects exist: a reset wipes them and returns it to real time for the next test file.
      await fetch(`${stack.emulatorUrl}/_emulator/reset`, { method: 'POST' });
    }
    expect(await vault.seller(seller.merchantId)).toMatchObject({ status: 'DISCONNECTED', disconnectReason: 'TOKEN_REJECTED' });
  });
});

describe('a seller revoking the application at Square (oauth.authorization.revoked)', () => {
  const vault = memoryVault();
  const stack = useGateway({ apiKeys: keys(), webhooks: true, gateway: partnerGateway(vault) });
  afterAll(() => vault.close());

  it('disconnects the seller and ends its subscriptions with SELLER_DISCONNECTED, leaving other sellers’ open', async () => {
    const leaving = await connectSeller(stack, vault);
    const staying = await connectSeller(stack, vault);
    const ending = await subscribeSse(stack.url, PAYMENTS, {}, { headers: actingFor(partner.key, leaving.merchantId) });
    const going = await subscribeSse(stack.url, PAYMENTS, {}, { headers: actingFor(partner.key, staying.merchantId) });
    try {
      await stack.clearCalls();
      await revokeAtSquare(stack.emulatorUrl, leaving.merchantId);
      await vi.waitUntil(async () => (await vault.seller(leaving.merchantId))?.status === 'DISCONNECTED', WAIT);
      expect(await vault.seller(leaving.merchantId)).toMatchObject({ disconnectReason: 'REVOKED_BY_SELLER' });
      const last = await ending.next();
      expect(last.errors?.[0]?.extensions?.code).toBe('SELLER_DISCONNECTED');
      await vi.waitUntil(() => ending.completed, WAIT);
      // Told by the webhook: no Square call found it out.
      expect(await squareCalls(stack)).toEqual([]);
      expect(codes(await stack.gql(CUSTOMERS, {}, { headers: actingFor(partner.key, leaving.merchantId) }))).toEqual(['SELLER_DISCONNECTED']);
      expect(await squareCalls(stack)).toEqual([]);

      const { payment } = await stack.square(staying.token).payments.create({ idempotencyKey: key(), sourceId: 'cnon:card-nonce-ok', amountMoney: { amount: 100n, currency: 'USD' } });
      expect((await going.next()).data.paymentUpdated.squareId).toBe(payment!.id);
      expect(going.completed).toBe(false);
    } finally {
      ending.close();
      going.close();
    }
    const refused = await subscribeSse(stack.url, PAYMENTS, {}, { headers: actingFor(partner.key, leaving.merchantId) });
    try {
      expect((await refused.next()).errors?.[0]?.extensions?.code).toBe('SELLER_DISCONNECTED');
    } finally {
      refused.close();
    }
  });
});
