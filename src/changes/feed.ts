import { GraphQLError } from 'graphql';
import type { Logger } from 'pino';
import type { Scope } from '../apis/api.js';
import type { Change, ChangeFeed, ChangePage } from '../context/gateway-context.js';
import type { GatewayContext } from '../context/gateway-context.js';
import { DEFAULT_PAGE, MAX_PAGE } from '../schema/connections.js';
import type { AppliedEventRecord, EventStore } from '../store/index.js';

/**
 * What each family of Square's events is about, by the start of its type (the first that
 * matches): the scope a caller needs to hear of it (the read scope of its objects), and the
 * graph's type of the object its `data.id` names, where it names one the graph can read.
 */
export const EVENT_FAMILIES: ReadonlyArray<{ prefix: string; scope: Scope; node?: string }> = [
  { prefix: 'customer.custom_attribute', scope: 'CUSTOMERS_READ' },
  { prefix: 'customer.', scope: 'CUSTOMERS_READ', node: 'Customer' },
  { prefix: 'card.', scope: 'PAYMENTS_READ', node: 'Card' },
  { prefix: 'gift_card.activity.', scope: 'GIFTCARDS_READ' },
  { prefix: 'gift_card.', scope: 'GIFTCARDS_READ', node: 'GiftCard' },
  { prefix: 'payment.', scope: 'PAYMENTS_READ', node: 'Payment' },
  { prefix: 'refund.', scope: 'PAYMENTS_READ', node: 'Refund' },
  { prefix: 'order.', scope: 'ORDERS_READ', node: 'Order' },
  { prefix: 'location.', scope: 'MERCHANT_PROFILE_READ', node: 'Location' },
  { prefix: 'loyalty.account.', scope: 'LOYALTY_READ', node: 'LoyaltyAccount' },
  { prefix: 'loyalty.', scope: 'LOYALTY_READ' },
  { prefix: 'catalog.', scope: 'ITEMS_READ' },
  { prefix: 'inventory.', scope: 'INVENTORY_READ' },
  // A seller's revocation of the application names no object of the graph; it is news of the seller's own account.
  { prefix: 'oauth.', scope: 'MERCHANT_PROFILE_READ' },
];

export const familyOf = (type: string) => EVENT_FAMILIES.find((family) => type.startsWith(family.prefix));

const MAX_TYPES = 50;

export interface ChangeFeedOptions {
  store: Pick<EventStore, 'appliedAfter' | 'oldestAppliedSequence' | 'pruneApplied'>;
  /** The event types the gateway knows (src/apis/registry.ts): the feed's. */
  types: ReadonlySet<string>;
  /** How long applied events are kept for the feed. */
  retentionMs: number;
  logger: Logger;
}

const badInput = (message: string, argument: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', argument } });

function encode(sequence: number): string {
  return Buffer.from(JSON.stringify({ f: sequence })).toString('base64url');
}

function decode(cursor: string): number {
  try {
    const { f } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { f?: unknown };
    if (typeof f === 'number' && Number.isSafeInteger(f) && f >= 0) return f;
  } catch {
    // not JSON: not one of ours either
  }
  throw badInput('after is not a cursor of the change feed.', 'after');
}

/** What a stored event says of itself: its object, and when it happened at Square. */
function changeOf(record: AppliedEventRecord): Change {
  let body: { created_at?: unknown; data?: { type?: unknown; id?: unknown } } = {};
  try {
    body = JSON.parse(record.rawBody) as typeof body;
  } catch {
    // Stored as received and signed; an event whose body is not JSON is told with what the store knows.
  }
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return {
    sequence: record.sequence,
    eventId: record.eventId,
    type: record.type,
    objectType: text(body.data?.type),
    objectId: text(body.data?.id),
    occurredAt: text(body.created_at),
    appliedAt: record.appliedAt,
  };
}

/**
 * The change feed: the seller's Square events the gateway received and applied (the webhook
 * event store), in the order they were applied, each once, behind opaque cursors; a caller
 * hears of the families its scopes may read. Events are kept for the feed's retention
 * (CHANGES_RETENTION_DAYS, Square's own 28 days by default), then dropped: a cursor from
 * before what is kept gets CHANGES_CURSOR_EXPIRED, never a silent gap.
 */
export class EventChangeFeed implements ChangeFeed {
  private pruner: NodeJS.Timeout | undefined;

  constructor(private readonly options: ChangeFeedOptions) {}

  /** Drops what is past the retention now and every hour. */
  start(): void {
    const prune = () =>
      void this.options.store.pruneApplied(new Date(Date.now() - this.options.retentionMs)).catch((error: unknown) => {
        this.options.logger.warn({ err: error }, 'the change feed could not drop events past its retention');
      });
    this.pruner = setInterval(prune, 60 * 60_000);
    this.pruner.unref();
    prune();
  }

  close(): void {
    clearInterval(this.pruner);
  }

  cursorAt(sequence: number): string {
    return encode(sequence);
  }

  async page(ctx: GatewayContext, args: { after?: string | null; types?: readonly string[] | null; first?: number | null }): Promise<ChangePage> {
    const first = args.first ?? DEFAULT_PAGE;
    if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE) throw badInput(`first must be between 0 and ${MAX_PAGE}.`, 'first');
    const after = args.after ? decode(args.after) : 0;
    const types = this.typesFor(ctx, args.types);
    const oldest = await this.options.store.oldestAppliedSequence();
    if (args.after && oldest !== undefined && after + 1 < oldest) {
      throw new GraphQLError(
        `This cursor is older than the change feed keeps (${Math.round(this.options.retentionMs / 86_400_000)} days): read the current state (a bulk operation), then follow the feed from its changesCursor.`,
        { extensions: { code: 'CHANGES_CURSOR_EXPIRED' } },
      );
    }
    const records = first === 0 || types.length === 0 ? [] : await this.options.store.appliedAfter(await ctx.merchantId(), after, first + 1, types);
    const edges = records.slice(0, first).map((record) => ({ cursor: encode(record.sequence), node: changeOf(record) }));
    return {
      edges,
      pageInfo: {
        hasNextPage: records.length > first,
        hasPreviousPage: after > 0,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.at(-1)?.cursor ?? null,
      },
    };
  }

  /** The types asked for (every one by default) that the caller's scopes may read. */
  private typesFor(ctx: GatewayContext, asked: readonly string[] | null | undefined): string[] {
    if (asked && asked.length > MAX_TYPES) throw badInput(`types takes at most ${MAX_TYPES} event types.`, 'types');
    const unknown = asked?.filter((type) => !this.options.types.has(type)) ?? [];
    if (unknown.length > 0) {
      throw badInput(`types names event types the gateway does not know: ${unknown.slice(0, 5).map((t) => JSON.stringify(t.slice(0, 60))).join(', ')}.`, 'types');
    }
    return [...(asked ?? this.options.types)].filter((type) => {
      const family = familyOf(type);
      return family !== undefined && ctx.scopes[family.scope];
    });
  }
}
