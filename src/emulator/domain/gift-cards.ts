import type { serialization } from 'square';
import { now, type EmulatorContext } from '../context.js';
import { errors } from '../plumbing/errors.js';
import { newId } from '../plumbing/ids.js';
import { createGiftCardActivity } from './gift-card-activities.js';
import { mainLocationId } from './locations.js';
import { TEST_GIFT_CARD_GAN } from './test-values.js';

type GiftCard = serialization.GiftCard.Raw;

/** Custom GANs: 8 to 20 alphanumerics that do not look like a major card brand's number. */
const CUSTOM_GAN = /^[A-Za-z0-9]{8,20}$/;

const CARD_BRAND_PREFIX = /^(4|5[1-5]|3[47]|6011|65)/;

/** Square prints its own 16-digit GANs, all starting 7783, on the plastic cards sellers order. */
const SQUARE_GAN = /^7783\d{12}$/;

/** The sandbox gift card's opening balance, as Square's sandbox shows it. */
const SANDBOX_BALANCE = 10000;

export function findByGan(ctx: EmulatorContext, merchantId: string, gan: string): GiftCard | undefined {
  return ctx.stores.giftCards.all(merchantId).find((s) => s.doc.gan === gan)?.doc;
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
export function insertGiftCard(
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
export function ganFor(ctx: EmulatorContext, merchantId: string, card: Pick<GiftCard, 'type' | 'gan_source' | 'gan'>): string {
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
export function saveLinks(
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
