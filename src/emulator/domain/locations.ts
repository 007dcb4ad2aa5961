import type { EmulatorContext } from '../context.js';

/** The merchant's main location id: where objects go when a request names none. */
export function mainLocationId(ctx: EmulatorContext, merchantId: string): string {
  return ctx.stores.locations.all(merchantId)[0]!.doc.id!;
}
