import type { FastifyReply } from 'fastify';
import type { Db } from './db.js';
import { SquareApiError, errors } from './errors.js';
import { sha256 } from './ids.js';
import { parseJson, stringifyJson } from './json.js';

/** Whose key it is and what it was sent with: keys are scoped per merchant and endpoint. */
export interface IdempotencyScope {
  merchantId: string;
  endpoint: string;
  key: string | null | undefined;
  /** What the key was sent with; another request under the same key is IDEMPOTENCY_KEY_REUSED. */
  request: unknown;
}

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

  /**
   * A write's answer: through `run` under its key, or, where Square makes the key optional
   * and none is given, once in a transaction. `create` gives the 200 body.
   */
  answer(scope: IdempotencyScope, create: () => unknown): Reply {
    const make = (): Reply => ({ status: 200, body: create() });
    return scope.key ? this.run(scope.merchantId, scope.endpoint, scope.key, scope.request, make) : this.db.transaction(make)();
  }

  /** Sends `answer`'s reply: the stored status and body of the first request under the key. */
  send(reply: FastifyReply, scope: IdempotencyScope, create: () => unknown): FastifyReply {
    const result = this.answer(scope, create);
    return reply.code(result.status).send(result.body);
  }

  /** Runs `create` once per (merchant, endpoint, key) inside one transaction. */
  private run(merchantId: string, endpoint: string, key: string, request: unknown, create: () => Reply): Reply {
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
