import type { LoaderFactory } from '../square/loaders.js';

/** What a live subscriber hears of an event: which object to read, never the event's body. */
export interface LiveObject {
  /** The object to load: the event's `data.id`, or the object it belongs to (a gift card activity's gift card). */
  objectId: string;
  /** A merge's old profile ids (`customer.created` with `event_context.merge`), so watchers of an old id follow it. */
  mergedFrom?: string[];
  /** The variation and location of each count an `inventory.count.updated` changed, so watchers of one pair skip the rest unread. */
  counted?: Array<{ variationId: string; locationId: string }>;
}

/** What one Square webhook event means to the gateway. */
export interface EventEffects {
  /** The cached reads it makes stale (each API's `staleAfter`). */
  stale: string[];
  /** What subscribers hear of it; absent when no subscription listens to it. */
  live?: LiveObject | undefined;
}

/** One event type's meaning, read off its raw (snake_case) body as Square sends it. */
export type EventRule = (body: unknown) => EventEffects;

/**
 * Every scope an API key may hold, merged in by each API's index.ts from the scopes it
 * lists. Gateway scopes mirror Square's OAuth permissions, so that a key grants what a
 * token would; two APIs may share one (cards are read with CUSTOMERS_READ).
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by each API's declaration
export interface Scopes {}
export type Scope = keyof Scopes & string;

/**
 * What one Square API brings to the gateway beside its schema types, which its modules add
 * to the builder when the registry imports them. The registry (registry.ts) derives from
 * these what each part of the gateway needs: the loaders, the webhook events the cache and
 * live updates hear, the scopes an API key may hold.
 */
export interface SquareApi {
  /** The scopes it brings, as API keys name them (`CUSTOMERS_READ`); its index.ts merges them into Scopes. */
  scopes?: readonly Scope[];
  /** Its reads of one request. */
  loaders?: LoaderFactory;
  /** What the Query type's description calls what it reads, e.g. `cards on file`. */
  reads?: string;
  /** What the Mutation type's description calls what it changes; absent when it has no mutations. */
  writes?: string;
  /** Per Square webhook event type it owns: what the event makes stale, and what subscribers hear. */
  events?: Readonly<Record<string, EventRule>>;
}

/** How Square's SDK reads a webhook body: its serializer for one event type. */
interface EventSchema<T> {
  parse(raw: unknown, options: typeof LENIENT): { ok: true; value: T } | { ok: false };
}

/** A body is read as far as it goes: a field Square adds, or one missing, never loses the event. */
const LENIENT = {
  skipValidation: true,
  unrecognizedObjectKeys: 'passthrough',
  allowUnrecognizedEnumValues: true,
  allowUnrecognizedUnionMembers: true,
} as const;

/** An event rule over the SDK's typed event (camelCase), parsed by the SDK's own serializer for its type. */
export function on<T extends object>(schema: EventSchema<T>, effects: (event: Partial<T>) => EventEffects): EventRule {
  return (body) => {
    const parsed = schema.parse(body, LENIENT);
    return effects(parsed.ok && typeof parsed.value === 'object' && parsed.value !== null ? parsed.value : {});
  };
}

/** An id the event carries; the SDK's parse does not check types, so anything else is no id. */
export const idIn = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** The objects among these ids (an event's or a write's), without the absent ones. */
export const some = (...objects: Array<string | false | undefined | null | '' | 0>) => objects.filter((o): o is string => Boolean(o));

/** `make(id)` for an id that is there. */
export const idOr = (make: (id: string) => string, id: string | undefined | null) => (id ? make(id) : undefined);
