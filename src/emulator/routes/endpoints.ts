import type { FastifyInstance } from 'fastify';
import type { serialization } from 'square';
import type { EmulatorContext } from '../context.js';
import type { OAuthScope } from '../domain/oauth-scopes.js';
import type { SquareVersion } from '../plumbing/square-version.js';

/** Names of the SDK's response schemas, e.g. `GetCustomerResponse`. */
export type ResponseSchemaName = {
  [K in keyof typeof serialization]: K extends `${string}Response` ? K : never;
}[keyof typeof serialization];

/** A route as Fastify names it: method and path pattern (`:name` is one segment), e.g. `GET /cards/:card_id`. */
export type RouteKey = `${'GET' | 'POST' | 'PUT' | 'DELETE'} /${string}`;

/** What a route module states of one of its Square API endpoints. */
export interface Endpoint {
  /** The SDK's schema of its success answer: the tests check every answer against it (test/support/emulator.ts). */
  response: ResponseSchemaName;
  /**
   * What an OAuth access token must hold to call it: the operation's `security` → `oauth2` scopes in Square's
   * OpenAPI spec (version 2025-08-20), every one needed; a token without them gets 403 INSUFFICIENT_SCOPES.
   * Where the spec lists none, a comment says what was chosen.
   */
  scopes: readonly OAuthScope[];
}

/**
 * An endpoint of an older Square-Version that a later one retired: calls at that version or after answer
 * "No such endpoint" (http/square-api.ts). The SDK, of the later version, has no schema of its answer.
 */
export interface RetiredEndpoint {
  retiredIn: SquareVersion;
  scopes: readonly OAuthScope[];
}

/**
 * Every endpoint a route module registers, keyed as it registers them (without the `/v2` its plugin adds):
 * routes/index.ts builds the OAuth permission and answer schema tables from them, and
 * test/emulator/routes.test.ts fails when a module registers a route it does not list, or lists one it does not register.
 */
export type Endpoints = Readonly<Record<RouteKey, Endpoint | RetiredEndpoint>>;

/** One Square API's route module, as routes/index.ts mounts it. */
export interface SquareApiRoutes {
  register(app: FastifyInstance, ctx: EmulatorContext): void;
  endpoints: Endpoints;
}
