import { GraphQLError } from 'graphql';
import { bearerToken } from './bearer.js';
import type { Scope } from '../apis/api.js';

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
}

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
}

/** Who a request acts as: the seller's Square token, the caller's key when it needs one, and what the caller may do. */
export interface Caller {
  token: string;
  key: ApiKey | undefined;
  /** Checked by scope-auth on every field and mutation. */
  scopes: Record<Scope, boolean>;
}

/** What a caller may do: its key's scopes, or every scope (`scopes`) for a caller without a key. */
export function callerScopes(scopes: readonly Scope[], key: ApiKey | undefined): Record<Scope, boolean> {
  return Object.fromEntries(scopes.map((s) => [s, key ? key.scopes.has(s) : true])) as Record<Scope, boolean>;
}

const unauthenticated = (message: string) =>
  new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });

/**
 * Picks each request's seller token (the server's, or the caller's own in passthrough mode)
 * and, with API keys, the caller's key and its scopes; refuses the request with
 * UNAUTHENTICATED when either is missing or wrong.
 */
export function authenticator(options: AuthenticationOptions): (request: Request) => Caller {
  const allScopes = callerScopes(options.scopes, undefined);
  const callerKey = (request: Request): ApiKey | undefined => {
    if (options.authMode === 'passthrough' || !options.apiKeys) return undefined;
    const presented = presentedKey(request);
    if (!presented) throw unauthenticated('Send a gateway API key as "x-api-key: gk_…" or "Authorization: Bearer gk_…".');
    const key = options.apiKeys.find(presented);
    if (!key) throw unauthenticated('This gateway API key is not valid.');
    return key;
  };

  return (request) => {
    const token = options.authMode === 'passthrough' ? bearerToken(request.headers.get('authorization')) : options.serverToken;
    if (!token) {
      throw unauthenticated(
        options.authMode === 'passthrough'
          ? 'Send your Square access token as "Authorization: Bearer <token>".'
          : 'The gateway has no Square access token configured.',
      );
    }
    const key = callerKey(request);
    return { token, key, scopes: key ? callerScopes(options.scopes, key) : allScopes };
  };
}
