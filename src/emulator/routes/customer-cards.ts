import type { FastifyInstance } from 'fastify';
import { serialization } from 'square';
import type { EmulatorContext } from '../context.js';
import { createCustomerCard, deleteCustomerCard } from '../domain/cards.js';
import { parseRequest, withoutNulls, type FieldRules } from '../plumbing/validation.js';
import type { Endpoints } from './endpoints.js';

/** What Square states for CreateCustomerCard beyond the SDK's schema: the card fields' lengths CreateCard states for the same data. */
const CREATE_RULES: FieldRules = {
  card_nonce: { min: 1, max: 16384 },
  cardholder_name: { max: 96 },
};

type CardParams = { Params: { customer_id: string; card_id: string } };

export const CUSTOMER_CARD_ENDPOINTS: Endpoints = {
  'POST /customers/:customer_id/cards': { response: 'CreateCustomerCardResponse', scopes: ['CUSTOMERS_WRITE'] }, // CreateCustomerCard (deprecated)
  'DELETE /customers/:customer_id/cards/:card_id': { response: 'DeleteCustomerCardResponse', scopes: ['CUSTOMERS_WRITE'] }, // DeleteCustomerCard (deprecated)
};

/**
 * The Customers API's deprecated card endpoints, which Square still serves: they write
 * to the same cards on file as the Cards API.
 */
export function registerCustomerCards(app: FastifyInstance, ctx: EmulatorContext): void {
  app.post<{ Params: { customer_id: string } }>('/customers/:customer_id/cards', async (request, reply) => {
    const merchantId = request.merchant.id;
    const customerId = request.params.customer_id;
    const body = withoutNulls(parseRequest(serialization.customers.CreateCustomerCardRequest, request.body, CREATE_RULES));
    // Square: calls with the same nonce return the card made by the first, so the nonce is the idempotency key.
    return ctx.idempotency.send(reply, { merchantId, endpoint: `CreateCustomerCard/${customerId}`, key: body.card_nonce, request: {} }, () => ({
      card: createCustomerCard(ctx, merchantId, customerId, body),
    }));
  });

  app.delete<CardParams>('/customers/:customer_id/cards/:card_id', async (request) => {
    ctx.tx(() => deleteCustomerCard(ctx, request.merchant.id, request.params.customer_id, request.params.card_id));
    return {};
  });
}
