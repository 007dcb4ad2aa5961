import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context.js';
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
  };
}
