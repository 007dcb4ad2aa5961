import { createHash, randomBytes } from 'node:crypto';
import { SquareError } from 'square';
import { afterEach, describe, expect, it } from 'vitest';
import { merchantIdForToken } from '../../src/emulator/plumbing/ids.js';
import { DEMO_TOKEN } from '../../src/emulator/seed.js';
import { useEmulator } from '../support/emulator.js';

const CLIENT_ID = 'EMULATOR-DEMO-APP';
const SECRET = 'EMULATOR-DEMO-APP-SECRET';
const REDIRECT = 'http://127.0.0.1:9/oauth/callback';
const DAY = 24 * 60 * 60 * 1000;

const t = useEmulator();

/** The SDK's error for a call expected to fail: status and first error code. */
async function failure(call: Promise<unknown>): Promise<{ status: number; code: string | undefined }> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof SquareError)) throw error;
    return { status: error.statusCode!, code: error.errors[0]?.code };
  }
  throw new Error('the call succeeded');
}

async function control(method: string, path: string, body?: unknown) {
  const response = await fetch(t.url + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

/** A seller's consent through the control plane: the code and state from the redirect URL it answers. */
async function grant(options: { scopes?: string[]; merchantId?: string; codeChallenge?: string; state?: string } = {}) {
  const { status, body } = await control('POST', '/_emulator/oauth/authorizations', {
    client_id: CLIENT_ID,
    scopes: options.scopes ?? ['MERCHANT_PROFILE_READ', 'CUSTOMERS_READ', 'CUSTOMERS_WRITE'],
    redirect_uri: REDIRECT,
    state: options.state ?? 'xyz',
    ...(options.merchantId ? { merchant_id: options.merchantId } : {}),
    ...(options.codeChallenge ? { code_challenge: options.codeChallenge, code_challenge_method: 'S256' } : {}),
  });
  expect(status).toBe(200);
  const url = new URL(body.redirect_url);
  expect(url.origin + url.pathname).toBe(REDIRECT);
  return { code: url.searchParams.get('code')!, state: url.searchParams.get('state') };
}

/** The application's SDK client: OAuth calls carry no seller token. */
const appClient = () => t.client('unused-app-token');
const exchange = (code: string, extra: Record<string, unknown> = {}) =>
  appClient().oAuth.obtainToken({ clientId: CLIENT_ID, clientSecret: SECRET, grantType: 'authorization_code', code, redirectUri: REDIRECT, ...extra });

const advance = (ms: number) => control('POST', '/_emulator/clock', { advance_ms: ms });

afterEach(async () => {
  await control('POST', '/_emulator/reset');
});

describe('code flow', () => {
  it('exchanges a granted code for a 30-day token that acts for the seller within its scopes', async () => {
    const { code, state } = await grant();
    expect(state).toBe('xyz');
    const token = await exchange(code);
    const demoMerchant = merchantIdForToken(DEMO_TOKEN);
    expect(token).toMatchObject({ tokenType: 'bearer', merchantId: demoMerchant, shortLived: false });
    expect(token.refreshTokenExpiresAt).toBeUndefined();
    const lifetime = Date.parse(token.expiresAt!) - Date.parse((await control('GET', '/_emulator/clock')).body.now);
    expect(lifetime).toBeGreaterThan(30 * DAY - 60_000);
    expect(lifetime).toBeLessThanOrEqual(30 * DAY);

    const seller = t.client(token.accessToken);
    expect((await seller.merchants.get({ merchantId: 'me' })).merchant!.id).toBe(demoMerchant);
    const status = await seller.oAuth.retrieveTokenStatus();
    expect(status).toMatchObject({ clientId: CLIENT_ID, merchantId: demoMerchant, expiresAt: token.expiresAt });
    expect(status.scopes).toEqual(['MERCHANT_PROFILE_READ', 'CUSTOMERS_READ', 'CUSTOMERS_WRITE']);
  });

  it('takes a code once, and not after 5 minutes', async () => {
    const { code } = await grant();
    await exchange(code);
    expect(await failure(exchange(code))).toEqual({ status: 401, code: 'UNAUTHORIZED' });

    const { code: late } = await grant();
    await advance(5 * 60_000 + 1);
    expect(await failure(exchange(late))).toEqual({ status: 401, code: 'UNAUTHORIZED' });
  });

  it('refreshes with the same never-expiring refresh token, again and again', async () => {
    const first = await exchange((await grant()).code);
    await advance(400 * DAY);
    const refresh = () =>
      appClient().oAuth.obtainToken({ clientId: CLIENT_ID, clientSecret: SECRET, grantType: 'refresh_token', refreshToken: first.refreshToken! });
    await control('DELETE', '/_emulator/requests');
    const second = await refresh();
    const third = await refresh();
    // The request log names the seller each renewal was for.
    const { body: log } = await control('GET', '/_emulator/requests');
    expect(log.requests.map((r: { path: string; status: number; merchant_id: string }) => [r.path, r.status, r.merchant_id])).toEqual([
      ['/oauth2/token', 200, first.merchantId],
      ['/oauth2/token', 200, first.merchantId],
    ]);
    expect(second.refreshToken).toBe(first.refreshToken);
    expect(third.refreshToken).toBe(first.refreshToken);
    expect(new Set([first.accessToken, second.accessToken, third.accessToken]).size).toBe(3);
    await t.client(third.accessToken).customers.list();
  });

  it('narrows a refreshed token to the scopes asked for', async () => {
    const first = await exchange((await grant()).code);
    const narrow = await appClient().oAuth.obtainToken({
      clientId: CLIENT_ID, clientSecret: SECRET, grantType: 'refresh_token', refreshToken: first.refreshToken!, scopes: ['CUSTOMERS_READ', 'ITEMS_READ'],
    });
    expect((await t.client(narrow.accessToken).oAuth.retrieveTokenStatus()).scopes).toEqual(['CUSTOMERS_READ']);
  });
});

describe('PKCE flow', () => {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const pkceExchange = (code: string, codeVerifier: string) =>
    appClient().oAuth.obtainToken({ clientId: CLIENT_ID, grantType: 'authorization_code', code, codeVerifier, redirectUri: REDIRECT });
  const pkceRefresh = (refreshToken: string) => appClient().oAuth.obtainToken({ clientId: CLIENT_ID, grantType: 'refresh_token', refreshToken });

  it('needs the verifier of the challenge instead of the secret', async () => {
    const { code } = await grant({ codeChallenge: challenge });
    expect(await failure(pkceExchange(code, randomBytes(32).toString('base64url')))).toEqual({ status: 401, code: 'UNAUTHORIZED' });
    const token = await pkceExchange(code, verifier);
    expect(token.accessToken).toBeTruthy();
    const refreshLifetime = Date.parse(token.refreshTokenExpiresAt!) - Date.parse((await control('GET', '/_emulator/clock')).body.now);
    expect(refreshLifetime).toBeGreaterThan(90 * DAY - 60_000);
    expect(refreshLifetime).toBeLessThanOrEqual(90 * DAY);
  });

  it('rotates single-use refresh tokens that expire after 90 days', async () => {
    const token = await pkceExchange((await grant({ codeChallenge: challenge })).code, verifier);
    const next = await pkceRefresh(token.refreshToken!);
    expect(next.refreshToken).not.toBe(token.refreshToken);
    expect(await failure(pkceRefresh(token.refreshToken!))).toEqual({ status: 401, code: 'UNAUTHORIZED' });
    await advance(90 * DAY);
    expect(await failure(pkceRefresh(next.refreshToken!))).toEqual({ status: 401, code: 'UNAUTHORIZED' });
  });
});

describe('tokens on the emulated endpoints', () => {
  it('answers ACCESS_TOKEN_EXPIRED after 30 days on the clock', async () => {
    const token = await exchange((await grant()).code);
    const seller = t.client(token.accessToken);
    await seller.customers.list();
    await advance(30 * DAY);
    expect(await failure(seller.customers.list())).toEqual({ status: 401, code: 'ACCESS_TOKEN_EXPIRED' });
    expect(await failure(seller.oAuth.retrieveTokenStatus())).toEqual({ status: 401, code: 'UNAUTHORIZED' });
  });

  it('answers INSUFFICIENT_SCOPES where a permission is missing', async () => {
    const token = await exchange((await grant({ scopes: ['CUSTOMERS_READ'] })).code);
    const seller = t.client(token.accessToken);
    await seller.customers.list();
    const insufficient = { status: 403, code: 'INSUFFICIENT_SCOPES' };
    expect(await failure(seller.customers.create({ idempotencyKey: 'k1', givenName: 'Ada' }))).toEqual(insufficient);
    expect(await failure(seller.locations.list())).toEqual(insufficient);
    expect(await failure(seller.payments.list())).toEqual(insufficient);
    expect(await failure(seller.catalog.search({}))).toEqual(insufficient);
  });

  it('keeps any other token a merchant of its own with every permission', async () => {
    const plain = t.client();
    await plain.customers.create({ idempotencyKey: 'k1', givenName: 'Ada' });
    await plain.payments.list();
    expect((await plain.oAuth.retrieveTokenStatus()).scopes).toContain('PAYMENTS_WRITE');
  });
});

describe('revocation', () => {
  const revoke = (body: Record<string, unknown>, secret = SECRET) =>
    appClient().oAuth.revokeToken({ clientId: CLIENT_ID, ...body }, { headers: { Authorization: `Client ${secret}` } });

  it('revokes every token of the seller by access token, with the webhook', async () => {
    const a = await exchange((await grant()).code);
    const b = await exchange((await grant()).code);
    await control('DELETE', '/_emulator/events');
    expect(await failure(revoke({ accessToken: a.accessToken }, 'wrong-secret'))).toEqual({ status: 401, code: 'UNAUTHORIZED' });
    expect((await revoke({ accessToken: a.accessToken })).success).toBe(true);
    for (const token of [a, b]) {
      expect(await failure(t.client(token.accessToken).customers.list())).toEqual({ status: 401, code: 'ACCESS_TOKEN_REVOKED' });
    }
    const refresh = appClient().oAuth.obtainToken({ clientId: CLIENT_ID, clientSecret: SECRET, grantType: 'refresh_token', refreshToken: b.refreshToken! });
    expect(await failure(refresh)).toEqual({ status: 401, code: 'ACCESS_TOKEN_REVOKED' });
    const { events } = (await control('GET', '/_emulator/events')).body;
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      merchant_id: a.merchantId,
      type: 'oauth.authorization.revoked',
      data: { type: 'revocation', object: { revocation: { revoker_type: 'APPLICATION' } } },
    });
  });

  it('revokes by merchant id, or only one access token when asked', async () => {
    const seller = (await control('GET', '/_emulator/oauth')).body.sellers[1].merchant_id;
    const a = await exchange((await grant({ merchantId: seller })).code);
    const b = await exchange((await grant({ merchantId: seller })).code);
    await revoke({ accessToken: a.accessToken, revokeOnlyAccessToken: true });
    expect(await failure(t.client(a.accessToken).customers.list())).toEqual({ status: 401, code: 'ACCESS_TOKEN_REVOKED' });
    await t.client(b.accessToken).customers.list();
    expect((await revoke({ merchantId: seller })).success).toBe(true);
    expect(await failure(t.client(b.accessToken).customers.list())).toEqual({ status: 401, code: 'ACCESS_TOKEN_REVOKED' });
  });

  it('tells the application when the seller revokes', async () => {
    const token = await exchange((await grant()).code);
    await control('DELETE', '/_emulator/events');
    expect((await control('DELETE', '/_emulator/oauth/authorizations', { client_id: CLIENT_ID, merchant_id: token.merchantId })).status).toBe(200);
    const { events } = (await control('GET', '/_emulator/events')).body;
    expect(events.map((e: any) => e.data.object.revocation.revoker_type)).toEqual(['MERCHANT']);
  });
});

describe('bad requests', () => {
  it('answers with Square error codes', async () => {
    const raw = (body: unknown) => t.raw('POST', '/oauth2/token', { token: null, body });
    const missing = await raw({ client_id: CLIENT_ID });
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0]).toMatchObject({ code: 'MISSING_REQUIRED_PARAMETER', field: 'grant_type' });
    const grantType = await raw({ client_id: CLIENT_ID, grant_type: 'client_credentials' });
    expect(grantType.body.errors[0]).toMatchObject({ code: 'INVALID_VALUE', field: 'grant_type' });
    const noCode = await raw({ client_id: CLIENT_ID, client_secret: SECRET, grant_type: 'authorization_code' });
    expect(noCode.body.errors[0]).toMatchObject({ code: 'MISSING_REQUIRED_PARAMETER', field: 'code' });
    const { code } = await grant();
    expect(await failure(exchange(code, { clientSecret: 'not-the-secret' }))).toEqual({ status: 401, code: 'UNAUTHORIZED' });
    expect(await failure(exchange(code, { clientId: 'someone-else' }))).toEqual({ status: 401, code: 'UNAUTHORIZED' });
    expect(await failure(exchange(code, { redirectUri: 'http://127.0.0.1:9/elsewhere' }))).toEqual({ status: 400, code: 'INVALID_VALUE' });
    const unknownField = await raw({ client_id: CLIENT_ID, grant_type: 'refresh_token', refresh: 'x' });
    expect(unknownField.body.errors[0]).toMatchObject({ code: 'UNKNOWN_BODY_PARAMETER', field: 'refresh' });
    expect((await t.raw('POST', '/oauth2/token/status', { token: null })).status).toBe(401);
    expect((await t.raw('GET', '/v2/customers', { token: 'EAAAEMU-not-issued' })).body.errors[0].code).toBe('UNAUTHORIZED');
  });

  it('refuses a control-plane grant for an unknown application, scope or merchant', async () => {
    const base = { client_id: CLIENT_ID, scopes: ['CUSTOMERS_READ'], redirect_uri: REDIRECT, state: 's' };
    expect((await control('POST', '/_emulator/oauth/authorizations', { ...base, client_id: 'nope' })).status).toBe(400);
    expect((await control('POST', '/_emulator/oauth/authorizations', { ...base, scopes: ['READ_EVERYTHING'] })).status).toBe(400);
    expect((await control('POST', '/_emulator/oauth/authorizations', { ...base, merchant_id: 'MLNOSUCHSELLER' })).status).toBe(404);
  });
});

describe('the authorize page', () => {
  const authorizeUrl = (params: Record<string, string>) => `${t.url}/oauth2/authorize?${new URLSearchParams({ client_id: CLIENT_ID, redirect_uri: REDIRECT, ...params })}`;

  it('lists the demo sellers and the permissions in words, and posts the choice back', async () => {
    const page = await fetch(authorizeUrl({ scope: 'CUSTOMERS_READ PAYMENTS_WRITE', state: 'st8', session: 'false', locale: 'fr-CA' }));
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<html lang="fr-CA">');
    for (const text of ['Harbor Books', 'Lupine Florist', merchantIdForToken(DEMO_TOKEN), 'Read your customer profiles', 'Take payments and make refunds', 'sign in again'])
      expect(html).toContain(text);
    const sellers = (await control('GET', '/_emulator/oauth')).body.sellers;
    const form = (decision: string) =>
      fetch(`${t.url}/oauth2/authorize`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ client_id: CLIENT_ID, redirect_uri: REDIRECT, scope: 'CUSTOMERS_READ PAYMENTS_WRITE', state: 'st8', merchant_id: sellers[2].merchant_id, decision }),
      });
    const denied = new URL((await form('deny')).headers.get('location')!);
    expect(Object.fromEntries(denied.searchParams)).toEqual({ error: 'access_denied', error_description: 'user_denied', state: 'st8' });
    const allowed = await form('allow');
    expect(allowed.status).toBe(302);
    const redirect = new URL(allowed.headers.get('location')!);
    expect(redirect.searchParams.get('state')).toBe('st8');
    const token = await exchange(redirect.searchParams.get('code')!);
    expect(token.merchantId).toBe(sellers[2].merchant_id);
    const seller = t.client(token.accessToken);
    await seller.customers.list();
    expect(await failure(seller.merchants.get({ merchantId: 'me' }))).toEqual({ status: 403, code: 'INSUFFICIENT_SCOPES' });
  });

  it('shows an error instead of redirecting for an unknown application or a missing redirect_uri', async () => {
    expect((await fetch(authorizeUrl({ client_id: 'nope' }))).status).toBe(400);
    expect((await fetch(`${t.url}/oauth2/authorize?client_id=${CLIENT_ID}`)).status).toBe(400);
  });
});
