import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context.js';
import type { OAuthScope } from '../domain/oauth-scopes.js';
import { errors, sendError } from '../plumbing/errors.js';
import type { SquareVersion } from '../plumbing/square-version.js';
import { CARD_ENDPOINTS, registerCards } from './cards.js';
import { CATALOG_ENDPOINTS, registerCatalog } from './catalog.js';
import { CUSTOMER_ATTRIBUTE_DEFINITION_ENDPOINTS, registerCustomerAttributeDefinitions } from './customer-attribute-definitions.js';
import { CUSTOMER_ATTRIBUTE_ENDPOINTS, registerCustomerAttributes } from './customer-attributes.js';
import { CUSTOMER_CARD_ENDPOINTS, registerCustomerCards } from './customer-cards.js';
import { CUSTOMER_GROUP_ENDPOINTS, registerCustomerGroups } from './customer-groups.js';
import { CUSTOMER_SEGMENT_ENDPOINTS, registerCustomerSegments } from './customer-segments.js';
import { CUSTOMER_ENDPOINTS, registerCustomers } from './customers.js';
import type { ResponseSchemaName, SquareApiRoutes } from './endpoints.js';
import { GIFT_CARD_ACTIVITY_ENDPOINTS, registerGiftCardActivities } from './gift-card-activities.js';
import { GIFT_CARD_ENDPOINTS, registerGiftCards } from './gift-cards.js';
import { INVENTORY_ENDPOINTS, registerInventory } from './inventory.js';
import { LOCATION_ENDPOINTS, registerLocations } from './locations.js';
import { LOYALTY_ENDPOINTS, registerLoyalty } from './loyalty.js';
import { MERCHANT_ENDPOINTS, registerMerchants } from './merchants.js';
import { OAUTH_RESPONSES } from './oauth.js';
import { ORDER_ENDPOINTS, registerOrders } from './orders.js';
import { PAYMENT_ENDPOINTS, registerPayments } from './payments.js';
import { REFUND_ENDPOINTS, registerRefunds } from './refunds.js';

/** Where Square's API is mounted (`/v2`) and its OAuth API beside it (`/oauth2`), as on Square. */
export const SQUARE_API_PREFIX = '/v2';
export const OAUTH_API_PREFIX = '/oauth2';

/** Square's REST API under `/v2`, one route module per Square API. */
export const SQUARE_APIS: readonly SquareApiRoutes[] = [
  { register: registerLocations, endpoints: LOCATION_ENDPOINTS },
  { register: registerOrders, endpoints: ORDER_ENDPOINTS },
  { register: registerPayments, endpoints: PAYMENT_ENDPOINTS },
  { register: registerRefunds, endpoints: REFUND_ENDPOINTS },
  { register: registerCustomers, endpoints: CUSTOMER_ENDPOINTS },
  { register: registerCustomerGroups, endpoints: CUSTOMER_GROUP_ENDPOINTS },
  { register: registerCustomerSegments, endpoints: CUSTOMER_SEGMENT_ENDPOINTS },
  { register: registerCustomerAttributeDefinitions, endpoints: CUSTOMER_ATTRIBUTE_DEFINITION_ENDPOINTS },
  { register: registerCustomerAttributes, endpoints: CUSTOMER_ATTRIBUTE_ENDPOINTS },
  { register: registerCustomerCards, endpoints: CUSTOMER_CARD_ENDPOINTS },
  { register: registerMerchants, endpoints: MERCHANT_ENDPOINTS },
  { register: registerCards, endpoints: CARD_ENDPOINTS },
  { register: registerGiftCards, endpoints: GIFT_CARD_ENDPOINTS },
  { register: registerGiftCardActivities, endpoints: GIFT_CARD_ACTIVITY_ENDPOINTS },
  { register: registerLoyalty, endpoints: LOYALTY_ENDPOINTS },
  { register: registerCatalog, endpoints: CATALOG_ENDPOINTS },
  { register: registerInventory, endpoints: INVENTORY_ENDPOINTS },
];

/**
 * Square's paths that the emulator does not implement and that a route above would take
 * for an id (`GET /v2/locations/{location_id}` for `GET /v2/locations/custom-attribute-definitions`),
 * found by asking the routes for every path of Square's spec: answered as the endpoints
 * the emulator does not have, not as a missing object. An API that gains one drops it here.
 */
const NOT_EMULATED_UNDER_ID_ROUTES = ['/locations/custom-attribute-definitions', '/merchants/custom-attribute-definitions', '/orders/custom-attribute-definitions'];

/** Square's REST API, every route module's routes, for the `/v2` plugin (http/square-api.ts). */
export function squareApiRoutes(ctx: EmulatorContext) {
  return async (app: FastifyInstance) => {
    for (const api of SQUARE_APIS) api.register(app, ctx);
    for (const path of NOT_EMULATED_UNDER_ID_ROUTES) app.get(path, (request, reply) => sendError(reply, errors.noSuchEndpoint(request.method, request.url)));
  };
}

/** `GET /cards` as Fastify names the route under its prefix: `GET /v2/cards`. */
const underPrefix = (prefix: string, route: string) => route.replace(' ', ` ${prefix}`);

/**
 * What an OAuth access token must hold for each `/v2` route, keyed `METHOD /v2/path` as Fastify names
 * the route (`request.routeOptions.url`). A route not listed needs what no token holds.
 */
export const ROUTE_SCOPES: Readonly<Record<string, readonly OAuthScope[]>> = Object.fromEntries([
  ...SQUARE_APIS.flatMap(({ endpoints }) =>
    Object.entries(endpoints).map(([route, { scopes }]) => [underPrefix(SQUARE_API_PREFIX, route), scopes]),
  ),
  // Not emulated, answered "No such endpoint": no permission makes them more than that.
  ...NOT_EMULATED_UNDER_ID_ROUTES.map((path) => [`GET ${SQUARE_API_PREFIX}${path}`, []]),
]);

/** The SDK's schema of each endpoint's success answer, `/v2` and `/oauth2` alike, by method and full path pattern. */
export const RESPONSE_SCHEMAS: ReadonlyArray<{ route: string; response: ResponseSchemaName }> = [
  ...SQUARE_APIS.flatMap(({ endpoints }) =>
    Object.entries(endpoints).flatMap(([route, endpoint]) =>
      'response' in endpoint ? [{ route: underPrefix(SQUARE_API_PREFIX, route), response: endpoint.response }] : [],
    ),
  ),
  ...Object.entries(OAUTH_RESPONSES).map(([route, response]) => ({ route: underPrefix(OAUTH_API_PREFIX, route), response })),
];

/** The Square-Version that retired each `/v2` route an older version still has, keyed as ROUTE_SCOPES is. */
export const RETIRED_ROUTES: Readonly<Record<string, SquareVersion>> = Object.fromEntries(
  SQUARE_APIS.flatMap(({ endpoints }) =>
    Object.entries(endpoints).flatMap(([route, endpoint]) => ('retiredIn' in endpoint ? [[underPrefix(SQUARE_API_PREFIX, route), endpoint.retiredIn]] : [])),
  ),
);
