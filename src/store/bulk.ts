/** Where a bulk operation stands (Shopify's BulkOperationStatus, without its CANCELING and EXPIRED). */
export type BulkStatus = 'CREATED' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELED';

/** The statuses of an operation still to be run (or being run): they count against the limits. */
export const ACTIVE_STATUSES: readonly BulkStatus[] = ['CREATED', 'RUNNING'];

/** A bulk operation as the store keeps it, with its progress; its file is the chunks appended to it. */
export interface BulkOperationRecord {
  id: string;
  /** The seller's key (tokenKey of its token) and Square's id of the seller. */
  seller: string;
  merchantId: string;
  /** The SHA-256 of the API key that started it; null without keys. */
  keySha256: string | null;
  query: string;
  /** A passthrough caller's Square token, sealed (src/bulk/secrets.ts); null when the gateway's own token serves it. */
  sealedToken: string | null;
  status: BulkStatus;
  errorCode: string | null;
  errorMessage: string | null;
  /** ISO 8601. */
  createdAt: string;
  completedAt: string | null;
  /** Lines written, root objects among them, and the file's size in bytes. */
  objectCount: number;
  rootObjectCount: number;
  fileSize: number;
  /** The runner's checkpoint after the last chunk: where to go on from (src/bulk/runner.ts); null before the first. */
  progress: string | null;
  /** The change feed's position when it was created (EventStore.lastAppliedSequence): follow the feed from there. */
  changesCursor: number;
}

export type NewBulkOperation = Pick<BulkOperationRecord, 'id' | 'seller' | 'merchantId' | 'keySha256' | 'query' | 'sealedToken' | 'changesCursor'>;

/** How many operations may be CREATED or RUNNING at once. */
export interface BulkLimits {
  perSeller: number;
  perKey: number;
}

export type Created = { created: BulkOperationRecord } | { limited: 'seller' | 'key'; limit: number };

/** What one step of a run adds: its lines (each ending in a newline; none for a step that found nothing) and its checkpoint. */
export interface BulkChunk {
  lines: string;
  objects: number;
  rootObjects: number;
  bytes: number;
  progress: string;
}

export type BulkOutcome = { status: 'COMPLETED' } | { status: 'FAILED'; code: string; message: string };

/**
 * Bulk operations and their files, in the gateway's store (SQLite or PostgreSQL) so that any
 * instance can answer an operation's status and serve its file, and a run resumes after a
 * crash from its last checkpoint. One instance runs an operation at a time: it holds a lease,
 * renewed while it runs, and each chunk is appended together with its checkpoint in one
 * commit, only while the lease is still the instance's; an instance that lost it (another
 * claimed the operation after the lease ran out, or it was canceled) can write nothing more.
 */
export interface BulkStore {
  /** Creates the operation unless the seller or the key already has `limits` of them CREATED or RUNNING (checked and inserted atomically). */
  create(operation: NewBulkOperation, limits: BulkLimits): Promise<Created>;
  operation(id: string): Promise<BulkOperationRecord | undefined>;
  /** The most recent operation of the seller started with this key (null: without a key). */
  latest(seller: string, keySha256: string | null): Promise<BulkOperationRecord | undefined>;
  /**
   * Takes the lease of an operation to run, for `leaseMs`, and marks it RUNNING: the one named, or the
   * oldest CREATED or RUNNING one whose lease has run out (its instance stopped or crashed); undefined when none.
   */
  claim(owner: string, leaseMs: number, id?: string): Promise<BulkOperationRecord | undefined>;
  /** Extends the owner's lease; false when the operation is no longer the owner's to run (canceled, or claimed by another). */
  renew(id: string, owner: string, leaseMs: number): Promise<boolean>;
  /** Appends a chunk and its checkpoint in one commit, and extends the lease; false (nothing written) when the run is no longer the owner's. */
  append(id: string, owner: string, leaseMs: number, chunk: BulkChunk): Promise<boolean>;
  /** Ends the owner's run; the operation as it ends, or undefined when it was no longer the owner's. */
  finish(id: string, owner: string, outcome: BulkOutcome): Promise<BulkOperationRecord | undefined>;
  /** Makes it CANCELED if it was CREATED or RUNNING: the operation as this call canceled it; undefined when it did not. */
  cancel(id: string): Promise<BulkOperationRecord | undefined>;
  /** The file's chunks from the `from`-th on, at most `limit` of them, in order. */
  chunks(id: string, from: number, limit: number): Promise<string[]>;
  /**
   * Ended operations whose end was not yet marked published (endPublished), that ended before `before`: an
   * instance that stopped, or a store that failed, between recording an end and publishing it leaves them.
   */
  unpublishedEnds(before: Date, limit: number): Promise<BulkOperationRecord[]>;
  /** Records that the operation's end was published (to outbound webhooks, where the gateway delivers them). */
  endPublished(id: string): Promise<void>;
  /** Deletes the operations that ended before `before`, with their files; returns how many. */
  expire(before: Date): Promise<number>;
  close(): Promise<void>;
}
