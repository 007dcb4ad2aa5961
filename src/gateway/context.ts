import { GraphQLError } from 'graphql';
import type { SquareClient } from 'square';
import { createSquareClient, type SquareConnection } from '../square/client.js';
import { createLoaders, type Loaders } from '../square/loaders.js';
import { TokenLimiter } from '../square/limiter.js';
import { LocationsCache } from '../square/locations-cache.js';
import type { AuthMode } from './config.js';

/** What every resolver of one request sees. */
export interface GatewayContext {
  /** The SDK client for this request's seller. */
  square: SquareClient;
  loaders: Loaders;
}

export interface ContextFactoryOptions {
  connection: SquareConnection;
  authMode: AuthMode;
  /** Serves every caller in `server` mode. */
  serverToken: string | undefined;
  concurrency: number;
  locationsTtlMs: number;
}

/**
 * Builds each request's context: picks the seller token (the server's, or the
 * caller's own in passthrough mode), and makes a client and loaders for it alone.
 */
export function contextFactory(options: ContextFactoryOptions) {
  const limiter = new TokenLimiter(options.concurrency);
  const locationsCache = new LocationsCache(options.locationsTtlMs);

  return ({ request }: { request: Request }): GatewayContext => {
    const token = options.authMode === 'passthrough' ? bearerToken(request) : options.serverToken;
    if (!token) {
      throw new GraphQLError(
        options.authMode === 'passthrough'
          ? 'Send your Square access token as "Authorization: Bearer <token>".'
          : 'The gateway has no Square access token configured.',
        { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } },
      );
    }
    const square = createSquareClient(options.connection, token);
    return {
      square,
      loaders: createLoaders({
        square,
        limit: limiter.for(token),
        locations: () => locationsCache.get(token, square),
      }),
    };
  };
}

function bearerToken(request: Request): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get('authorization') ?? '')?.[1];
}
