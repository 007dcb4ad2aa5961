import { fromStorable } from './text.js';

/** The fields of a Square webhook envelope that the store keys and indexes events by. */
export interface EventEnvelope {
  event_id: string;
  merchant_id: string;
  type: string;
}

/**
 * An event as stored: the raw body exactly as received (its signature can be checked again),
 * when it was applied, and its failed attempts to apply. The body is kept as text: the receiver
 * accepts only UTF-8 JSON, whose text cannot hold U+0000 or a lone surrogate (in strings they
 * are `\u` escapes), so any body that passed the signature check stores byte for byte.
 */
export interface StoredEvent {
  eventId: string;
  merchantId: string;
  type: string;
  /** ISO 8601. */
  receivedAt: string;
  rawBody: string;
  /** ISO 8601; null while the event waits to be applied. */
  appliedAt: string | null;
  /** Failed attempts to apply it. */
  attempts: number;
  lastError: string | null;
  /** ISO 8601; after a failed attempt, when the event is due again. */
  nextAttemptAt: string | null;
  /** ISO 8601; set once it failed too often, and then never tried again. */
  parkedAt: string | null;
}

/**
 * An event as the commit that marks it applied sees it: what work done in that same commit
 * (exactly once per event across a fleet, e.g. outbound webhooks enqueued) is told.
 */
export interface AppliedRow {
  eventId: string;
  merchantId: string;
  type: string;
  rawBody: string;
  /** ISO 8601: when the event reached the gateway. */
  receivedAt: string;
  sequence: number;
}

/** An applied event as replayed to live update subscribers. */
export interface AppliedEventRecord {
  sequence: number;
  eventId: string;
  type: string;
  rawBody: string;
  /** ISO 8601. */
  appliedAt: string;
}

/**
 * The gateway's durable memory of Square's webhook stream: every event by its id, and
 * the customer merges they told of. Seller-scoped throughout: a customer id means
 * something only within its merchant.
 */
export interface EventStore {
  /** Stores the event unless its id is already stored (one atomic insert-if-absent). */
  recordEvent(event: EventEnvelope, rawBody: string): Promise<'new' | 'duplicate'>;
  /** Events due to be applied, oldest first: not applied, not parked, and not waiting out a retry's backoff. */
  pendingEvents(limit: number): Promise<StoredEvent[]>;
  /**
   * Marks the events applied, in one commit; returns those this call marked (another instance
   * may race to the same events, and only one marks each), each with its applied sequence:
   * numbers that grow with every commit of any instance, in the given order within a call, so
   * that "after n" names exactly the events applied since n (see `appliedAfter`).
   */
  markApplied(eventIds: readonly string[]): Promise<Map<string, number>>;
  /**
   * The seller's events applied after the given sequence, in the order applied, at most `limit`, and with
   * `types` only those of these types: what a live update subscriber missed, a page of the change feed.
   */
  appliedAfter(merchantId: string, sequence: number, limit: number, types?: readonly string[]): Promise<AppliedEventRecord[]>;
  /** The sequence of the last event applied, 0 before any: where a change feed begun now starts after. */
  lastAppliedSequence(): Promise<number>;
  /** The sequence of the oldest applied event still kept; undefined when none is (see `pruneApplied`). */
  oldestAppliedSequence(): Promise<number | undefined>;
  /**
   * Forgets the events applied before `before` (the change feed's retention), all but the last one applied,
   * whose sequence the next ones follow; events not applied yet, or parked, stay. Returns how many went.
   */
  pruneApplied(before: Date): Promise<number>;
  /** Counts a failed attempt to apply the event, with its error: due again in `retryInMs`, or parked when undefined. */
  recordFailure(eventId: string, error: string, retryInMs: number | undefined): Promise<void>;
  /** Milliseconds until the earliest failed event is due again (0 when one is due now); undefined when none waits. */
  nextRetryInMs(): Promise<number | undefined>;
  /** Parked events (failed too often, no longer applied), oldest first. */
  parkedEvents(limit: number): Promise<StoredEvent[]>;
  event(eventId: string): Promise<StoredEvent | undefined>;
  /** Records `fromIds → toId`; recording the same merge again changes nothing. */
  recordMerge(merchantId: string, fromIds: readonly string[], toId: string, eventId: string): Promise<void>;
  /**
   * For each of `customerIds` (all in one query, so a page of customers costs one round
   * trip): every id merged, directly or through earlier merges, into it, in the order
   * the merges were recorded; an empty list for a customer nothing was merged into.
   */
  mergedFrom(merchantId: string, customerIds: readonly string[]): Promise<Map<string, string[]>>;
  /** The profile that `customerId` finally lives on as, following merges forward; undefined when it was never merged away. */
  mergedInto(merchantId: string, customerId: string): Promise<string | undefined>;
  close(): Promise<void>;
}

/** Longest merge chain followed forward; Square's merges make new ids, so a real chain is short and acyclic. */
export const MAX_MERGE_DEPTH = 100;

/** An event row as both stores keep it; the timestamp type is the driver's (Date in pg, ISO text in SQLite). */
export interface EventRow<Time> {
  event_id: string;
  merchant_id: string;
  type: string;
  received_at: Time;
  raw_body: string;
  applied_at: Time | null;
  attempts: number;
  last_error: string | null;
  next_attempt_at: Time | null;
  parked_at: Time | null;
}

/** The rows of a lineage query (one per root and ancestor, ids as stored) grouped per asked-for customer. */
export function lineagesOf(customerIds: readonly string[], rows: ReadonlyArray<{ root: string; id: string }>): Map<string, string[]> {
  const lineages = new Map<string, string[]>(customerIds.map((id) => [id, []]));
  for (const row of rows) lineages.get(fromStorable(row.root))?.push(fromStorable(row.id));
  return lineages;
}

export function toStoredEvent<Time>(row: EventRow<Time>, iso: (time: Time) => string): StoredEvent {
  const isoOrNull = (time: Time | null) => (time === null ? null : iso(time));
  return {
    eventId: fromStorable(row.event_id),
    merchantId: fromStorable(row.merchant_id),
    type: fromStorable(row.type),
    receivedAt: iso(row.received_at),
    rawBody: row.raw_body,
    appliedAt: isoOrNull(row.applied_at),
    attempts: row.attempts,
    lastError: row.last_error === null ? null : fromStorable(row.last_error),
    nextAttemptAt: isoOrNull(row.next_attempt_at),
    parkedAt: isoOrNull(row.parked_at),
  };
}

/** The columns of an applied event that a replay reads. */
export interface ReplayRow<Time = string> {
  applied_seq: number | string;
  event_id: string;
  type: string;
  raw_body: string;
  applied_at: Time;
}

export function toAppliedRecord<Time>(row: ReplayRow<Time>, iso: (time: Time) => string): AppliedEventRecord {
  // PostgreSQL's BIGINT arrives as text; a sequence stays far below 2^53.
  return { sequence: Number(row.applied_seq), eventId: fromStorable(row.event_id), type: fromStorable(row.type), rawBody: row.raw_body, appliedAt: iso(row.applied_at) };
}
