import { GraphQLError } from 'graphql';
import { bearerToken } from './bearer.js';
import type { Scope } from '../apis/api.js';
import type { SellerVault } from '../vault/types.js';

/** `server`: the configured token serves every caller; `passthrough`: each caller brings its seller's token. */
export type AuthMode = 'server' | 'passthrough';

/** How much query cost (src/schema/query-cost.ts) a key may spend: `costPerSecond` comes back each second, up to `burst` saved. */
export interface KeyBudget {
  costPerSecond: number;
  burst: number;
}

/** A gateway API key as a request presents it, once found among the keys (ApiKeyRing, src/gateway/api-keys.ts). */
export interface ApiKey {
  name: string;
  scopes: ReadonlySet<Scope>;
  /** The SHA-256 of the key in hex, as in the keys file: names its budget, never the key itself. */
  sha256: string;
  budget: KeyBudget;
  /** May run only the trusted documents of the manifest, sent by id (a partner's key). */
  trustedDocumentsOnly: boolean;
  /** A partner key's connected sellers (SELLER_HEADER names one a request); undefined for a key of the gateway's own seller. */
  sellers?: SellerAllowance | undefined;
}

/** The connected sellers a caller may act for: every one, or these merchant ids. */
export type SellerAllowance = '*' | ReadonlySet<string>;

export const allows = (allowance: SellerAllowance, merchantId: string): boolean => allowance === '*' || allowance.has(merchantId);

/** The header naming the connected seller a partner's request acts for: Square's merchant id. */
export const SELLER_HEADER = 'x-square-merchant-id';

/** The keys a presented one is looked up among. */
export interface ApiKeys {
  find(presented: string): ApiKey | undefined;
}

/** The API key a request presents: `x-api-key`, or a `gk_` bearer token. */
export function presentedKey(request: Request): string | undefined {
  const header = request.headers.get('x-api-key');
  if (header) return header.trim();
  const bearer = bearerToken(request.headers.get('authorization'));
  return bearer?.startsWith('gk_') ? bearer : undefined;
}

export interface AuthenticationOptions {
  authMode: AuthMode;
  /** Every scope an API key may hold (src/apis/registry.ts): a caller's scopes name each, granted or not. */
  scopes: readonly Scope[];
  /** Serves every caller in `server` mode. */
  serverToken: string | undefined;
  /**
   * Gateway API keys. When given (server mode), every caller must present one and gets
   * its scopes; without them every caller gets every scope (demo mode), and in
   * passthrough mode Square's own token permissions decide.
   */
  apiKeys?: ApiKeys | undefined;
  /** The sellers connected through Square OAuth, whom partner keys (and, without API keys, every caller) act for. */
  vault?: SellerVault | undefined;
}

/**
 * Whose Square token a request acts with: a token it was given (the server's, or the
 * caller's own in passthrough mode), a connected seller's from the vault (undefined once
 * the seller is disconnected), or none, when a partner's request names no seller: then
 * every field that calls Square fails with `refusal`, and only the partner's own fields answer.
 */
export type Acting =
  | { kind: 'token'; token: string }
  | { kind: 'connected'; merchantId: string; connectedAt: string; token: string | undefined }
  | { kind: 'none'; refusal: GraphQLError };

/** Who a request acts as: the seller's Square token, the caller's key when it needs one, and what the caller may do. */
export interface Caller {
  acting: Acting;
  key: ApiKey | undefined;
  /** Checked by scope-auth on every field and mutation. */
  scopes: Record<Scope, boolean>;
  /** The connected sellers the caller may see and act for: a partner key's, every one without API keys; undefined for other callers. */
  sellers: SellerAllowance | undefined;
}

/** What a caller may do: its key's scopes, or every scope (`scopes`) for a caller without a key. */
export function callerScopes(scopes: readonly Scope[], key: ApiKey | undefined): Record<Scope, boolean> {
  return Object.fromEntries(scopes.map((s) => [s, key ? key.scopes.has(s) : true])) as Record<Scope, boolean>;
}

const refused = (code: string, status: number, message: string) => new GraphQLError(message, { extensions: { code, http: { status } } });
const unauthenticated = (message: string) => refused('UNAUTHENTICATED', 401, message);

/**
 * Picks each request's seller token (the server's, the caller's own in passthrough mode, or
 * the connected seller a partner's request names) and, with API keys, the caller's key and
 * its scopes; refuses the request with UNAUTHENTICATED when either is missing or wrong,
 * FORBIDDEN when it names a seller its key may not act for, SELLER_NOT_CONNECTED when it
 * names one the vault does not know.
 */
export function authenticator(options: AuthenticationOptions): (request: Request) => Promise<Caller> {
  const allScopes = callerScopes(options.scopes, undefined);
  const callerKey = (request: Request): ApiKey | undefined => {
    if (options.authMode === 'passthrough' || !options.apiKeys) return undefined;
    const presented = presentedKey(request);
    if (!presented) throw unauthenticated('Send a gateway API key as "x-api-key: gk_…" or "Authorization: Bearer gk_…".');
    const key = options.apiKeys.find(presented);
    if (!key) throw unauthenticated('This gateway API key is not valid.');
    return key;
  };

  return async (request) => {
    const named = request.headers.get(SELLER_HEADER)?.trim() || undefined;
    if (options.authMode === 'passthrough') {
      const token = bearerToken(request.headers.get('authorization'));
      if (!token) throw unauthenticated('Send your Square access token as "Authorization: Bearer <token>".');
      if (named) throw refused('BAD_USER_INPUT', 400, `${SELLER_HEADER} names a connected seller, whom only server mode acts for: in passthrough mode the token names the seller.`);
      return { acting: { kind: 'token', token }, key: undefined, scopes: allScopes, sellers: undefined };
    }
    const key = callerKey(request);
    const scopes = key ? callerScopes(options.scopes, key) : allScopes;
    // Without API keys (demo mode) every caller may act for every connected seller, and for the server's seller when it names none.
    const sellers = key ? key.sellers : options.vault && '*';
    if (sellers && (key?.sellers || named)) return { acting: await actingFor(options, sellers, named), key, scopes, sellers };
    if (named && key) throw refused('FORBIDDEN', 403, `This API key acts for the gateway's own seller only: ${SELLER_HEADER} is for partner keys.`);
    if (named) throw refused('SELLER_NOT_CONNECTED', 403, `This gateway keeps no connected sellers: ${SELLER_HEADER} names one.`);
    if (!options.serverToken) throw unauthenticated('The gateway has no Square access token configured.');
    return { acting: { kind: 'token', token: options.serverToken }, key, scopes, sellers };
  };
}

/**
 * How a caller allowed `allowance` acts for the connected seller `merchantId`: with its token from
 * the vault (undefined once disconnected), or, naming none, with no token at all. FORBIDDEN when
 * the caller may not act for it, SELLER_NOT_CONNECTED when the vault does not know it.
 */
async function actingFor(options: AuthenticationOptions, allowance: SellerAllowance, merchantId: string | undefined): Promise<Acting> {
  if (merchantId === undefined) {
    return {
      kind: 'none',
      refusal: new GraphQLError(`Name the seller this request acts for: send its Square merchant id as "${SELLER_HEADER}: <merchant id>".`, {
        extensions: { code: 'SELLER_REQUIRED' },
      }),
    };
  }
  // Whether a seller the key may not act for is connected is none of its business: refused alike.
  if (!allows(allowance, merchantId)) throw refused('FORBIDDEN', 403, 'This API key may not act for this seller.');
  const seller = await options.vault?.seller(merchantId);
  if (!seller) throw refused('SELLER_NOT_CONNECTED', 403, 'No seller with this merchant id has connected to this gateway.');
  const token = seller.status === 'DISCONNECTED' ? undefined : await options.vault!.accessToken(merchantId);
  return { kind: 'connected', merchantId, connectedAt: seller.connectedAt, token };
}

/**
 * The caller a key (undefined without API keys) is outside any request, when it acts for a seller
 * on its own: an outbound webhook's delivery (src/outbound). `seller` is the connected seller it
 * acts for, or undefined for the gateway's own (the server token). Refused as a request naming that
 * seller would be.
 */
export function keyCaller(options: AuthenticationOptions): (key: ApiKey | undefined, seller: string | undefined) => Promise<Caller> {
  return async (key, seller) => {
    const scopes = callerScopes(options.scopes, key);
    const sellers = key ? key.sellers : options.vault && '*';
    if (seller !== undefined) {
      if (!sellers) throw refused('FORBIDDEN', 403, 'This API key acts for the gateway\'s own seller only.');
      return { acting: await actingFor(options, sellers, seller), key, scopes, sellers };
    }
    if (!options.serverToken) throw unauthenticated('The gateway has no Square access token configured.');
    return { acting: { kind: 'token', token: options.serverToken }, key, scopes, sellers };
  };
}
