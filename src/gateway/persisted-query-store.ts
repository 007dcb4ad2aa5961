import { Redis } from 'ioredis';

/** Where automatic persisted queries are kept: id → document, registered by a client's first request. */
export interface PersistedQueryStore {
  get(id: string): Promise<string | undefined>;
  set(id: string, document: string): Promise<void>;
  close(): Promise<void>;
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

const REDIS_COMMAND_TIMEOUT_MS = 500;

function redisStore(url: string, prefix: string, ttlSeconds: number): PersistedQueryStore {
  // Commands wait for the connection (the first ones are sent while it opens), but not for long while
  // Redis is down: a client would rather send its document again than wait on a lookup.
  const redis = new Redis(url, { maxRetriesPerRequest: 1, commandTimeout: REDIS_COMMAND_TIMEOUT_MS });
  // Each call answers its own failure; the connection's errors are not worth a crash.
  redis.on('error', () => {});
  return {
    get: async (id) => (await redis.get(prefix + id).catch(() => null)) ?? undefined,
    set: async (id, document) => {
      await redis.set(prefix + id, document, 'EX', ttlSeconds).catch(() => {});
    },
    close: async () => {
      if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
      else redis.disconnect();
    },
  };
}
