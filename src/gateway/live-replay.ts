import { GraphQLError } from 'graphql';
import type { LiveEvent, LiveHistory } from '../context/live-events.js';
import type { EventStore } from '../store/index.js';
import { liveEventOf } from './pubsub.js';

export interface LiveReplaySettings {
  /** How old the oldest missed event may be (LIVE_REPLAY_WINDOW_SECONDS). */
  windowMs: number;
  /** How many of the seller's events a reconnecting subscriber may have missed (LIVE_REPLAY_MAX_EVENTS). */
  maxEvents: number;
}

/**
 * What a live update subscriber missed while it was away: the seller's events applied after
 * the last one it received, read back from the event store, which every instance shares.
 * Within a window only, so that resuming stays cheap: past it the subscriber must read the
 * current state again, and is told so with REPLAY_WINDOW_EXCEEDED.
 */
export class LiveReplay implements LiveHistory {
  constructor(
    private readonly store: Pick<EventStore, 'appliedAfter'>,
    private readonly settings: LiveReplaySettings,
  ) {}

  async missedSince(merchantId: string, sequence: number): Promise<LiveEvent[]> {
    const { windowMs, maxEvents } = this.settings;
    const records = await this.store.appliedAfter(merchantId, sequence, maxEvents + 1);
    const oldest = records[0];
    if (records.length > maxEvents || (oldest && Date.parse(oldest.appliedAt) < Date.now() - windowMs)) {
      throw new GraphQLError(
        `More than ${maxEvents} events, or events older than ${Math.round(windowMs / 1000)} s, were missed since event ${sequence}: read the current state, then subscribe again without Last-Event-ID.`,
        { extensions: { code: 'REPLAY_WINDOW_EXCEEDED' } },
      );
    }
    return records.flatMap((record) => {
      const event = liveEventOf({ ...record, merchantId, body: JSON.parse(record.rawBody) as unknown });
      return event ? [event] : [];
    });
  }
}
