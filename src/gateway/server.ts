import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createYoga, type YogaLogger } from 'graphql-yoga';
import { schema } from '../schema/index.js';
import type { ApiKeyRing } from './api-keys.js';
import type { GatewayConfig } from './config.js';
import { contextFactory, type GatewayContext } from './context.js';
import { EXAMPLE_QUERY } from './example-query.js';

export type GatewayOptions = Pick<
  GatewayConfig,
  'authMode' | 'squareToken' | 'squareTimeoutSeconds' | 'squareMaxRetries' | 'squareConcurrency' | 'locationsTtlMs'
> & {
  squareBaseUrl: string;
  /** Gateway API keys and their scopes; see ContextFactoryOptions.apiKeys. */
  apiKeys?: ApiKeyRing | undefined;
  /** Where yoga logs (unexpected errors, mostly); its console logger by default. */
  logging?: YogaLogger | boolean | undefined;
};

export interface Gateway {
  server: Server;
  /** Starts listening; returns the GraphQL endpoint's URL. */
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

/** The GraphQL gateway over one Square (real or emulated): yoga on a plain Node HTTP server. */
export function createGateway(options: GatewayOptions): Gateway {
  const yoga = createYoga<Record<string, unknown>, GatewayContext>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    logging: options.logging ?? true,
    graphiql: { title: 'Square GraphQL gateway', defaultQuery: EXAMPLE_QUERY },
    context: contextFactory({
      connection: {
        baseUrl: options.squareBaseUrl,
        timeoutInSeconds: options.squareTimeoutSeconds,
        maxRetries: options.squareMaxRetries,
      },
      authMode: options.authMode,
      serverToken: options.squareToken,
      concurrency: options.squareConcurrency,
      locationsTtlMs: options.locationsTtlMs,
      apiKeys: options.apiKeys,
    }),
  });
  const server = createServer(yoga);
  return {
    server,
    listen: (port = 0, host = '127.0.0.1') =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          const address = server.address() as AddressInfo;
          resolve(`http://${host}:${address.port}/graphql`);
        });
      }),
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
