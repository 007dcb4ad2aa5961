/** What registering a key's documents came to. */
export type KeyDocumentsRegistration =
  /** `added` documents are new; the key holds `total` now. */
  | { outcome: 'registered'; added: number; total: number }
  /** With them the key would hold `total`, more than the limit: none was added. */
  | { outcome: 'over-limit'; total: number };

/** One of a key's documents as listed: its digest (see src/gateway/trusted-documents.ts) and when it was registered (ISO 8601). */
export interface KeyDocumentEntry {
  digest: string;
  registeredAt: string;
}

/**
 * The trusted documents registered per gateway API key (src/gateway/key-documents.ts): each
 * key's documents by digest, apart from every other key's, named by the SHA-256 of the key
 * as the keys file has it. A document never changes under its digest, so registering one
 * again changes nothing. Kept beside the event store, in the same SQLite file or PostgreSQL
 * database, in a table of its own with its own record of migrations.
 */
export interface KeyDocumentStore {
  /** Adds the documents the key does not hold yet, all in one transaction, unless the key would then hold more than `limit`. */
  register(keySha256: string, documents: ReadonlyMap<string, string>, limit: number): Promise<KeyDocumentsRegistration>;
  document(keySha256: string, digest: string): Promise<string | undefined>;
  /** The key's documents, in the order they were registered. */
  list(keySha256: string): Promise<KeyDocumentEntry[]>;
  /** Forgets one of the key's documents; false when the key held none of that digest. */
  remove(keySha256: string, digest: string): Promise<boolean>;
  close(): Promise<void>;
}
