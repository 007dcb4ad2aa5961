import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { EmulatorContext } from '../context.js';
import { errors } from '../errors.js';
import { parse } from '../validation.js';
import { cardFromSource, createCardOnFile, disableCard } from '../domain/cards.js';
import { billingAddressSchema } from './cards.js';

const createBody = z.object({
  card_nonce: z.string().min(1).max(16384),
  billing_address: billingAddressSchema.optional(),
  cardholder_name: z.string().max(96).optional(),
  verification_token: z.string().optional(),
});

type CardParams = { Params: { customer_id: string; card_id: string } };

/**
 * The Customers API's deprecated card endpoints, which Square still serves: they write
 * to the same cards on file as the Cards API. A deleted card is disabled there, as
 * DisableCard does, and no longer shows in ListCards.
 */
export function registerCustomerCards(app: FastifyInstance, ctx: EmulatorContext): void {
  app.post<{ Params: { customer_id: string } }>('/customers/:customer_id/cards', async (request, reply) => {
    const merchantId = request.merchant.id;
    const customerId = request.params.customer_id;
    const body = parse(createBody, request.body);
    // Square: calls with the same nonce return the card made by the first, so the nonce is the idempotency key.
    const result = ctx.idempotency.run(merchantId, `CreateCustomerCard/${customerId}`, body.card_nonce, {}, () => {
      if (!ctx.stores.customers.get(merchantId, customerId))
        throw errors.notFound(`Customer with ID \`${customerId}\` not found.`, 'customer_id');
      const card = cardFromSource(body.card_nonce, body.billing_address?.postal_code);
      const fields = {
        customer_id: customerId,
        cardholder_name: body.cardholder_name,
        billing_address: body.billing_address,
      };
      return { status: 200, body: { card: createCardOnFile(ctx, merchantId, card, fields) } };
    });
    return reply.code(result.status).send(result.body);
  });

  app.delete<CardParams>('/customers/:customer_id/cards/:card_id', async (request) => {
    const merchantId = request.merchant.id;
    const { customer_id: customerId, card_id: cardId } = request.params;
    ctx.tx(() => {
      if (!ctx.stores.customers.get(merchantId, customerId))
        throw errors.notFound(`Customer with ID \`${customerId}\` not found.`, 'customer_id');
      const card = ctx.stores.cards.get(merchantId, cardId);
      if (!card || card.customer_id !== customerId || !card.enabled)
        throw errors.notFound(`Card with ID \`${cardId}\` not found for customer \`${customerId}\`.`, 'card_id');
      disableCard(ctx, merchantId, card);
    });
    return {};
  });
}
