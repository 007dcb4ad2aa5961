import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { serialization } from 'square';
import type { EmulatorContext } from '../context.js';
import { clock } from '../plumbing/clock.js';
import { SquareApiError, errors } from '../plumbing/errors.js';
import { merchantIdForToken } from '../plumbing/ids.js';
import { DEMO_TOKEN } from '../seed.js';
import { mainLocationId } from './locations.js';
import { DEFAULT_SCOPES, SQUARE_SCOPES, isSquareScope, type OAuthScope } from './oauth-scopes.js';

/** An application registered with Square: the emulator knows one, the demo application. */
export interface OAuthApplication {
  clientId: string;
  secret: string;
  name: string;
}

export const DEMO_APPLICATION: OAuthApplication = {
  clientId: 'EMULATOR-DEMO-APP',
  secret: 'EMULATOR-DEMO-APP-SECRET',
  name: 'Emulator Demo App',
};

const APPLICATIONS = new Map([[DEMO_APPLICATION.clientId, DEMO_APPLICATION]]);

/**
 * The sellers the authorize page offers. Each is the merchant of a token, as every emulator merchant is;
 * the first is the seed's demo merchant, so that authorizing it reaches the demo data.
 */
export const DEMO_SELLERS: ReadonlyArray<{ token: string; businessName?: string }> = [
  { token: DEMO_TOKEN },
  { token: 'EMULATOR-DEMO-SELLER-2', businessName: 'Harbor Books' },
  { token: 'EMULATOR-DEMO-SELLER-3', businessName: 'Lupine Florist' },
];

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** Square's lifetimes (OAuth API overview and ObtainToken's reference). */
const CODE_LIFETIME = 5 * MINUTE;
const ACCESS_LIFETIME = 30 * DAY;
const SHORT_LIVED_ACCESS_LIFETIME = DAY;
const PKCE_REFRESH_LIFETIME = 90 * DAY;

/**
 * Tokens the emulator issues through OAuth carry this prefix: a bearer token with it is looked up and must be
 * valid, while any other token keeps standing for a merchant of its own with every permission.
 */
const ACCESS_PREFIX = 'EAAAEMU';
const newSecret = (prefix: string, bytes: number) => prefix + randomBytes(bytes).toString('base64url');

interface CodeRow {
  code: string;
  client_id: string;
  merchant_id: string;
  scopes: string;
  redirect_uri: string | null;
  code_challenge: string | null;
  expires_at: number;
  used: number;
}

interface TokenRow {
  token: string;
  kind: 'access' | 'refresh';
  client_id: string;
  merchant_id: string;
  scopes: string;
  pkce: number;
  expires_at: number | null;
  revoked_at: number | null;
  used_at: number | null;
}

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const scopesOf = (row: { scopes: string }) => row.scopes.split(' ').filter(Boolean);
const unauthorized = (detail: string) => SquareApiError.of(401, 'AUTHENTICATION_ERROR', 'UNAUTHORIZED', detail);

export function application(clientId: string | undefined): OAuthApplication | undefined {
  return clientId === undefined ? undefined : APPLICATIONS.get(clientId);
}

/** The application a token request names, with its secret checked when one is required. */
function requireApplication(clientId: string, secret: string | null | undefined, secretRequired: boolean): OAuthApplication {
  const app = application(clientId);
  if (!app) throw unauthorized(`Unknown client_id \`${clientId}\`.`);
  if (secretRequired && secret == null) throw errors.missing('client_secret');
  if (secret != null && secret !== app.secret) throw unauthorized('Invalid client_secret for this client_id.');
  return app;
}

/** The demo sellers with their merchant ids and names, provisioned as any merchant is on first use. */
export function demoSellers(ctx: EmulatorContext): Array<{ merchantId: string; businessName: string }> {
  return DEMO_SELLERS.map((seller) => {
    const merchantId = ctx.merchantFor(seller.token);
    const main = ctx.stores.locations.get(merchantId, mainLocationId(ctx, merchantId))!;
    if (seller.businessName && main.business_name !== seller.businessName) {
      ctx.stores.locations.put(merchantId, main.id!, { ...main, business_name: seller.businessName });
    }
    return { merchantId, businessName: seller.businessName ?? main.business_name ?? 'Emulated Seller' };
  });
}

/** Whether `merchantId` may be authorized: a demo seller (provisioned now if need be), or any merchant the emulator has. */
export function authorizableMerchant(ctx: EmulatorContext, merchantId: string): boolean {
  if (demoSellers(ctx).some((seller) => seller.merchantId === merchantId)) return true;
  return ctx.db.prepare('SELECT 1 FROM merchants WHERE merchant_id = ?').get(merchantId) !== undefined;
}

/** The default seller of a grant that names none: the seed's demo merchant. */
export const defaultSellerId = () => merchantIdForToken(DEMO_TOKEN);

export interface Grant {
  clientId: string;
  merchantId: string;
  scopes: readonly OAuthScope[];
  redirectUri?: string | undefined;
  /** PKCE: base64url(SHA-256(code_verifier)), as Square takes only the S256 method. */
  codeChallenge?: string | undefined;
}

/** An authorize request's parameters: the page's query string, or its form as the seller posts it. */
export type AuthorizeParams = Partial<Record<
  'client_id' | 'scope' | 'state' | 'session' | 'locale' | 'redirect_uri' | 'code_challenge' | 'code_challenge_method' | 'merchant_id' | 'decision',
  string
>>;

/**
 * An authorize request checked as Square's page would before showing anything. Square redirects to the URL
 * registered for the application; the emulator's demo application has none, so the request must name one
 * (any http or https URL) — the emulator's choice.
 */
export function checkAuthorizeRequest(params: AuthorizeParams): { grant: Omit<Grant, 'merchantId'> & { redirectUri: string } } | { problem: string } {
  const app = application(params.client_id);
  if (!app) return { problem: `Unknown client_id \`${params.client_id ?? ''}\`.` };
  const redirectUri = params.redirect_uri;
  if (!redirectUri || !URL.canParse(redirectUri) || !/^https?:$/.test(new URL(redirectUri).protocol))
    return { problem: 'redirect_uri must be an http or https URL: the emulated application has no registered redirect URL.' };
  const scopes = params.scope === undefined ? DEFAULT_SCOPES : params.scope.split(/[\s+]+/).filter(Boolean);
  const unknown = scopes.filter((scope) => !isSquareScope(scope));
  if (unknown.length > 0 || scopes.length === 0) return { problem: `Unknown or missing permissions in scope: ${unknown.join(', ') || '(none)'}.` };
  if (params.code_challenge !== undefined && (params.code_challenge_method ?? 'S256') !== 'S256')
    return { problem: 'code_challenge_method must be S256.' };
  return { grant: { clientId: app.clientId, scopes: scopes as OAuthScope[], redirectUri, codeChallenge: params.code_challenge } };
}

/** A seller's consent: an authorization code for the application, valid once for 5 minutes. */
export function grantCode(ctx: EmulatorContext, grant: Grant): string {
  const code = newSecret('sq0cgb-', 16);
  ctx.db
    .prepare('INSERT INTO oauth_codes (code, client_id, merchant_id, scopes, redirect_uri, code_challenge, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run(code, grant.clientId, grant.merchantId, grant.scopes.join(' '), grant.redirectUri ?? null, grant.codeChallenge ?? null, clock.nowMs() + CODE_LIFETIME);
  return code;
}

/** `redirectUri` with the answer's parameters added, as the authorize page redirects. */
export function redirectWith(redirectUri: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value);
  return url.toString();
}

export const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

function insertToken(ctx: EmulatorContext, row: Omit<TokenRow, 'revoked_at' | 'used_at'>): void {
  ctx.db
    .prepare('INSERT INTO oauth_tokens (token, kind, client_id, merchant_id, scopes, pkce, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run(row.token, row.kind, row.client_id, row.merchant_id, row.scopes, row.pkce, row.expires_at);
}

function issueAccessToken(ctx: EmulatorContext, from: { client_id: string; merchant_id: string; pkce: number }, scopes: string[], shortLived: boolean) {
  const expiresAt = clock.nowMs() + (shortLived ? SHORT_LIVED_ACCESS_LIFETIME : ACCESS_LIFETIME);
  const token = newSecret(ACCESS_PREFIX, 40);
  insertToken(ctx, { token, kind: 'access', client_id: from.client_id, merchant_id: from.merchant_id, scopes: scopes.join(' '), pkce: from.pkce, expires_at: expiresAt });
  return { access_token: token, token_type: 'bearer', expires_at: iso(expiresAt), merchant_id: from.merchant_id, short_lived: shortLived };
}

/** Code-flow refresh tokens never expire and are used again and again; PKCE ones last 90 days and are used once. */
function issueRefreshToken(ctx: EmulatorContext, from: { client_id: string; merchant_id: string; scopes: string; pkce: number }) {
  const expiresAt = from.pkce ? clock.nowMs() + PKCE_REFRESH_LIFETIME : null;
  const token = newSecret('EQAAEMU', 40);
  insertToken(ctx, { token, kind: 'refresh', client_id: from.client_id, merchant_id: from.merchant_id, scopes: from.scopes, pkce: from.pkce, expires_at: expiresAt });
  return { refresh_token: token, ...(expiresAt === null ? {} : { refresh_token_expires_at: iso(expiresAt) }) };
}

/** `requested` narrowed to what the authorization holds, as ObtainToken's `scopes` does; all of it when none are asked for. */
function narrowed(held: string[], requested: readonly string[] | null | undefined): string[] {
  if (!requested) return held;
  const unknown = requested.find((scope) => !isSquareScope(scope));
  if (unknown) throw errors.invalidValue('scopes', `Unknown permission \`${unknown}\`.`);
  return held.filter((scope) => requested.includes(scope));
}

type ObtainToken = serialization.ObtainTokenRequest.Raw;

/** ObtainToken: exchanges an authorization code or a refresh token for an access token. */
export function obtainToken(ctx: EmulatorContext, body: ObtainToken): serialization.ObtainTokenResponse.Raw {
  const shortLived = body.short_lived === true;
  if (body.grant_type === 'authorization_code') return ctx.tx(() => exchangeCode(ctx, body, shortLived));
  if (body.grant_type === 'refresh_token') return ctx.tx(() => refresh(ctx, body, shortLived));
  if (body.grant_type === 'migration_token')
    throw errors.invalidValue('grant_type', 'The `migration_token` grant (tokens from before 2019-03-13) is not emulated.');
  throw errors.invalidValue('grant_type', 'grant_type must be `authorization_code` or `refresh_token`.');
}

function exchangeCode(ctx: EmulatorContext, body: ObtainToken, shortLived: boolean) {
  if (body.code == null) throw errors.missing('code');
  const row = ctx.db.prepare<[string], CodeRow>('SELECT * FROM oauth_codes WHERE code = ?').get(body.code);
  // The PKCE flow sends a code_verifier instead of the secret; a code made without a challenge needs the secret.
  requireApplication(body.client_id, body.client_secret, !row?.code_challenge);
  if (!row || row.client_id !== body.client_id) throw unauthorized('The authorization code is not valid for this client_id.');
  if (row.used) throw unauthorized('The authorization code has already been used.');
  if (clock.nowMs() >= row.expires_at) throw unauthorized('The authorization code has expired.');
  if (row.code_challenge) {
    if (body.code_verifier == null) throw errors.missing('code_verifier');
    if (s256(body.code_verifier) !== row.code_challenge) throw unauthorized('The code_verifier does not match the code_challenge.');
  }
  // Square: redirect_uri is required here when the authorization URL gave one, and must be the same.
  if (row.redirect_uri !== null) {
    if (body.redirect_uri == null) throw errors.missing('redirect_uri');
    if (body.redirect_uri !== row.redirect_uri) throw errors.invalidValue('redirect_uri', 'redirect_uri differs from the one in the authorization request.');
  }
  ctx.db.prepare('UPDATE oauth_codes SET used = 1 WHERE code = ?').run(row.code);
  const authorization = { client_id: row.client_id, merchant_id: row.merchant_id, scopes: row.scopes, pkce: row.code_challenge ? 1 : 0 };
  return {
    ...issueAccessToken(ctx, authorization, narrowed(scopesOf(row), body.scopes), shortLived),
    ...issueRefreshToken(ctx, authorization),
  };
}

function refresh(ctx: EmulatorContext, body: ObtainToken, shortLived: boolean) {
  if (body.refresh_token == null) throw errors.missing('refresh_token');
  const row = ctx.db.prepare<[string], TokenRow>("SELECT * FROM oauth_tokens WHERE token = ? AND kind = 'refresh'").get(body.refresh_token);
  requireApplication(body.client_id, body.client_secret, !row?.pkce);
  if (!row || row.client_id !== body.client_id) throw unauthorized('The refresh token is not valid for this client_id.');
  if (row.revoked_at !== null) throw SquareApiError.of(401, 'AUTHENTICATION_ERROR', 'ACCESS_TOKEN_REVOKED', 'The authorization has been revoked.');
  if (row.used_at !== null) throw unauthorized('The refresh token has already been used: PKCE refresh tokens are single-use.');
  if (row.expires_at !== null && clock.nowMs() >= row.expires_at) throw unauthorized('The refresh token has expired.');
  const access = issueAccessToken(ctx, row, narrowed(scopesOf(row), body.scopes), shortLived);
  if (!row.pkce) return { ...access, refresh_token: row.token };
  ctx.db.prepare('UPDATE oauth_tokens SET used_at = ? WHERE token = ?').run(clock.nowMs(), row.token);
  return { ...access, ...issueRefreshToken(ctx, row) };
}

/** RevokeToken, authorized by `Authorization: Client <application secret>`. */
export function revokeToken(ctx: EmulatorContext, secret: string | undefined, body: serialization.RevokeTokenRequest.Raw) {
  if (body.client_id == null) throw errors.missing('client_id');
  const app = application(body.client_id);
  if (!app || secret === undefined || secret !== app.secret) throw unauthorized('Send `Authorization: Client <application secret>` of client_id.');
  if (body.access_token != null && body.merchant_id != null) throw errors.badRequest('Give access_token or merchant_id, not both.');
  if (body.access_token == null && body.merchant_id == null) throw errors.missing('access_token');
  if (body.revoke_only_access_token && body.access_token == null) throw errors.missing('access_token');
  return ctx.tx(() => {
    let merchantId = body.merchant_id;
    if (body.access_token != null) {
      const row = ctx.db
        .prepare<[string, string], TokenRow>("SELECT * FROM oauth_tokens WHERE token = ? AND kind = 'access' AND client_id = ?")
        .get(body.access_token, app.clientId);
      if (!row) throw errors.notFound('Access token not found for this client_id.', 'access_token');
      if (body.revoke_only_access_token) {
        ctx.db.prepare('UPDATE oauth_tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE token = ?').run(clock.nowMs(), row.token);
        return { success: true };
      }
      merchantId = row.merchant_id;
    }
    if (!revokeAuthorization(ctx, app.clientId, merchantId!, 'APPLICATION'))
      throw errors.notFound(`Merchant \`${merchantId}\` has not authorized client_id \`${app.clientId}\`.`, 'merchant_id');
    return { success: true };
  });
}

/**
 * Ends a seller's authorization of an application: every access and refresh token of the pair is revoked,
 * and `oauth.authorization.revoked` tells the application who did it. False when there was none.
 */
export function revokeAuthorization(
  ctx: EmulatorContext,
  clientId: string,
  merchantId: string,
  revokerType: serialization.OauthAuthorizationRevokedEventRevokerType.Raw,
): boolean {
  const now = clock.nowMs();
  const held = ctx.db.prepare('SELECT 1 FROM oauth_tokens WHERE client_id = ? AND merchant_id = ?').get(clientId, merchantId);
  if (!held) return false;
  const revoked = ctx.db
    .prepare('UPDATE oauth_tokens SET revoked_at = ? WHERE client_id = ? AND merchant_id = ? AND revoked_at IS NULL')
    .run(now, clientId, merchantId).changes;
  // Revoking again changes nothing and tells no one again.
  if (revoked > 0) {
    ctx.webhooks.emit({
      merchantId,
      type: 'oauth.authorization.revoked',
      dataType: 'revocation',
      // Square: "Not applicable, revocation is not an object".
      id: randomUUID(),
      object: { revocation: { revoked_at: iso(now), revoker_type: revokerType } },
    });
  }
  return true;
}

export interface OAuthAccess {
  clientId: string;
  merchantId: string;
  scopes: string[];
  expiresAt: number;
}

/**
 * The authorization behind an OAuth access token, or undefined for a token OAuth did not issue (which stands for a
 * merchant of its own with every permission). An issued token that is unknown, revoked or expired is refused with 401.
 */
export function oauthAccess(ctx: EmulatorContext, token: string): OAuthAccess | undefined {
  if (!token.startsWith(ACCESS_PREFIX)) return undefined;
  const row = ctx.db.prepare<[string], TokenRow>("SELECT * FROM oauth_tokens WHERE token = ? AND kind = 'access'").get(token);
  if (!row) throw errors.unauthorized();
  if (row.revoked_at !== null)
    throw SquareApiError.of(401, 'AUTHENTICATION_ERROR', 'ACCESS_TOKEN_REVOKED', 'This access token has been revoked.');
  if (clock.nowMs() >= row.expires_at!)
    throw SquareApiError.of(401, 'AUTHENTICATION_ERROR', 'ACCESS_TOKEN_EXPIRED', 'This access token has expired.');
  return { clientId: row.client_id, merchantId: row.merchant_id, scopes: scopesOf(row), expiresAt: row.expires_at! };
}

/** Refuses a call whose OAuth token lacks a permission its endpoint needs (`needed`); an endpoint without a list needs what no token holds. */
export function requireScopes(access: OAuthAccess, needed: readonly OAuthScope[] | undefined): void {
  const missing = needed ? needed.filter((scope) => !access.scopes.includes(scope)) : ['(an endpoint without a permission entry)'];
  if (missing.length > 0)
    throw SquareApiError.of(403, 'AUTHENTICATION_ERROR', 'INSUFFICIENT_SCOPES', `The access token lacks the permissions ${missing.join(', ')}.`);
}

/** RetrieveTokenStatus. Square answers UNAUTHORIZED for an expired or unknown token here, not the codes of other endpoints. */
export function tokenStatus(ctx: EmulatorContext, token: string): serialization.RetrieveTokenStatusResponse.Raw {
  let access: OAuthAccess | undefined;
  try {
    access = oauthAccess(ctx, token);
  } catch (error) {
    throw unauthorized((error as SquareApiError).errors[0]?.detail ?? 'This request could not be authorized.');
  }
  // Any other token is a personal access token: every permission, no expiry ("Empty if the token never expires").
  if (!access) return { scopes: [...SQUARE_SCOPES], merchant_id: ctx.merchantFor(token) };
  return { scopes: access.scopes, expires_at: iso(access.expiresAt), client_id: access.clientId, merchant_id: access.merchantId };
}
