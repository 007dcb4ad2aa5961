import type { Db } from './db.js';
import { errors } from './errors.js';
import { parseJson, stringifyJson } from './json.js';

/** A stored document with the insertion sequence the store assigned to it. */
export interface Stored<T> {
  seq: number;
  doc: T;
}

/**
 * One kind of Square object (customers, cards, ...) for all merchants. Documents
 * are kept as Square's wire JSON so handlers return them as they are.
 */
export class Collection<T extends object> {
  private readonly getStmt;
  private readonly insertStmt;
  private readonly updateStmt;
  private readonly deleteStmt;
  private readonly allStmt;
  private readonly merchantsStmt;

  /** `label` names the object in Square's 404 (`Gift card with ID \`…\` not found.`). */
  constructor(
    db: Db,
    readonly kind: string,
    private readonly label = kind,
  ) {
    this.getStmt = db.prepare<[string, string, string], { seq: number; doc: string }>(
      'SELECT seq, doc FROM docs WHERE merchant_id = ? AND kind = ? AND id = ?',
    );
    this.insertStmt = db.prepare('INSERT INTO docs (merchant_id, kind, id, doc) VALUES (?, ?, ?, ?)');
    this.updateStmt = db.prepare('UPDATE docs SET doc = ? WHERE merchant_id = ? AND kind = ? AND id = ?');
    this.deleteStmt = db.prepare('DELETE FROM docs WHERE merchant_id = ? AND kind = ? AND id = ?');
    this.allStmt = db.prepare<[string, string], { seq: number; doc: string }>(
      'SELECT seq, doc FROM docs WHERE merchant_id = ? AND kind = ? ORDER BY seq',
    );
    this.merchantsStmt = db.prepare<[string], { merchant_id: string }>('SELECT DISTINCT merchant_id FROM docs WHERE kind = ?');
  }

  get(merchantId: string, id: string): T | undefined {
    return this.getWithSeq(merchantId, id)?.doc;
  }

  /** The document, or Square's 404 NOT_FOUND naming the object and, when given, the request field that named it. */
  require(merchantId: string, id: string, field?: string): T {
    const doc = this.get(merchantId, id);
    if (!doc) throw errors.notFound(`${this.label} with ID \`${id}\` not found.`, field);
    return doc;
  }

  getWithSeq(merchantId: string, id: string): Stored<T> | undefined {
    const row = this.getStmt.get(merchantId, this.kind, id);
    return row && { seq: row.seq, doc: parseJson(row.doc) as T };
  }

  insert(merchantId: string, id: string, doc: T): T {
    this.insertStmt.run(merchantId, this.kind, id, stringifyJson(doc));
    return doc;
  }

  /** Replaces an existing document; returns false when there is none. */
  put(merchantId: string, id: string, doc: T): boolean {
    return this.updateStmt.run(stringifyJson(doc), merchantId, this.kind, id).changes > 0;
  }

  delete(merchantId: string, id: string): boolean {
    return this.deleteStmt.run(merchantId, this.kind, id).changes > 0;
  }

  /** Every document of this merchant, oldest first. */
  all(merchantId: string): Stored<T>[] {
    return this.allStmt.all(merchantId, this.kind).map((row) => ({ seq: row.seq, doc: parseJson(row.doc) as T }));
  }

  /** The merchants holding a document of this kind: for what no one merchant's call asks for, like a sweep. */
  merchantIds(): string[] {
    return this.merchantsStmt.all(this.kind).map((row) => row.merchant_id);
  }
}
