import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { isConnectionLost, migrate, onClient, openPool, type PoolOptions } from '../store/postgres-connection.js';
import type { PostgresEventStore } from '../store/index.js';
import { toStorable } from '../store/text.js';
import type { DeliveryJob, DeliveryJobs } from './jobs.js';
import { disabledError, publicDelivery, toAttempt, toDelivery, toSubscription, type AttemptRow, type DeliveryRow, type SubscriptionRow } from './sqlite-store.js';
import { deliveriesOf, merchantOf, toldOf, topicsOf, type NewSubscription, type OutboundStore, type SellerCheck, type SubscriptionChange } from './store.js';
import type { AttemptOutcome, DeliveryAttempt, DeliveryPage, DeliveryStatus, DueDelivery, NewDelivery, SealedSecrets, TopicName, WebhookDelivery, WebhookSubscription } from './types.js';

/** Recorded in `outbound_migrations`: the event store and the vault, which may share the schema, record theirs apart. */
const MIGRATIONS = {
  table: 'outbound_migrations',
  versions: [
    {
      version: 1,
      sql: `CREATE TABLE outbound_subscriptions (
              id TEXT PRIMARY KEY,
              owner TEXT NOT NULL,
              sellers TEXT NOT NULL,
              merchant_id TEXT,
              topic TEXT NOT NULL,
              callback_url TEXT NOT NULL,
              query TEXT NOT NULL,
              enabled BOOLEAN NOT NULL DEFAULT true,
              disabled_reason TEXT,
              disabled_at TIMESTAMPTZ,
              failing_since TIMESTAMPTZ,
              key_id TEXT NOT NULL,
              sealed_secret BYTEA NOT NULL,
              previous_key_id TEXT,
              previous_sealed_secret BYTEA,
              previous_expires_at TIMESTAMPTZ,
              created_at TIMESTAMPTZ NOT NULL,
              updated_at TIMESTAMPTZ NOT NULL
            );
            CREATE INDEX outbound_subscriptions_owner ON outbound_subscriptions (owner, created_at);
            CREATE INDEX outbound_subscriptions_topic ON outbound_subscriptions (topic) WHERE enabled;
            CREATE TABLE outbound_deliveries (
              seq BIGSERIAL PRIMARY KEY,
              id TEXT NOT NULL UNIQUE,
              subscription_id TEXT NOT NULL REFERENCES outbound_subscriptions (id) ON DELETE CASCADE,
              event_id TEXT NOT NULL,
              topic TEXT NOT NULL,
              merchant_id TEXT NOT NULL,
              object_key TEXT NOT NULL,
              square_event_id TEXT,
              square_event_type TEXT,
              received_at TIMESTAMPTZ NOT NULL,
              data TEXT,
              payload TEXT,
              status TEXT NOT NULL,
              queued BOOLEAN NOT NULL DEFAULT false,
              attempts INTEGER NOT NULL DEFAULT 0,
              created_at TIMESTAMPTZ NOT NULL,
              next_attempt_at TIMESTAMPTZ,
              delivered_at TIMESTAMPTZ,
              last_status_code INTEGER,
              last_error TEXT,
              lease UUID,
              leased_until TIMESTAMPTZ,
              UNIQUE (subscription_id, event_id)
            );
            CREATE INDEX outbound_deliveries_line ON outbound_deliveries (subscription_id, object_key, seq) WHERE status IN ('PENDING', 'RETRYING');
            CREATE INDEX outbound_deliveries_log ON outbound_deliveries (subscription_id, seq);
            CREATE INDEX outbound_deliveries_due ON outbound_deliveries (next_attempt_at) WHERE queued;
            CREATE TABLE outbound_attempts (
              seq BIGSERIAL PRIMARY KEY,
              delivery_id TEXT NOT NULL REFERENCES outbound_deliveries (id) ON DELETE CASCADE,
              at TIMESTAMPTZ NOT NULL,
              status_code INTEGER,
              duration_ms INTEGER NOT NULL,
              error TEXT,
              response_body TEXT
            );
            CREATE INDEX outbound_attempts_delivery ON outbound_attempts (delivery_id, seq);`,
    },
  ],
};

const iso = (t: Date) => t.toISOString();

/**
 * Locks the lines (subscription and object) a transaction queues into, until it commits: the
 * commit that finishes a line's head and the one that adds to the line go one after the other,
 * so that a delivery added as the head finishes is queued by one of them. Several lines are
 * locked in one order; only the apply commits (one at a time) lock more than one.
 */
const LOCK_LINES = `SELECT pg_advisory_xact_lock(k) FROM (SELECT DISTINCT hashtextextended(l, 0) AS k FROM unnest($1::text[]) AS l ORDER BY 1) AS lines`;
const lineOf = (subscriptionId: string, objectKey: string) => `${subscriptionId}\n${objectKey}`;

/**
 * Outbound webhooks in PostgreSQL, beside the event store: deliveries are enqueued, with their
 * jobs, in the commit that marks Square's events applied, so each event is enqueued once across a
 * fleet, and never lost once acknowledged (the event is stored before that, and applied after).
 */
export class PostgresOutboundStore implements OutboundStore {
  private constructor(
    private readonly pool: pg.Pool,
    private readonly jobs: DeliveryJobs,
  ) {}

  static async open(options: PoolOptions & { events: PostgresEventStore; jobs: DeliveryJobs; mayActFor: SellerCheck; now?: () => Date }): Promise<PostgresOutboundStore> {
    const pool = openPool(options);
    try {
      await migrate(pool, options.schema, MIGRATIONS);
    } catch (error) {
      await pool.end();
      throw error;
    }
    const store = new PostgresOutboundStore(pool, options.jobs);
    const now = options.now ?? (() => new Date());
    options.events.onApply(async (client, applied) => {
      const told = toldOf(applied);
      if (told.length === 0) return;
      const { rows } = await client.query<SubscriptionRow<Date>>('SELECT * FROM outbound_subscriptions WHERE enabled AND topic = ANY($1::text[])', [topicsOf(told)]);
      const subscriptions = rows.map((row) => toSubscription(row, iso));
      await store.insert(client, deliveriesOf(told, subscriptions, options.mayActFor), now());
    });
    return store;
  }

  /** Inserts the deliveries, the first of each line queued unless the line already has one waiting, and adds the queued ones' jobs. */
  private async insert(client: pg.PoolClient, deliveries: readonly NewDelivery[], now: Date): Promise<void> {
    if (deliveries.length === 0) return;
    await client.query(LOCK_LINES, [deliveries.map((d) => lineOf(d.subscriptionId, toStorable(d.objectKey)))]);
    const column = <K extends keyof NewDelivery>(key: K, storable = false) =>
      deliveries.map((d) => (storable && d[key] !== null ? toStorable(String(d[key])) : d[key]));
    const { rows } = await client.query<{ id: string; queued: boolean; next_attempt_at: Date }>(
      `WITH given AS (
         SELECT *, row_number() OVER (PARTITION BY subscription_id, object_key ORDER BY n) AS place
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::timestamptz[], $10::text[])
           WITH ORDINALITY AS g(id, subscription_id, event_id, topic, merchant_id, object_key, square_event_id, square_event_type, received_at, data, n)
       )
       INSERT INTO outbound_deliveries (id, subscription_id, event_id, topic, merchant_id, object_key, square_event_id, square_event_type, received_at, data,
         status, queued, created_at, next_attempt_at)
       SELECT id, subscription_id, event_id, topic, merchant_id, object_key, square_event_id, square_event_type, received_at, data, 'PENDING',
         place = 1 AND NOT EXISTS (SELECT 1 FROM outbound_deliveries o WHERE o.subscription_id = given.subscription_id AND o.object_key = given.object_key
                                   AND o.status IN ('PENDING', 'RETRYING')),
         $11, $11
       FROM given ORDER BY n
       ON CONFLICT (subscription_id, event_id) DO NOTHING
       RETURNING id, queued, next_attempt_at`,
      [
        deliveries.map(() => `whdl_${randomUUID().replaceAll('-', '')}`),
        column('subscriptionId'),
        column('eventId'),
        column('topic'),
        column('merchantId', true),
        column('objectKey', true),
        column('squareEventId', true),
        column('squareEventType', true),
        column('receivedAt'),
        column('data'),
        now,
      ],
    );
    await this.jobs.add(client, rows.filter((row) => row.queued).map((row) => ({ id: row.id, runAt: row.next_attempt_at })));
  }

  async createSubscription(s: NewSubscription): Promise<WebhookSubscription> {
    const merchant = merchantOf(s.sellers);
    const { rows } = await this.query<SubscriptionRow<Date>>(
      `INSERT INTO outbound_subscriptions (id, owner, sellers, merchant_id, topic, callback_url, query, key_id, sealed_secret, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING *`,
      [s.id, s.owner, s.sellers.kind, merchant === null ? null : toStorable(merchant), s.topic, s.callbackUrl, s.query, s.secret.keyId, s.secret.data, s.now],
      false,
    );
    return toSubscription(rows[0]!, iso);
  }

  async subscription(id: string): Promise<WebhookSubscription | undefined> {
    const { rows } = await this.query<SubscriptionRow<Date>>('SELECT * FROM outbound_subscriptions WHERE id = $1', [id]);
    return rows[0] && toSubscription(rows[0], iso);
  }

  async subscribersOf(topic: TopicName): Promise<WebhookSubscription[]> {
    const { rows } = await this.query<SubscriptionRow<Date>>('SELECT * FROM outbound_subscriptions WHERE enabled AND topic = $1', [topic]);
    return rows.map((row) => toSubscription(row, iso));
  }

  async subscriptions(owner: string): Promise<WebhookSubscription[]> {
    const { rows } = await this.query<SubscriptionRow<Date>>('SELECT * FROM outbound_subscriptions WHERE owner = $1 ORDER BY created_at, id', [owner]);
    return rows.map((row) => toSubscription(row, iso));
  }

  async updateSubscription(id: string, change: SubscriptionChange): Promise<WebhookSubscription | undefined> {
    const { now } = change;
    await this.transaction(async (client) => {
      if (change.callbackUrl !== undefined) await client.query('UPDATE outbound_subscriptions SET callback_url = $2, updated_at = $3 WHERE id = $1', [id, change.callbackUrl, now]);
      if (change.query !== undefined) await client.query('UPDATE outbound_subscriptions SET query = $2, updated_at = $3 WHERE id = $1', [id, change.query, now]);
      if (change.rotated) {
        await client.query(
          `UPDATE outbound_subscriptions SET previous_key_id = key_id, previous_sealed_secret = sealed_secret, previous_expires_at = $4,
             key_id = $2, sealed_secret = $3, updated_at = $5 WHERE id = $1`,
          [id, change.rotated.secret.keyId, change.rotated.secret.data, change.rotated.previousExpiresAt, now],
        );
      }
      if (change.enabled?.on === true) {
        await client.query(
          'UPDATE outbound_subscriptions SET enabled = true, disabled_reason = NULL, disabled_at = NULL, failing_since = NULL, updated_at = $2 WHERE id = $1',
          [id, now],
        );
      }
      if (change.enabled?.on === false) await disable(client, id, change.enabled.reason, now);
    });
    return this.subscription(id);
  }

  async deleteSubscription(id: string): Promise<boolean> {
    const { rowCount } = await this.query('DELETE FROM outbound_subscriptions WHERE id = $1', [id], false);
    return rowCount === 1;
  }

  async secrets(id: string): Promise<SealedSecrets | undefined> {
    const { rows } = await this.query<{ key_id: string; sealed_secret: Buffer; previous_key_id: string | null; previous_sealed_secret: Buffer | null; previous_expires_at: Date | null }>(
      'SELECT key_id, sealed_secret, previous_key_id, previous_sealed_secret, previous_expires_at FROM outbound_subscriptions WHERE id = $1',
      [id],
    );
    const row = rows[0];
    if (!row) return undefined;
    const previous =
      row.previous_key_id && row.previous_sealed_secret && row.previous_expires_at
        ? { keyId: row.previous_key_id, data: row.previous_sealed_secret, expiresAt: iso(row.previous_expires_at) }
        : null;
    return { current: { keyId: row.key_id, data: row.sealed_secret }, previous };
  }

  async enqueue(deliveries: readonly NewDelivery[], now: string): Promise<void> {
    await this.transaction((client) => this.insert(client, deliveries, new Date(now)));
  }

  async claim(id: string, lease: string, now: string, leasedUntil: string): Promise<DueDelivery | undefined> {
    const { rows } = await this.query<DeliveryRow<Date>>(
      `UPDATE outbound_deliveries SET lease = $2, leased_until = $4
       WHERE id = $1 AND queued AND status IN ('PENDING', 'RETRYING') AND next_attempt_at <= $3 AND (leased_until IS NULL OR leased_until <= $3)
       RETURNING *`,
      [id, lease, now, leasedUntil],
      false,
    );
    return rows[0] && toDelivery(rows[0], iso);
  }

  async finish(id: string, lease: string, outcome: AttemptOutcome, now: string): Promise<boolean> {
    return this.transaction(async (client) => {
      const { rows } = await client.query<{ subscription_id: string; object_key: string }>(
        'UPDATE outbound_deliveries SET lease = NULL, leased_until = NULL WHERE id = $1 AND lease = $2 RETURNING subscription_id, object_key',
        [id, lease],
      );
      const line = rows[0];
      if (!line) return false;
      await client.query(LOCK_LINES, [[lineOf(line.subscription_id, line.object_key)]]);
      const { attempt } = outcome;
      await client.query('INSERT INTO outbound_attempts (delivery_id, at, status_code, duration_ms, error, response_body) VALUES ($1, $2, $3, $4, $5, $6)', [
        id,
        attempt.at,
        attempt.statusCode,
        attempt.durationMs,
        attempt.error,
        attempt.responseBody,
      ]);
      const jobs: DeliveryJob[] = [];
      if (outcome.kind === 'delivered') {
        await client.query(
          `UPDATE outbound_deliveries SET status = 'DELIVERED', queued = false, attempts = attempts + 1, delivered_at = $2, next_attempt_at = NULL,
             payload = $3, last_status_code = $4, last_error = NULL WHERE id = $1`,
          [id, now, outcome.payload, attempt.statusCode],
        );
        await client.query('UPDATE outbound_subscriptions SET failing_since = NULL WHERE id = $1 AND failing_since IS NOT NULL', [line.subscription_id]);
      } else {
        const retrying = outcome.kind === 'retry';
        await client.query(
          `UPDATE outbound_deliveries SET status = $2, queued = $3, attempts = attempts + 1, next_attempt_at = $4, payload = $5,
             last_status_code = $6, last_error = $7 WHERE id = $1`,
          [id, retrying ? 'RETRYING' : 'FAILED', retrying, retrying ? outcome.nextAttemptAt : null, outcome.payload, attempt.statusCode, attempt.error],
        );
        await client.query('UPDATE outbound_subscriptions SET failing_since = coalesce(failing_since, $2) WHERE id = $1', [line.subscription_id, attempt.at]);
        if (retrying) jobs.push({ id, runAt: new Date(outcome.nextAttemptAt) });
        else if (outcome.disable) await disable(client, line.subscription_id, outcome.disable, now);
      }
      if (outcome.kind !== 'retry') {
        const next = await client.query<{ id: string; next_attempt_at: Date }>(
          `UPDATE outbound_deliveries SET queued = true, next_attempt_at = greatest(coalesce(next_attempt_at, $3), $3)
           WHERE seq = (SELECT seq FROM outbound_deliveries WHERE subscription_id = $1 AND object_key = $2 AND status IN ('PENDING', 'RETRYING')
                        ORDER BY seq LIMIT 1) AND NOT queued
           RETURNING id, next_attempt_at`,
          [line.subscription_id, line.object_key, now],
        );
        jobs.push(...next.rows.map((row) => ({ id: row.id, runAt: row.next_attempt_at })));
      }
      await this.jobs.add(client, jobs);
      return true;
    });
  }

  async deliveries(subscriptionId: string, status: DeliveryStatus | undefined, first: number, beforeSeq: number | undefined): Promise<DeliveryPage> {
    const { rows } = await this.query<DeliveryRow<Date>>(
      `SELECT * FROM outbound_deliveries WHERE subscription_id = $1 AND seq < $2 AND ($3::text IS NULL OR status = $3) ORDER BY seq DESC LIMIT $4`,
      [subscriptionId, beforeSeq ?? Number.MAX_SAFE_INTEGER, status ?? null, first + 1],
    );
    return { deliveries: rows.slice(0, first).map((row) => publicDelivery(toDelivery(row, iso))), more: rows.length > first };
  }

  async delivery(id: string): Promise<WebhookDelivery | undefined> {
    const { rows } = await this.query<DeliveryRow<Date>>('SELECT * FROM outbound_deliveries WHERE id = $1', [id]);
    return rows[0] && publicDelivery(toDelivery(rows[0], iso));
  }

  async attempts(deliveryId: string): Promise<DeliveryAttempt[]> {
    const { rows } = await this.query<AttemptRow<Date>>('SELECT * FROM outbound_attempts WHERE delivery_id = $1 ORDER BY seq', [deliveryId]);
    return rows.map((row) => toAttempt(row, iso));
  }

  async resend(id: string, now: string): Promise<WebhookDelivery | undefined> {
    await this.transaction(async (client) => {
      const { rows } = await client.query<{ subscription_id: string; object_key: string }>('SELECT subscription_id, object_key FROM outbound_deliveries WHERE id = $1', [id]);
      if (!rows[0]) return;
      await client.query(LOCK_LINES, [[lineOf(rows[0].subscription_id, rows[0].object_key)]]);
      const again = await client.query<{ id: string; queued: boolean; next_attempt_at: Date }>(
        `UPDATE outbound_deliveries d SET status = CASE WHEN d.status IN ('DELIVERED', 'FAILED') THEN 'PENDING' ELSE d.status END,
           queued = CASE WHEN d.status IN ('PENDING', 'RETRYING') THEN d.queued
                         ELSE NOT EXISTS (SELECT 1 FROM outbound_deliveries o WHERE o.subscription_id = d.subscription_id AND o.object_key = d.object_key
                                          AND o.status IN ('PENDING', 'RETRYING')) END,
           next_attempt_at = $2, delivered_at = NULL
         WHERE d.id = $1 RETURNING d.id, d.queued, d.next_attempt_at`,
        [id, now],
      );
      await this.jobs.add(client, again.rows.filter((row) => row.queued).map((row) => ({ id: row.id, runAt: row.next_attempt_at })));
    });
    return this.delivery(id);
  }

  /**
   * Heads of lines overdue by `graceMs` and not taken: a job lost (its worker died between claiming
   * and finishing, or its finish failed) leaves one; each instance adds their jobs again now and then.
   */
  async stranded(now: Date, graceMs: number, limit: number): Promise<DeliveryJob[]> {
    const { rows } = await this.query<{ id: string }>(
      `SELECT id FROM outbound_deliveries WHERE queued AND next_attempt_at < $1 AND (leased_until IS NULL OR leased_until < $2) ORDER BY next_attempt_at LIMIT $3`,
      [new Date(now.getTime() - graceMs), now, limit],
    );
    return rows.map((row) => ({ id: row.id, runAt: now }));
  }

  /** Adds jobs outside any other work (those `stranded` found). */
  async addJobs(jobs: readonly DeliveryJob[]): Promise<void> {
    if (jobs.length > 0) await this.transaction((client) => this.jobs.add(client, jobs));
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }

  private query<R extends pg.QueryResultRow>(text: string, values: unknown[], rerun = true): Promise<pg.QueryResult<R>> {
    return onClient(this.pool, (client) => client.query<R>(text, values), { rerun });
  }

  /** A transaction, run again on a new connection when the connection was lost before its commit. */
  private transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return onClient(
      this.pool,
      async (client) => {
        await client.query('BEGIN');
        try {
          const result = await work(client);
          await client.query('COMMIT');
          return result;
        } catch (error) {
          if (!isConnectionLost(error)) await client.query('ROLLBACK');
          throw error;
        }
      },
      { rerun: false },
    );
  }
}

async function disable(client: pg.PoolClient, id: string, reason: string, now: string): Promise<void> {
  const { rowCount } = await client.query(
    'UPDATE outbound_subscriptions SET enabled = false, disabled_reason = $2, disabled_at = $3, updated_at = $3 WHERE id = $1 AND enabled',
    [id, reason, now],
  );
  if (rowCount === 1) {
    await client.query(
      `UPDATE outbound_deliveries SET status = 'FAILED', queued = false, next_attempt_at = NULL, last_error = $2 WHERE subscription_id = $1 AND status IN ('PENDING', 'RETRYING')`,
      [id, disabledError(reason)],
    );
  }
}
