import type { FastifyInstance } from 'fastify';
import { serialization, type Square } from 'square';
import { z } from 'zod';
import type { EmulatorContext } from '../context.js';
import { findByGan, ganFor, insertGiftCard, sandboxNonceGiftCard, saveLinks } from '../domain/gift-cards.js';
import { TEST_GIFT_CARD_GAN, testSource } from '../domain/test-values.js';
import { errors } from '../plumbing/errors.js';
import { paginate } from '../plumbing/pagination.js';
import { parse, parseRequest, querySchema, shapes, type FieldRules } from '../plumbing/validation.js';

/** What Square states for the Gift Cards API's requests beyond the SDK's schemas. */
const CREATE_RULES: FieldRules = { idempotency_key: { min: 1, max: 128 }, location_id: { min: 1 } };
const GAN_RULES: FieldRules = { gan: { min: 1, max: 255 } };
const NONCE_RULES: FieldRules = { nonce: { min: 1 } };
const CUSTOMER_RULES: FieldRules = { customer_id: { min: 1, max: 191 } };

// The SDK types `type` and `state` as plain strings; Square reads them as its enums.
const listGiftCardsQuery = querySchema<Square.ListGiftCardsRequest>()({
  type: z.enum(['PHYSICAL', 'DIGITAL']),
  state: z.enum(['ACTIVE', 'DEACTIVATED', 'BLOCKED', 'PENDING']),
  limit: shapes.queryInt.min(1).max(200),
  cursor: z.string(),
  customerId: z.string(),
});

/** Gift Cards API: digital and physical gift cards, lookups by GAN and nonce, and gift cards on file. */
export function registerGiftCards(app: FastifyInstance, ctx: EmulatorContext): void {
  const { giftCards, customers, locations } = ctx.stores;

  app.get('/gift-cards', async (request) => {
    const merchantId = request.merchant.id;
    const query = parse(listGiftCardsQuery, request.query);
    const matching = giftCards
      .all(merchantId)
      .filter(
        ({ doc }) =>
          (query.type === undefined || doc.type === query.type) &&
          (query.state === undefined || doc.state === query.state) &&
          (query.customer_id === undefined || (doc.customer_ids ?? []).includes(query.customer_id)),
      );
    const { cursor, limit, ...filters } = query;
    const page = paginate({
      items: matching,
      key: ({ seq, doc }) => [doc.created_at!, seq],
      limit: limit ?? 30,
      cursor,
      query: filters,
    });
    return { gift_cards: page.items.map((s) => s.doc), ...(page.cursor ? { cursor: page.cursor } : {}) };
  });

  app.post('/gift-cards', async (request, reply) => {
    const merchantId = request.merchant.id;
    const body = parseRequest(serialization.CreateGiftCardRequest, request.body, CREATE_RULES);
    return ctx.idempotency.send(reply, { merchantId, endpoint: 'CreateGiftCard', key: body.idempotency_key, request: body }, () => {
      if (!locations.get(merchantId, body.location_id)) {
        throw errors.notFound(`Location with id ${body.location_id} not found.`, 'location_id');
      }
      const gan = ganFor(ctx, merchantId, body.gift_card);
      const card = insertGiftCard(ctx, merchantId, body.location_id, {
        type: body.gift_card.type,
        gan_source: body.gift_card.gan_source ?? 'SQUARE',
        gan,
      });
      return { gift_card: card };
    });
  });

  app.post('/gift-cards/from-gan', async (request) => {
    const merchantId = request.merchant.id;
    const { gan } = parseRequest(serialization.GetGiftCardFromGanRequest, request.body, GAN_RULES);
    if (gan === TEST_GIFT_CARD_GAN) return { gift_card: sandboxNonceGiftCard(ctx, merchantId) };
    const card = findByGan(ctx, merchantId, gan);
    if (!card) throw errors.notFound(`Gift card with GAN ${gan} not found.`, 'gan');
    return { gift_card: card };
  });

  app.post('/gift-cards/from-nonce', async (request) => {
    const merchantId = request.merchant.id;
    const { nonce } = parseRequest(serialization.GetGiftCardFromNonceRequest, request.body, NONCE_RULES);
    const source = testSource(nonce);
    if (source?.kind !== 'gift_card_nonce' || source.decline) {
      throw errors.notFound('No gift card was found for the nonce.', 'nonce');
    }
    return { gift_card: sandboxNonceGiftCard(ctx, merchantId) };
  });

  app.get<{ Params: { id: string } }>('/gift-cards/:id', async (request) => ({
    gift_card: ctx.stores.giftCards.require(request.merchant.id, request.params.id, 'id'),
  }));

  app.post<{ Params: { gift_card_id: string } }>('/gift-cards/:gift_card_id/link-customer', async (request) => {
    const merchantId = request.merchant.id;
    const { customer_id: customerId } = parseRequest(serialization.LinkCustomerToGiftCardRequest, request.body, CUSTOMER_RULES);
    return ctx.tx(() => {
      const card = ctx.stores.giftCards.require(merchantId, request.params.gift_card_id, 'gift_card_id');
      if (!customers.get(merchantId, customerId)) {
        throw errors.notFound(`Customer with id ${customerId} not found.`, 'customer_id');
      }
      const linked = card.customer_ids ?? [];
      // Linking a customer who is already linked changes nothing.
      if (linked.includes(customerId)) return { gift_card: card };
      const updated = saveLinks(ctx, merchantId, card, [...linked, customerId], {
        type: 'gift_card.customer_linked',
        linked_customer_id: customerId,
      });
      return { gift_card: updated };
    });
  });

  app.post<{ Params: { gift_card_id: string } }>('/gift-cards/:gift_card_id/unlink-customer', async (request) => {
    const merchantId = request.merchant.id;
    const { customer_id: customerId } = parseRequest(serialization.UnlinkCustomerFromGiftCardRequest, request.body, CUSTOMER_RULES);
    return ctx.tx(() => {
      const card = ctx.stores.giftCards.require(merchantId, request.params.gift_card_id, 'gift_card_id');
      const linked = card.customer_ids ?? [];
      if (!linked.includes(customerId)) {
        throw errors.invalidValue('customer_id', `Customer ${customerId} is not linked to gift card ${card.id}.`);
      }
      const updated = saveLinks(
        ctx,
        merchantId,
        card,
        linked.filter((id) => id !== customerId),
        { type: 'gift_card.customer_unlinked', unlinked_customer_id: customerId },
      );
      return { gift_card: updated };
    });
  });
}
