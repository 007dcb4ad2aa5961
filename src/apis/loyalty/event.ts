import type { Square } from 'square';
import { builder } from '../../schema/builder.js';
import { LoyaltyEventType } from './enums.js';
import { LocationRef } from '../locations/refs.js';
import { LoyaltyEventRef } from './refs.js';
import { OrderRef } from '../orders/refs.js';

/** How an event moved the balance: Square records it in the detail of its type. */
function pointsOf(e: Square.LoyaltyEvent): number {
  return (
    e.accumulatePoints?.points ??
    e.accumulatePromotionPoints?.points ??
    e.adjustPoints?.points ??
    e.createReward?.points ??
    e.deleteReward?.points ??
    e.expirePoints?.points ??
    e.otherEvent?.points ??
    0
  );
}

builder.objectType(LoyaltyEventRef, {
  description: 'One change in a loyalty account’s ledger: points earned, adjusted, locked for a reward, given back, redeemed or expired.',
  fields: (t) => ({
    squareId: t.string({ nullable: false, description: 'Square’s own id for the event.', resolve: (e) => e.id! }),
    type: t.field({ type: LoyaltyEventType, nullable: false, description: 'What happened.', resolve: (e) => e.type! }),
    points: t.int({
      nullable: false,
      description: 'How the event moved the balance: positive when points were added, negative when taken off (a reward locks its points when created), 0 for a redemption.',
      resolve: pointsOf,
    }),
    createdAt: t.field({ type: 'DateTime', nullable: false, description: 'When it happened.', resolve: (e) => e.createdAt! }),
    reason: t.string({ nullable: true, description: 'For ADJUST_POINTS: why the seller adjusted the balance, when they said.', resolve: (e) => e.adjustPoints?.reason ?? null }),
    rewardSquareId: t.string({
      nullable: true,
      description: 'For reward events: Square’s id of the reward.',
      resolve: (e) => e.createReward?.rewardId ?? e.redeemReward?.rewardId ?? e.deleteReward?.rewardId ?? null,
    }),
    order: t.field({
      authScopes: { ORDERS_READ: true },
      type: OrderRef,
      nullable: true,
      description: 'The order points were earned for or a reward was redeemed on; null when none.',
      resolve: (e, _args, ctx) => {
        const orderId = e.accumulatePoints?.orderId ?? e.redeemReward?.orderId;
        return orderId ? ctx.loaders.order.load(orderId) : null;
      },
    }),
    location: t.field({
      type: LocationRef,
      nullable: true,
      description: 'Where it happened; null when Square recorded no location.',
      resolve: (e, _args, ctx) => (e.locationId ? ctx.loaders.location.load(e.locationId) : null),
    }),
  }),
});
