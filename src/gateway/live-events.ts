import { liveObjectOf } from '../apis/registry.js';
import type { AppliedEvent } from '../webhooks/index.js';
import type { LiveEvent } from './pubsub.js';

/** What subscribers hear of an applied webhook event, as its Square API reads it (src/apis); undefined for events no subscription listens to. */
export function liveEventOf(applied: AppliedEvent): LiveEvent | undefined {
  const live = liveObjectOf(applied.type, applied.body);
  return live && { type: applied.type, eventId: applied.eventId, sequence: applied.sequence, ...live };
}
