import type Database from 'better-sqlite3';
import { INDEXED_PATHS, type Db } from './db.js';
import { errors } from './errors.js';
import { parseJson, stringifyJson } from './json.js';

/** A stored document with the insertion sequence the store assigned to it. */
export interface Stored<T> {
  seq: number;
  doc: T;
}

/** A path into a document, written in the code (never taken from a request): `$.customer_id`. */
export type DocPath = `$.${string}`;

const DOC_PATH = /^\$(\.[a-z_]+)+$/;

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
  /** Statements of `where`, `fieldWhere` and `containing`, by their SQL: a few per collection, each prepared once. */
  private readonly filtered = new Map<string, Database.Statement<[string, string, string], unknown>>();

  /** `label` names the object in Square's 404 (`Gift card with ID \`…\` not found.`). */
  constructor(
    private readonly db: Db,
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

  /**
   * The merchant's documents whose value at `path` is one of `values`, oldest first. SQLite
   * picks them (through an index where plumbing/db.ts keeps one, as for `$.customer_id`), so
   * that a seller with thousands of objects parses only those asked for.
   */
  where(merchantId: string, path: DocPath, values: readonly string[]): Stored<T>[] {
    // Named, since without the statistics of an ANALYZE SQLite prefers the index by kind and seq (the order asked for).
    return this.selected(this.inValues(path), merchantId, values, INDEXED_PATHS[path]);
  }

  /** The value at `field` of the merchant's documents whose value at `path` is one of `values`, read by SQLite: no document is parsed. */
  fieldWhere(merchantId: string, path: DocPath, values: readonly string[], field: DocPath): string[] {
    const rows = this.rows<{ value: unknown }>(`json_extract(doc, '${checked(field)}') AS value`, this.inValues(path), merchantId, values, INDEXED_PATHS[path]);
    return rows.flatMap((row) => (typeof row.value === 'string' ? [row.value] : []));
  }

  /** The merchant's documents with these ids, oldest first. */
  byIds(merchantId: string, ids: readonly string[]): Stored<T>[] {
    return this.selected('id IN (SELECT value FROM json_each(?))', merchantId, ids);
  }

  /** The merchant's documents whose list at `path` holds one of `values` (with `field`: an element whose `field` is one of them), oldest first. */
  containing(merchantId: string, path: DocPath, values: readonly string[], field?: string): Stored<T>[] {
    const element = field === undefined ? 'e.value' : `json_extract(e.value, '${checked(`$.${field}`)}')`;
    return this.selected(`EXISTS (SELECT 1 FROM json_each(doc, '${checked(path)}') e WHERE ${element} IN (SELECT value FROM json_each(?)))`, merchantId, values);
  }

  private selected(condition: string, merchantId: string, values: readonly string[], index?: string): Stored<T>[] {
    return this.rows<{ seq: number; doc: string }>('seq, doc', condition, merchantId, values, index).map((row) => ({ seq: row.seq, doc: parseJson(row.doc) as T }));
  }

  /** The condition that the value at `path` is one of the values bound as JSON. */
  private inValues(path: DocPath): string {
    return `json_extract(doc, '${checked(path)}') IN (SELECT value FROM json_each(?))`;
  }

  private rows<R>(columns: string, condition: string, merchantId: string, values: readonly string[], index?: string): R[] {
    const sql = `SELECT ${columns} FROM docs ${index ? `INDEXED BY ${index} ` : ''}WHERE merchant_id = ? AND kind = ? AND ${condition} ORDER BY seq`;
    let statement = this.filtered.get(sql);
    if (!statement) this.filtered.set(sql, (statement = this.db.prepare(sql)));
    return statement.all(merchantId, this.kind, JSON.stringify(values)) as R[];
  }

  /** The merchants holding a document of this kind: for what no one merchant's call asks for, like a sweep. */
  merchantIds(): string[] {
    return this.merchantsStmt.all(this.kind).map((row) => row.merchant_id);
  }
}

function checked(path: string): string {
  if (!DOC_PATH.test(path)) throw new Error(`not a document path: ${path}`);
  return path;
}
