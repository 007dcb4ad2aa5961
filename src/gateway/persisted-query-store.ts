import { commandClient, RedisBreaker, release } from '../redis/breaker.js';

/** Where automatic persisted queries are kept: id → document, registered by a client's first request. */
export interface PersistedQueryStore {
  get(id: string): Promise<string | undefined>;
  set(id: string, document: string): Promise<void>;
  close(): Promise<void>;
  /** With Redis: open while it fails or hangs, when ids are not found at once. */
  breaker?: RedisBreaker;
}

export interface PersistedQueryStoreOptions {
  /** Shared by every instance when given; this process's memory otherwise. */
  redisUrl?: string | undefined;
  prefix?: string | undefined;
  /** Documents kept in memory; the least recently used go first. */
  maxDocuments: number;
  /** How long Redis keeps a document after it was last registered. */
  ttlSeconds: number;
}

/**
 * A store that forgets is safe: a client whose id is not found sends the document again.
 * So Redis failing is answered as "not found" rather than as an error.
 */
export function createPersistedQueryStore(options: PersistedQueryStoreOptions): PersistedQueryStore {
  return options.redisUrl ? redisStore(options.redisUrl, `${options.prefix ?? ''}apq:`, options.ttlSeconds) : memoryStore(options.maxDocuments);
}

function memoryStore(max: number): PersistedQueryStore {
  // A Map iterates in insertion order: re-inserting on use keeps the least recently used first.
  const documents = new Map<string, string>();
  return {
    get: async (id) => {
      const document = documents.get(id);
      if (document !== undefined) {
        documents.delete(id);
        documents.set(id, document);
      }
      return document;
    },
    set: async (id, document) => {
      documents.delete(id);
      documents.set(id, document);
      for (const oldest of documents.keys()) {
        if (documents.size <= max) break;
        documents.delete(oldest);
      }
    },
    close: async () => {},
  };
}

function redisStore(url: string, prefix: string, ttlSeconds: number): PersistedQueryStore {
  // Commands wait for the connection (the first ones are sent while it opens), but not for long while
  // Redis is down or hangs: a client would rather send its document again than wait on a lookup.
  const redis = commandClient(url);
  // Each call answers its own failure; the connection's errors are not worth a crash.
  redis.on('error', () => {});
  const breaker = new RedisBreaker(redis, 'persistedQueries');
  return {
    breaker,
    get: async (id) => (await breaker.run(() => redis.get(prefix + id)).catch(() => null)) ?? undefined,
    set: async (id, document) => {
      await breaker.run(() => redis.set(prefix + id, document, 'EX', ttlSeconds)).catch(() => {});
    },
    close: () => release(redis),
  };
}
