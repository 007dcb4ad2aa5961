import type { serialization } from 'square';
import { now, type EmulatorContext } from '../context.js';
import { errors } from '../plumbing/errors.js';
import { newId } from '../plumbing/ids.js';
import { paginate } from '../plumbing/pagination.js';
import { createGiftCardActivity } from './gift-card-activities.js';
import { mainLocationId } from './locations.js';
import { TEST_GIFT_CARD_GAN, testSource } from './test-values.js';

type GiftCard = serialization.GiftCard.Raw;

/** Custom GANs: 8 to 20 alphanumerics that do not look like a major card brand's number. */
const CUSTOM_GAN = /^[A-Za-z0-9]{8,20}$/;

const CARD_BRAND_PREFIX = /^(4|5[1-5]|3[47]|6011|65)/;

/** Square prints its own 16-digit GANs, all starting 7783, on the plastic cards sellers order. */
const SQUARE_GAN = /^7783\d{12}$/;

/** The sandbox gift card's opening balance, as Square's sandbox shows it. */
const SANDBOX_BALANCE = 10000;

function findByGan(ctx: EmulatorContext, merchantId: string, gan: string): GiftCard | undefined {
  return ctx.stores.giftCards.where(merchantId, '$.gan', [gan])[0]?.doc;
}

/** A GAN is taken when a card has it, and the sandbox GAN is always reserved for the sandbox card. */
function ganTaken(ctx: EmulatorContext, merchantId: string, gan: string): boolean {
  return gan === TEST_GIFT_CARD_GAN || findByGan(ctx, merchantId, gan) != null;
}

function generateGan(ctx: EmulatorContext, merchantId: string): string {
  for (;;) {
    const gan = newId.gan();
    if (!ganTaken(ctx, merchantId, gan)) return gan;
  }
}

/** Stores a new PENDING gift card with a zero balance and announces it with `gift_card.created`. */
function insertGiftCard(
  ctx: EmulatorContext,
  merchantId: string,
  locationId: string,
  fields: Pick<GiftCard, 'type' | 'gan_source' | 'gan'>,
): GiftCard {
  const currency = ctx.stores.locations.get(merchantId, locationId)?.currency ?? 'USD';
  const card: GiftCard = {
    id: newId.giftCard(),
    type: fields.type,
    gan_source: fields.gan_source,
    state: 'PENDING',
    balance_money: { amount: 0, currency },
    gan: fields.gan,
    created_at: now(),
  };
  ctx.stores.giftCards.insert(merchantId, card.id!, card);
  ctx.webhooks.emit({ merchantId, type: 'gift_card.created', id: card.id!, object: { gift_card: card } });
  return card;
}

/** The GAN a CreateGiftCard request ends up with, or Square's error for the combination given. */
function ganFor(ctx: EmulatorContext, merchantId: string, card: Pick<GiftCard, 'type' | 'gan_source' | 'gan'>): string {
  const source = card.gan_source ?? 'SQUARE';
  if (source === 'SQUARE' && card.type === 'DIGITAL') {
    if (card.gan != null) {
      throw errors.invalidValue('gift_card.gan', 'A custom gan requires gan_source OTHER; omit gan to have Square generate one.');
    }
    return generateGan(ctx, merchantId);
  }
  if (card.gan == null) throw errors.missing('gift_card.gan');
  if (source === 'OTHER' && (!CUSTOM_GAN.test(card.gan) || CARD_BRAND_PREFIX.test(card.gan))) {
    throw errors.invalidValue(
      'gift_card.gan',
      'A custom GAN must have 8 to 20 alphanumeric characters and must not start like a credit card number.',
    );
  }
  if (source === 'SQUARE' && !SQUARE_GAN.test(card.gan)) {
    throw errors.invalidValue('gift_card.gan', 'The GAN of a Square physical gift card has 16 digits and starts with 7783.');
  }
  if (ganTaken(ctx, merchantId, card.gan)) throw errors.invalidValue('gift_card.gan', `The GAN ${card.gan} is already in use.`);
  return card.gan;
}

/**
 * The merchant's sandbox gift card, behind `cnon:gift-card-nonce-ok` and the test GAN:
 * created on first use and activated with $100.00 through a real ACTIVATE activity,
 * so its history reads like any other card's. Safe inside a caller's transaction.
 */
export function sandboxNonceGiftCard(ctx: EmulatorContext, merchantId: string): GiftCard {
  return ctx.tx(() => {
    const existing = findByGan(ctx, merchantId, TEST_GIFT_CARD_GAN);
    if (existing) return existing;
    const locationId = mainLocationId(ctx, merchantId);
    const card = insertGiftCard(ctx, merchantId, locationId, { type: 'DIGITAL', gan_source: 'SQUARE', gan: TEST_GIFT_CARD_GAN });
    return createGiftCardActivity(ctx, merchantId, {
      type: 'ACTIVATE',
      location_id: locationId,
      gift_card_id: card.id!,
      activate_activity_details: {
        amount_money: { amount: SANDBOX_BALANCE, currency: 'USD' },
        buyer_payment_instrument_ids: ['sandbox-test-value'],
      },
    }).giftCard;
  });
}

/** Saves a changed `customer_ids` list (dropped when empty, as Square does) and announces it. */
function saveLinks(
  ctx: EmulatorContext,
  merchantId: string,
  card: GiftCard,
  customerIds: string[],
  event: { type: 'gift_card.customer_linked'; linked_customer_id: string } | { type: 'gift_card.customer_unlinked'; unlinked_customer_id: string },
): GiftCard {
  const { customer_ids: _old, ...rest } = card;
  const updated: GiftCard = customerIds.length > 0 ? { ...rest, customer_ids: customerIds } : rest;
  ctx.stores.giftCards.put(merchantId, updated.id!, updated);
  const { type, ...detail } = event;
  ctx.webhooks.emit({ merchantId, type, id: updated.id!, object: { gift_card: updated, ...detail } });
  ctx.webhooks.emit({ merchantId, type: 'gift_card.updated', id: updated.id!, object: { gift_card: updated } });
  return updated;
}

/** ListGiftCards: oldest first, by type, state and linked customer; 30 a page unless told. */
export function listGiftCards(
  ctx: EmulatorContext,
  merchantId: string,
  query: { type?: GiftCard['type']; state?: GiftCard['state']; customer_id?: string; cursor?: string; limit?: number },
) {
  const { giftCards } = ctx.stores;
  const candidates = query.customer_id === undefined ? giftCards.all(merchantId) : giftCards.containing(merchantId, '$.customer_ids', [query.customer_id]);
  const matching = candidates.filter(
    ({ doc }) => (query.type === undefined || doc.type === query.type) && (query.state === undefined || doc.state === query.state),
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
}

/** CreateGiftCard: a PENDING card at the location, with a GAN Square makes or the one given. */
export function createGiftCard(
  ctx: EmulatorContext,
  merchantId: string,
  locationId: string,
  card: Pick<GiftCard, 'type' | 'gan_source' | 'gan'>,
): GiftCard {
  if (!ctx.stores.locations.get(merchantId, locationId)) {
    throw errors.notFound(`Location with id ${locationId} not found.`, 'location_id');
  }
  const gan = ganFor(ctx, merchantId, card);
  return insertGiftCard(ctx, merchantId, locationId, { type: card.type, gan_source: card.gan_source ?? 'SQUARE', gan });
}

/** RetrieveGiftCardFromGAN; the sandbox's test GAN is the merchant's sandbox card. */
export function giftCardFromGan(ctx: EmulatorContext, merchantId: string, gan: string): GiftCard {
  if (gan === TEST_GIFT_CARD_GAN) return sandboxNonceGiftCard(ctx, merchantId);
  const card = findByGan(ctx, merchantId, gan);
  if (!card) throw errors.notFound(`Gift card with GAN ${gan} not found.`, 'gan');
  return card;
}

/** RetrieveGiftCardFromNonce: only the sandbox's gift card nonce that is not declined names a card, the sandbox card. */
export function giftCardFromNonce(ctx: EmulatorContext, merchantId: string, nonce: string): GiftCard {
  const source = testSource(nonce);
  if (source?.kind !== 'gift_card_nonce' || source.decline) {
    throw errors.notFound('No gift card was found for the nonce.', 'nonce');
  }
  return sandboxNonceGiftCard(ctx, merchantId);
}

/** LinkCustomerToGiftCard; linking a customer who is already linked changes nothing. */
export function linkCustomer(ctx: EmulatorContext, merchantId: string, giftCardId: string, customerId: string): GiftCard {
  const card = ctx.stores.giftCards.require(merchantId, giftCardId, 'gift_card_id');
  if (!ctx.stores.customers.get(merchantId, customerId)) {
    throw errors.notFound(`Customer with id ${customerId} not found.`, 'customer_id');
  }
  const linked = card.customer_ids ?? [];
  if (linked.includes(customerId)) return card;
  return saveLinks(ctx, merchantId, card, [...linked, customerId], { type: 'gift_card.customer_linked', linked_customer_id: customerId });
}

/** UnlinkCustomerFromGiftCard: the customer must be linked. */
export function unlinkCustomer(ctx: EmulatorContext, merchantId: string, giftCardId: string, customerId: string): GiftCard {
  const card = ctx.stores.giftCards.require(merchantId, giftCardId, 'gift_card_id');
  const linked = card.customer_ids ?? [];
  if (!linked.includes(customerId)) {
    throw errors.invalidValue('customer_id', `Customer ${customerId} is not linked to gift card ${card.id}.`);
  }
  return saveLinks(
    ctx,
    merchantId,
    card,
    linked.filter((id) => id !== customerId),
    { type: 'gift_card.customer_unlinked', unlinked_customer_id: customerId },
  );
}
