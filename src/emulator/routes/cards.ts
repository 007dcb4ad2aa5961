import type { FastifyInstance } from 'fastify';
import { Square } from 'square';
import { z } from 'zod';
import type { EmulatorContext } from '../context.js';
import { cardFromSource, createCardOnFile, disableCard } from '../domain/cards.js';
import { SquareApiError } from '../errors.js';
import { paginate } from '../pagination.js';
import { parse, shapes } from '../validation.js';

/** ListCards has no limit parameter: Square answers 25 cards a page. */
const CARDS_PAGE_SIZE = 25;

const optionalText = (max: number) => z.string().max(max).optional();

/** Square's Address with the lengths CreateCard states; CreateCustomerCard takes the same. */
export const billingAddressSchema = z.object({
  address_line_1: optionalText(500),
  address_line_2: optionalText(500),
  address_line_3: optionalText(500),
  locality: optionalText(300),
  sublocality: optionalText(300),
  sublocality_2: optionalText(300),
  sublocality_3: optionalText(300),
  administrative_district_level_1: optionalText(200),
  administrative_district_level_2: optionalText(200),
  administrative_district_level_3: optionalText(200),
  postal_code: optionalText(12),
  country: z.enum(Square.Country).optional(),
  first_name: optionalText(300),
  last_name: optionalText(300),
});

const createCardBody = z.object({
  idempotency_key: shapes.idempotencyKey(1),
  source_id: z.string().min(1).max(16384),
  verification_token: z.string().optional(),
  card: z.object({
    customer_id: z.string().min(1),
    cardholder_name: optionalText(96),
    billing_address: billingAddressSchema.optional(),
    reference_id: optionalText(128),
  }),
});

const listCardsQuery = z.object({
  cursor: z.string().optional(),
  customer_id: z.string().optional(),
  include_disabled: shapes.queryBool.optional(),
  reference_id: z.string().optional(),
  sort_order: z.enum(['ASC', 'DESC']).optional(),
});

/** Cards API: cards on file for customers, created from card nonces; disabling is final. */
export function registerCards(app: FastifyInstance, ctx: EmulatorContext): void {
  const { cards, customers } = ctx.stores;

  app.get('/cards', async (request) => {
    const merchantId = request.merchant.id;
    const query = parse(listCardsQuery, request.query);
    const includeDisabled = query.include_disabled ?? false;
    const matching = cards.all(merchantId).filter(
      ({ doc }) =>
        (includeDisabled || doc.enabled) &&
        (query.customer_id === undefined || doc.customer_id === query.customer_id) &&
        (query.reference_id === undefined || doc.reference_id === query.reference_id),
    );
    const { cursor, ...filters } = query;
    const page = paginate({
      items: matching,
      key: ({ seq, doc }) => [doc.created_at ?? '', seq],
      order: query.sort_order ?? 'ASC',
      limit: CARDS_PAGE_SIZE,
      cursor,
      query: filters,
    });
    return { cards: page.items.map((s) => s.doc), ...(page.cursor ? { cursor: page.cursor } : {}) };
  });

  app.post('/cards', async (request, reply) => {
    const merchantId = request.merchant.id;
    const body = parse(createCardBody, request.body);
    const result = ctx.idempotency.run(merchantId, 'CreateCard', body.idempotency_key, body, () => {
      const { card } = body;
      if (!customers.get(merchantId, card.customer_id)) {
        throw SquareApiError.of(
          404,
          'INVALID_REQUEST_ERROR',
          'CUSTOMER_NOT_FOUND',
          `Customer with id ${card.customer_id} not found.`,
          'card.customer_id',
        );
      }
      const testCard = cardFromSource(body.source_id, card.billing_address?.postal_code);
      return { status: 200, body: { card: createCardOnFile(ctx, merchantId, testCard, card) } };
    });
    return reply.code(result.status).send(result.body);
  });

  app.get<{ Params: { card_id: string } }>('/cards/:card_id', async (request) => ({
    card: ctx.stores.cards.require(request.merchant.id, request.params.card_id, 'card_id'),
  }));

  app.post<{ Params: { card_id: string } }>('/cards/:card_id/disable', async (request) => {
    const merchantId = request.merchant.id;
    return ctx.tx(() => {
      const card = ctx.stores.cards.require(merchantId, request.params.card_id, 'card_id');
      // Square: disabling an already disabled card is allowed but has no effect.
      return { card: card.enabled ? disableCard(ctx, merchantId, card) : card };
    });
  });
}
