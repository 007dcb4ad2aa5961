import type { serialization } from 'square';
import type { EmulatorContext } from '../context.js';
import { clock } from '../plumbing/clock.js';

/**
 * Square's delayed capture: an APPROVED card payment that nothing completes or cancels before its
 * `delayed_until` (created_at + delay_duration) gets its `delay_action` then — CANCEL voids the
 * authorization, COMPLETE captures it. The emulator applies it when the payment is next read, and
 * to every payment at once when the clock is moved, so that the `payment.updated` webhooks go out
 * as they would have from Square.
 */
export function delayElapsed(payment: serialization.Payment.Raw): boolean {
  return payment.status === 'APPROVED' && !!payment.delayed_until && Date.parse(payment.delayed_until) <= clock.nowMs();
}

/**
 * Applies every elapsed delay, every merchant's, in one transaction. `settle` reads a payment as it
 * stands now (the payments code applies the delay_action on read); it returns how many were settled.
 */
export function settleElapsedDelays(ctx: EmulatorContext, settle: (merchantId: string, paymentId: string) => unknown): number {
  return ctx.tx(() => {
    let settled = 0;
    for (const merchantId of ctx.stores.payments.merchantIds()) {
      for (const { doc } of ctx.stores.payments.all(merchantId)) {
        if (!delayElapsed(doc)) continue;
        settle(merchantId, doc.id!);
        settled++;
      }
    }
    return settled;
  });
}
