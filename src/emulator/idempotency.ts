import type { Db } from './db.js';
import { SquareApiError, errors } from './errors.js';
import { sha256 } from './ids.js';
import { parseJson, stringifyJson } from './json.js';

export interface Reply {
  status: number;
  body: unknown;
}

/**
 * Square's idempotency: the first request under a key decides the answer for every
 * later one. Same key and same body → the stored answer, nothing new created; same
 * key, other body → IDEMPOTENCY_KEY_REUSED. Keys are scoped per merchant and endpoint
 * and never expire. Answers that created something are stored, including declines,
 * which record a FAILED payment; rejections that changed nothing are not, so a
 * corrected request may reuse its key.
 */
export class IdempotencyLedger {
  private readonly findStmt;
  private readonly saveStmt;

  constructor(private readonly db: Db) {
    this.findStmt = db.prepare<[string, string, string], { fingerprint: string; status: number; response: string }>(
      'SELECT fingerprint, status, response FROM idempotency WHERE merchant_id = ? AND endpoint = ? AND key = ?',
    );
    this.saveStmt = db.prepare(
      'INSERT INTO idempotency (merchant_id, endpoint, key, fingerprint, status, response) VALUES (?, ?, ?, ?, ?, ?)',
    );
  }

  /** Runs `create` once per (merchant, endpoint, key) inside one transaction. */
  run(merchantId: string, endpoint: string, key: string, request: unknown, create: () => Reply): Reply {
    const fingerprint = sha256(canonicalJson(request));
    return this.db.transaction((): Reply => {
      const prior = this.findStmt.get(merchantId, endpoint, key);
      if (prior) {
        if (prior.fingerprint !== fingerprint) throw errors.idempotencyKeyReused();
        return { status: prior.status, body: parseJson(prior.response) };
      }
      let reply: Reply;
      try {
        reply = create();
      } catch (error) {
        if (!(error instanceof SquareApiError) || !error.recorded) throw error;
        reply = { status: error.status, body: error.toBody() };
      }
      this.saveStmt.run(merchantId, endpoint, key, fingerprint, reply.status, stringifyJson(reply.body));
      return reply;
    })();
  }
}

/** JSON with sorted keys, so that the same request always has the same fingerprint. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'bigint'
      ? `${v}n`
      : v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}
