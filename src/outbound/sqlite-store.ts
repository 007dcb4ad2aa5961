import type Database from 'better-sqlite3';
import type { AppliedRow, SqliteEventStore } from '../store/index.js';
import { fromStorable, toStorable } from '../store/text.js';
import { deliveriesOf, merchantOf, sellersOf, toldOf, topicsOf, type NewSubscription, type OutboundStore, type SellerCheck, type SubscriptionChange } from './store.js';
import type { AttemptOutcome, DeliveryAttempt, DeliveryPage, DeliveryStatus, DueDelivery, NewDelivery, SealedSecrets, TopicName, WebhookDelivery, WebhookSubscription } from './types.js';

/** Recorded in `outbound_migrations`: the event store's file counts its own versions in `PRAGMA user_version`, the vault in `vault_migrations`. */
const MIGRATIONS = [
  `CREATE TABLE outbound_subscriptions (
     id TEXT PRIMARY KEY,
     owner TEXT NOT NULL,
     sellers TEXT NOT NULL,
     merchant_id TEXT,
     topic TEXT NOT NULL,
     callback_url TEXT NOT NULL,
     query TEXT NOT NULL,
     enabled INTEGER NOT NULL DEFAULT 1,
     disabled_reason TEXT,
     disabled_at TEXT,
     failing_since TEXT,
     key_id TEXT NOT NULL,
     sealed_secret BLOB NOT NULL,
     previous_key_id TEXT,
     previous_sealed_secret BLOB,
     previous_expires_at TEXT,
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL
   );
   CREATE INDEX outbound_subscriptions_owner ON outbound_subscriptions (owner, created_at);
   CREATE INDEX outbound_subscriptions_topic ON outbound_subscriptions (topic) WHERE enabled = 1;
   CREATE TABLE outbound_deliveries (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     id TEXT NOT NULL UNIQUE,
     subscription_id TEXT NOT NULL,
     event_id TEXT NOT NULL,
     topic TEXT NOT NULL,
     merchant_id TEXT NOT NULL,
     object_key TEXT NOT NULL,
     square_event_id TEXT,
     square_event_type TEXT,
     received_at TEXT NOT NULL,
     data TEXT,
     payload TEXT,
     status TEXT NOT NULL,
     queued INTEGER NOT NULL DEFAULT 0,
     attempts INTEGER NOT NULL DEFAULT 0,
     created_at TEXT NOT NULL,
     next_attempt_at TEXT,
     delivered_at TEXT,
     last_status_code INTEGER,
     last_error TEXT,
     lease TEXT,
     leased_until TEXT,
     UNIQUE (subscription_id, event_id)
   );
   CREATE INDEX outbound_deliveries_line ON outbound_deliveries (subscription_id, object_key, seq) WHERE status IN ('PENDING', 'RETRYING');
   CREATE INDEX outbound_deliveries_log ON outbound_deliveries (subscription_id, seq);
   CREATE INDEX outbound_deliveries_due ON outbound_deliveries (next_attempt_at) WHERE queued = 1;
   CREATE TABLE outbound_attempts (
     delivery_id TEXT NOT NULL,
     at TEXT NOT NULL,
     status_code INTEGER,
     duration_ms INTEGER NOT NULL,
     error TEXT,
     response_body TEXT
   );
   CREATE INDEX outbound_attempts_delivery ON outbound_attempts (delivery_id, at);`,
];

export interface SubscriptionRow<Time> {
  id: string;
  owner: string;
  sellers: string;
  merchant_id: string | null;
  topic: string;
  callback_url: string;
  query: string;
  enabled: number | boolean;
  disabled_reason: string | null;
  disabled_at: Time | null;
  failing_since: Time | null;
  previous_expires_at: Time | null;
  created_at: Time;
  updated_at: Time;
}

export interface DeliveryRow<Time> {
  seq: number | string;
  id: string;
  subscription_id: string;
  event_id: string;
  topic: string;
  merchant_id: string;
  object_key: string;
  square_event_id: string | null;
  square_event_type: string | null;
  received_at: Time;
  data: string | null;
  payload: string | null;
  status: string;
  attempts: number;
  created_at: Time;
  next_attempt_at: Time | null;
  delivered_at: Time | null;
  last_status_code: number | null;
  last_error: string | null;
}

export interface AttemptRow<Time> {
  at: Time;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
  response_body: string | null;
}

export function toSubscription<Time>(row: SubscriptionRow<Time>, iso: (time: Time) => string): WebhookSubscription {
  const isoOrNull = (time: Time | null) => (time === null ? null : iso(time));
  return {
    id: row.id,
    owner: row.owner,
    sellers: sellersOf(row.sellers, row.merchant_id === null ? null : fromStorable(row.merchant_id)),
    topic: row.topic as TopicName,
    callbackUrl: row.callback_url,
    query: row.query,
    enabled: Boolean(row.enabled),
    disabledReason: row.disabled_reason,
    disabledAt: isoOrNull(row.disabled_at),
    failingSince: isoOrNull(row.failing_since),
    previousSecretExpiresAt: isoOrNull(row.previous_expires_at),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

export function toDelivery<Time>(row: DeliveryRow<Time>, iso: (time: Time) => string): DueDelivery {
  const isoOrNull = (time: Time | null) => (time === null ? null : iso(time));
  return {
    id: row.id,
    seq: Number(row.seq),
    subscriptionId: row.subscription_id,
    eventId: row.event_id,
    topic: row.topic as TopicName,
    merchantId: fromStorable(row.merchant_id),
    objectKey: fromStorable(row.object_key),
    squareEventId: row.square_event_id === null ? null : fromStorable(row.square_event_id),
    squareEventType: row.square_event_type === null ? null : fromStorable(row.square_event_type),
    receivedAt: iso(row.received_at),
    data: row.data,
    payload: row.payload,
    status: row.status as DeliveryStatus,
    attempts: row.attempts,
    createdAt: iso(row.created_at),
    nextAttemptAt: isoOrNull(row.next_attempt_at),
    deliveredAt: isoOrNull(row.delivered_at),
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
  };
}

/** Without the fields only a worker needs. */
export function publicDelivery({ squareEventType: _type, data: _data, payload: _payload, receivedAt: _at, ...delivery }: DueDelivery): WebhookDelivery {
  return delivery;
}

export const toAttempt = <Time>(row: AttemptRow<Time>, iso: (time: Time) => string): DeliveryAttempt => ({
  at: iso(row.at),
  statusCode: row.status_code,
  durationMs: row.duration_ms,
  error: row.error,
  responseBody: row.response_body,
});

/** Reason given to a subscription's deliveries not yet made when it is disabled. */
export const disabledError = (reason: string) => `The subscription was disabled: ${reason}`;

const same = (t: string) => t;

/**
 * Outbound webhooks in the event store's SQLite file, on its very connection: deliveries are
 * enqueued in the commit that marks Square's events applied. The table is the queue too: the one
 * instance a SQLite store serves polls it for due heads of lines (SqliteDeliveryQueue).
 */
export class SqliteOutboundStore implements OutboundStore {
  private readonly db: Database.Database;
  private readonly statements;

  constructor(events: SqliteEventStore, mayActFor: SellerCheck, now: () => Date = () => new Date()) {
    this.db = events.database;
    this.migrate();
    const db = this.db;
    this.statements = {
      insertSubscription: db.prepare(
        `INSERT INTO outbound_subscriptions (id, owner, sellers, merchant_id, topic, callback_url, query, key_id, sealed_secret, created_at, updated_at)
         VALUES (:id, :owner, :sellers, :merchant, :topic, :url, :query, :keyId, :sealed, :now, :now)`,
      ),
      subscription: db.prepare<[string], SubscriptionRow<string>>('SELECT * FROM outbound_subscriptions WHERE id = ?'),
      subscriptions: db.prepare<[string], SubscriptionRow<string>>('SELECT * FROM outbound_subscriptions WHERE owner = ? ORDER BY created_at, id'),
      byTopic: db.prepare<[string], SubscriptionRow<string>>('SELECT * FROM outbound_subscriptions WHERE enabled = 1 AND topic IN (SELECT value FROM json_each(?))'),
      secrets: db.prepare<[string], { key_id: string; sealed_secret: Buffer; previous_key_id: string | null; previous_sealed_secret: Buffer | null; previous_expires_at: string | null }>(
        'SELECT key_id, sealed_secret, previous_key_id, previous_sealed_secret, previous_expires_at FROM outbound_subscriptions WHERE id = ?',
      ),
      insertDelivery: db.prepare(
        `INSERT INTO outbound_deliveries (id, subscription_id, event_id, topic, merchant_id, object_key, square_event_id, square_event_type, received_at, data,
           status, queued, created_at, next_attempt_at)
         SELECT :id, :subscription, :event, :topic, :merchant, :object, :squareEvent, :squareType, :received, :data, 'PENDING',
           NOT EXISTS (SELECT 1 FROM outbound_deliveries WHERE subscription_id = :subscription AND object_key = :object AND status IN ('PENDING', 'RETRYING')),
           :now, :now
         WHERE true ON CONFLICT (subscription_id, event_id) DO NOTHING`,
      ),
      claim: db.prepare<{ id: string; lease: string; now: string; until: string }, DeliveryRow<string>>(
        `UPDATE outbound_deliveries SET lease = :lease, leased_until = :until
         WHERE id = :id AND queued = 1 AND status IN ('PENDING', 'RETRYING') AND next_attempt_at <= :now AND (leased_until IS NULL OR leased_until <= :now)
         RETURNING *`,
      ),
      release: db.prepare<{ id: string; lease: string }, { subscription_id: string; object_key: string }>(
        'UPDATE outbound_deliveries SET lease = NULL, leased_until = NULL WHERE id = :id AND lease = :lease RETURNING subscription_id, object_key',
      ),
      attempt: db.prepare('INSERT INTO outbound_attempts (delivery_id, at, status_code, duration_ms, error, response_body) VALUES (?, ?, ?, ?, ?, ?)'),
      delivered: db.prepare(
        `UPDATE outbound_deliveries SET status = 'DELIVERED', queued = 0, attempts = attempts + 1, delivered_at = :now, next_attempt_at = NULL,
           payload = :payload, last_status_code = :code, last_error = NULL WHERE id = :id`,
      ),
      retry: db.prepare(
        `UPDATE outbound_deliveries SET status = 'RETRYING', attempts = attempts + 1, next_attempt_at = :next, payload = :payload,
           last_status_code = :code, last_error = :error WHERE id = :id`,
      ),
      failed: db.prepare(
        `UPDATE outbound_deliveries SET status = 'FAILED', queued = 0, attempts = attempts + 1, next_attempt_at = NULL, payload = :payload,
           last_status_code = :code, last_error = :error WHERE id = :id`,
      ),
      queueNext: db.prepare<{ subscription: string; object: string; now: string }>(
        `UPDATE outbound_deliveries SET queued = 1, next_attempt_at = max(coalesce(next_attempt_at, :now), :now)
         WHERE seq = (SELECT seq FROM outbound_deliveries WHERE subscription_id = :subscription AND object_key = :object AND status IN ('PENDING', 'RETRYING')
                      ORDER BY seq LIMIT 1) AND queued = 0`,
      ),
      succeeded: db.prepare('UPDATE outbound_subscriptions SET failing_since = NULL WHERE id = ?'),
      failing: db.prepare('UPDATE outbound_subscriptions SET failing_since = coalesce(failing_since, :at) WHERE id = :id'),
      disable: db.prepare(
        `UPDATE outbound_subscriptions SET enabled = 0, disabled_reason = :reason, disabled_at = :now, updated_at = :now WHERE id = :id AND enabled = 1`,
      ),
      failRest: db.prepare(
        `UPDATE outbound_deliveries SET status = 'FAILED', queued = 0, next_attempt_at = NULL, last_error = :error
         WHERE subscription_id = :id AND status IN ('PENDING', 'RETRYING')`,
      ),
      enable: db.prepare(
        `UPDATE outbound_subscriptions SET enabled = 1, disabled_reason = NULL, disabled_at = NULL, failing_since = NULL, updated_at = :now WHERE id = :id`,
      ),
      setUrl: db.prepare('UPDATE outbound_subscriptions SET callback_url = :url, updated_at = :now WHERE id = :id'),
      setQuery: db.prepare('UPDATE outbound_subscriptions SET query = :query, updated_at = :now WHERE id = :id'),
      rotate: db.prepare(
        `UPDATE outbound_subscriptions SET previous_key_id = key_id, previous_sealed_secret = sealed_secret, previous_expires_at = :expires,
           key_id = :keyId, sealed_secret = :sealed, updated_at = :now WHERE id = :id`,
      ),
      deleteAttempts: db.prepare('DELETE FROM outbound_attempts WHERE delivery_id IN (SELECT id FROM outbound_deliveries WHERE subscription_id = ?)'),
      deleteDeliveries: db.prepare('DELETE FROM outbound_deliveries WHERE subscription_id = ?'),
      deleteSubscription: db.prepare('DELETE FROM outbound_subscriptions WHERE id = ?'),
      page: db.prepare<{ id: string; status: string | null; before: number; limit: number }, DeliveryRow<string>>(
        `SELECT * FROM outbound_deliveries WHERE subscription_id = :id AND seq < :before AND (:status IS NULL OR status = :status)
         ORDER BY seq DESC LIMIT :limit`,
      ),
      delivery: db.prepare<[string], DeliveryRow<string>>('SELECT * FROM outbound_deliveries WHERE id = ?'),
      attempts: db.prepare<[string], AttemptRow<string>>('SELECT * FROM outbound_attempts WHERE delivery_id = ? ORDER BY at, rowid'),
      again: db.prepare(
        `UPDATE outbound_deliveries SET status = CASE WHEN status IN ('DELIVERED', 'FAILED') THEN 'PENDING' ELSE status END,
           queued = CASE WHEN status IN ('PENDING', 'RETRYING') THEN queued
                         ELSE NOT EXISTS (SELECT 1 FROM outbound_deliveries o WHERE o.subscription_id = outbound_deliveries.subscription_id
                                          AND o.object_key = outbound_deliveries.object_key AND o.status IN ('PENDING', 'RETRYING')) END,
           next_attempt_at = :now, delivered_at = NULL
         WHERE id = :id`,
      ),
      due: db.prepare<{ now: string; limit: number }, { id: string }>(
        `SELECT id FROM outbound_deliveries WHERE queued = 1 AND next_attempt_at <= :now AND (leased_until IS NULL OR leased_until <= :now)
         ORDER BY next_attempt_at LIMIT :limit`,
      ),
      nextDue: db.prepare<[], { at: string | null }>('SELECT min(coalesce(leased_until, next_attempt_at)) AS at FROM outbound_deliveries WHERE queued = 1'),
    };
    events.onApply((_db, applied) => this.insert(this.fannedOut(applied, mayActFor), now().toISOString()));
  }

  private migrate(): void {
    this.db
      .transaction(() => {
        this.db.exec('CREATE TABLE IF NOT EXISTS outbound_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
        const applied = new Set(this.db.prepare<[], { version: number }>('SELECT version FROM outbound_migrations').all().map((row) => row.version));
        MIGRATIONS.forEach((sql, index) => {
          if (applied.has(index + 1)) return;
          this.db.exec(sql);
          this.db.prepare('INSERT INTO outbound_migrations (version, applied_at) VALUES (?, ?)').run(index + 1, new Date().toISOString());
        });
      })
      .immediate();
  }

  private fannedOut(applied: readonly AppliedRow[], mayActFor: SellerCheck): NewDelivery[] {
    const told = toldOf(applied);
    if (told.length === 0) return [];
    const subscriptions = this.statements.byTopic.all(JSON.stringify(topicsOf(told))).map((row) => toSubscription(row, same));
    return deliveriesOf(told, subscriptions, mayActFor);
  }

  private insert(deliveries: readonly NewDelivery[], now: string): void {
    for (const d of deliveries) {
      this.statements.insertDelivery.run({
        id: `whdl_${crypto.randomUUID().replaceAll('-', '')}`,
        subscription: d.subscriptionId,
        event: d.eventId,
        topic: d.topic,
        merchant: toStorable(d.merchantId),
        object: toStorable(d.objectKey),
        squareEvent: d.squareEventId === null ? null : toStorable(d.squareEventId),
        squareType: d.squareEventType === null ? null : toStorable(d.squareEventType),
        received: d.receivedAt,
        data: d.data,
        now,
      });
    }
  }

  async createSubscription(s: NewSubscription): Promise<WebhookSubscription> {
    this.statements.insertSubscription.run({
      id: s.id,
      owner: s.owner,
      sellers: s.sellers.kind,
      merchant: merchantOf(s.sellers) === null ? null : toStorable(merchantOf(s.sellers)!),
      topic: s.topic,
      url: s.callbackUrl,
      query: s.query,
      keyId: s.secret.keyId,
      sealed: s.secret.data,
      now: s.now,
    });
    return (await this.subscription(s.id))!;
  }

  async subscription(id: string): Promise<WebhookSubscription | undefined> {
    const row = this.statements.subscription.get(id);
    return row && toSubscription(row, same);
  }

  async subscribersOf(topic: TopicName): Promise<WebhookSubscription[]> {
    return this.statements.byTopic.all(JSON.stringify([topic])).map((row) => toSubscription(row, same));
  }

  async subscriptions(owner: string): Promise<WebhookSubscription[]> {
    return this.statements.subscriptions.all(owner).map((row) => toSubscription(row, same));
  }

  async updateSubscription(id: string, change: SubscriptionChange): Promise<WebhookSubscription | undefined> {
    const { now } = change;
    this.db.transaction(() => {
      if (change.callbackUrl !== undefined) this.statements.setUrl.run({ id, url: change.callbackUrl, now });
      if (change.query !== undefined) this.statements.setQuery.run({ id, query: change.query, now });
      if (change.rotated) this.statements.rotate.run({ id, keyId: change.rotated.secret.keyId, sealed: change.rotated.secret.data, expires: change.rotated.previousExpiresAt, now });
      if (change.enabled?.on === true) this.statements.enable.run({ id, now });
      if (change.enabled?.on === false) this.disable(id, change.enabled.reason, now);
    })();
    return this.subscription(id);
  }

  private disable(id: string, reason: string, now: string): void {
    if (this.statements.disable.run({ id, reason, now }).changes === 1) this.statements.failRest.run({ id, error: disabledError(reason) });
  }

  async deleteSubscription(id: string): Promise<boolean> {
    return this.db.transaction(() => {
      this.statements.deleteAttempts.run(id);
      this.statements.deleteDeliveries.run(id);
      return this.statements.deleteSubscription.run(id).changes === 1;
    })();
  }

  async secrets(id: string): Promise<SealedSecrets | undefined> {
    const row = this.statements.secrets.get(id);
    if (!row) return undefined;
    const previous =
      row.previous_key_id && row.previous_sealed_secret && row.previous_expires_at
        ? { keyId: row.previous_key_id, data: row.previous_sealed_secret, expiresAt: row.previous_expires_at }
        : null;
    return { current: { keyId: row.key_id, data: row.sealed_secret }, previous };
  }

  async enqueue(deliveries: readonly NewDelivery[], now: string): Promise<void> {
    this.db.transaction(() => this.insert(deliveries, now)).immediate();
  }

  async claim(id: string, lease: string, now: string, leasedUntil: string): Promise<DueDelivery | undefined> {
    const row = this.statements.claim.get({ id, lease, now, until: leasedUntil });
    return row && toDelivery(row, same);
  }

  async finish(id: string, lease: string, outcome: AttemptOutcome, now: string): Promise<boolean> {
    return this.db
      .transaction(() => {
        const line = this.statements.release.get({ id, lease });
        if (!line) return false;
        const { attempt } = outcome;
        this.statements.attempt.run(id, attempt.at, attempt.statusCode, attempt.durationMs, attempt.error, attempt.responseBody);
        const result = { id, payload: outcome.payload, code: attempt.statusCode, error: attempt.error, now };
        if (outcome.kind === 'delivered') {
          this.statements.delivered.run(result);
          this.statements.succeeded.run(line.subscription_id);
        } else if (outcome.kind === 'retry') {
          this.statements.retry.run({ ...result, next: outcome.nextAttemptAt });
          this.statements.failing.run({ id: line.subscription_id, at: attempt.at });
        } else {
          this.statements.failed.run(result);
          this.statements.failing.run({ id: line.subscription_id, at: attempt.at });
          if (outcome.disable) this.disable(line.subscription_id, outcome.disable, now);
        }
        if (outcome.kind !== 'retry') this.statements.queueNext.run({ subscription: line.subscription_id, object: line.object_key, now });
        return true;
      })
      .immediate();
  }

  async deliveries(subscriptionId: string, status: DeliveryStatus | undefined, first: number, beforeSeq: number | undefined): Promise<DeliveryPage> {
    const rows = this.statements.page.all({ id: subscriptionId, status: status ?? null, before: beforeSeq ?? Number.MAX_SAFE_INTEGER, limit: first + 1 });
    return { deliveries: rows.slice(0, first).map((row) => publicDelivery(toDelivery(row, same))), more: rows.length > first };
  }

  async delivery(id: string): Promise<WebhookDelivery | undefined> {
    const row = this.statements.delivery.get(id);
    return row && publicDelivery(toDelivery(row, same));
  }

  async attempts(deliveryId: string): Promise<DeliveryAttempt[]> {
    return this.statements.attempts.all(deliveryId).map((row) => toAttempt(row, same));
  }

  async resend(id: string, now: string): Promise<WebhookDelivery | undefined> {
    this.statements.again.run({ id, now });
    return this.delivery(id);
  }

  /** Ids of the heads of lines due now and not taken: what the one instance's poller attempts next. */
  dueIds(now: string, limit: number): string[] {
    return this.statements.due.all({ now, limit }).map((row) => row.id);
  }

  /** When the next head of a line falls due (or its lease runs out); undefined when none waits. */
  nextDueAt(): string | undefined {
    return this.statements.nextDue.get()?.at ?? undefined;
  }

  async close(): Promise<void> {
    // The connection is the event store's: it closes it.
  }
}
