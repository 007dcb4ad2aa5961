import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context.js';
import { errors, sendError } from '../plumbing/errors.js';
import { registerCards } from './cards.js';
import { registerCatalog } from './catalog.js';
import { registerCustomerAttributeDefinitions } from './customer-attribute-definitions.js';
import { registerCustomerAttributes } from './customer-attributes.js';
import { registerCustomerCards } from './customer-cards.js';
import { registerCustomerGroups } from './customer-groups.js';
import { registerCustomerSegments } from './customer-segments.js';
import { registerCustomers } from './customers.js';
import { registerGiftCardActivities } from './gift-card-activities.js';
import { registerGiftCards } from './gift-cards.js';
import { registerInventory } from './inventory.js';
import { registerLocations } from './locations.js';
import { registerLoyalty } from './loyalty.js';
import { registerMerchants } from './merchants.js';
import { registerOrders } from './orders.js';
import { registerPayments } from './payments.js';
import { registerRefunds } from './refunds.js';

/** Square's REST API, one module per Square API. */
export function squareApiRoutes(ctx: EmulatorContext) {
  return async (app: FastifyInstance) => {
    registerLocations(app, ctx);
    registerOrders(app, ctx);
    registerPayments(app, ctx);
    registerRefunds(app, ctx);
    registerCustomers(app, ctx);
    registerCustomerGroups(app, ctx);
    registerCustomerSegments(app, ctx);
    registerCustomerAttributeDefinitions(app, ctx);
    registerCustomerAttributes(app, ctx);
    registerCustomerCards(app, ctx);
    registerMerchants(app, ctx);
    registerCards(app, ctx);
    registerGiftCards(app, ctx);
    registerGiftCardActivities(app, ctx);
    registerLoyalty(app, ctx);
    registerCatalog(app, ctx);
    registerInventory(app, ctx);
    for (const path of NOT_EMULATED_UNDER_ID_ROUTES) app.get(path, (request, reply) => sendError(reply, errors.noSuchEndpoint(request.method, request.url)));
  };
}

/**
 * Square's paths that the emulator does not implement and that a route above would take
 * for an id (`GET /v2/locations/{location_id}` for `GET /v2/locations/custom-attribute-definitions`),
 * found by asking the routes for every path of Square's spec: answered as the endpoints
 * the emulator does not have, not as a missing object. An API that gains one drops it here.
 */
const NOT_EMULATED_UNDER_ID_ROUTES = ['/locations/custom-attribute-definitions', '/merchants/custom-attribute-definitions', '/orders/custom-attribute-definitions'];
