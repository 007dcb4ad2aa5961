import { GraphQLError } from 'graphql';
import type { GatewayContext } from './gateway-context.js';

/** The header EventSource sends when it reconnects, and the query parameter for clients that cannot set headers. */
const HEADER = 'last-event-id';
const PARAMETER = 'lastEventId';

/** The sequence of the last event a reconnecting subscriber received, if it says; a malformed one is the caller's mistake. */
export function lastEventIdOf(request: Request | undefined): number | undefined {
  if (!request) return undefined;
  const raw = request.headers.get(HEADER) ?? new URL(request.url).searchParams.get(PARAMETER);
  if (raw === null || raw.trim() === '') return undefined;
  if (!/^\d{1,15}$/.test(raw.trim())) {
    throw new GraphQLError(`Last-Event-ID must be the id of an event this gateway sent (a number), got "${raw.slice(0, 40)}".`, {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return Number(raw.trim());
}

/** Called by a subscription field's resolver: the result it is part of goes out with this SSE id. */
export function deliveringEvent(context: Pick<GatewayContext, 'liveEventId'>, sequence: number): void {
  context.liveEventId = sequence;
}
